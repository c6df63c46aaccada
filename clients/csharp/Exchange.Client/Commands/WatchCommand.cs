using System.Globalization;
using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>watch</c>: prints declaration events live until Ctrl+C (WatchDeclarationEvents). When the
/// connection drops it reconnects with backoff and resumes after the last cursor it printed, so
/// no event is missed or shown twice (<see cref="ResumableWatch"/>).
/// </summary>
public sealed class WatchCommand(TimeSpan? initialBackoff = null, TimeSpan? maxBackoff = null) : ICommand
{
    private readonly ResumableWatch watch = new(initialBackoff ?? TimeSpan.FromMilliseconds(500), maxBackoff ?? TimeSpan.FromSeconds(30));

    public CommandSpec Spec { get; } = new(
        "watch",
        "Print declaration events as they happen, until Ctrl+C.",
        [],
        [
            .. ResumableWatch.StartOptions("event"),
            new("--declaration", "NAME-OR-ID", "Only events of this declaration."),
        ],
        "One line per event: cursor, time, type, status, LRN, declaration. Without --history or --cursor, only new "
        + "events; the two together are refused. If the connection drops, the client reconnects (backing off up to "
        + "30 s) and resumes after the last cursor printed.");

    public Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var start = ResumableWatch.StartFrom(arguments);
        var request = new WatchDeclarationEventsRequest
        {
            Parent = context.Parent,
            IncludeHistory = start.IncludeHistory,
            Declaration = arguments.Value("--declaration") is { } declaration ? context.DeclarationName(declaration) : "",
        };
        return watch.RunAsync(
            context,
            "events",
            header: null,
            start,
            cursor =>
            {
                request.StartAfterCursor = cursor;
                return context.Client.WatchDeclarationEvents(request, context.CallOptions(cancellationToken));
            },
            response => new ResumableWatch.Line(Format(response.Event), response.Event.Cursor),
            cancellationToken);
    }

    /// <summary>One event as one line (fixed columns first, free text last).</summary>
    public static string Format(DeclarationEvent e) => string.Join("  ",
        e.Cursor,
        Display.Time(e.EventTime),
        Display.Label(e.Type).PadRight(14),
        Display.Label(e.Status).PadRight(12),
        (e.LocalReferenceNumber.Length == 0 ? "-" : e.LocalReferenceNumber).PadRight(22),
        e.Declaration,
        e.Revision.ToString("'r'0", CultureInfo.InvariantCulture),
        e.Reason).TrimEnd();
}

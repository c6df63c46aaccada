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
    /// <summary>The column headings, aligned with <see cref="Format"/>.</summary>
    public static readonly string Header = Columns("CURSOR", "TIME", "TYPE", "STATUS", "LRN", "DECLARATION", "REVISION", "REASON");

    private readonly ResumableWatch watch = new(initialBackoff ?? TimeSpan.FromMilliseconds(500), maxBackoff ?? TimeSpan.FromSeconds(30));

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
            Header,
            start,
            cursor =>
            {
                request.StartAfterCursor = cursor;
                return context.Client.WatchDeclarationEvents(request, context.CallOptions(cancellationToken));
            },
            response => new ResumableWatch.Line(Format(response.Event), response.Event.Cursor),
            cancellationToken);
    }

    /// <summary>One event as one line, in the columns of <see cref="Header"/> (fixed columns first, free text last).</summary>
    public static string Format(DeclarationEvent e) => Columns(
        e.Cursor,
        Display.Time(e.EventTime),
        Display.Label(e.Type),
        Display.Label(e.Status),
        e.LocalReferenceNumber.Length == 0 ? "-" : e.LocalReferenceNumber,
        e.Declaration,
        e.Revision.ToString("'r'0", CultureInfo.InvariantCulture),
        e.Reason);

    // A longer value pushes the rest along rather than being cut: a line is never ambiguous.
    private static string Columns(string cursor, string time, string type, string status, string lrn, string declaration, string revision, string reason) =>
        string.Join("  ",
            cursor.PadRight(6), time.PadRight(20), type.PadRight(14), status.PadRight(12), lrn.PadRight(22),
            declaration.PadRight(60), revision.PadRight(8), reason).TrimEnd();
}

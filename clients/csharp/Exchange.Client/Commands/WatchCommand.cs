using System.Globalization;
using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>watch</c>: prints declaration events live until Ctrl+C (WatchDeclarationEvents). When the
/// connection drops it reconnects with backoff and resumes after the last cursor it printed, so
/// no event is missed or shown twice.
/// </summary>
public sealed class WatchCommand(TimeSpan? initialBackoff = null, TimeSpan? maxBackoff = null) : ICommand
{
    private readonly TimeSpan initialBackoff = initialBackoff ?? TimeSpan.FromMilliseconds(500);
    private readonly TimeSpan maxBackoff = maxBackoff ?? TimeSpan.FromSeconds(30);

    public CommandSpec Spec { get; } = new(
        "watch",
        "Print declaration events as they happen, until Ctrl+C.",
        [],
        [
            new("--cursor", "C", "Resume after this event cursor (the first column of an earlier watch)."),
            new("--history", null, "Without --cursor: first replay every retained event, oldest first."),
            new("--declaration", "NAME-OR-ID", "Only events of this declaration."),
        ],
        "One line per event: cursor, time, type, status, LRN, declaration. If the connection drops, the client reconnects (backing off up to 30 s) and resumes after the last cursor printed.");

    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var request = new WatchDeclarationEventsRequest
        {
            Parent = context.Parent,
            StartAfterCursor = arguments.Value("--cursor") ?? "",
            IncludeHistory = arguments.Flag("--history"),
            Declaration = arguments.Value("--declaration") is { } declaration ? context.DeclarationName(declaration) : "",
        };
        // Events are written raw, one per line, so the output can be piped to grep or a file;
        // the connection messages go to the error stream for the same reason.
        var output = context.Console.Profile.Out.Writer;
        context.Errors.MarkupLine("[grey]Watching events; press Ctrl+C to stop.[/]");

        var backoff = initialBackoff;
        while (true)
        {
            string lostBecause;
            try
            {
                using var call = context.Client.WatchDeclarationEvents(request, context.CallOptions(cancellationToken));
                await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    var e = response.Event;
                    await output.WriteLineAsync(Format(e));
                    await output.FlushAsync(cancellationToken);
                    // Resume point for the next connection: only after the line is out, so a
                    // reconnect can neither skip this event nor print it again.
                    request.StartAfterCursor = e.Cursor;
                    backoff = initialBackoff;
                }
                lostBecause = "the server ended the stream";
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return ExitCodes.Success;
            }
            catch (RpcException ex) when (IsTransient(ex.StatusCode))
            {
                lostBecause = $"{ErrorPrinter.CodeName((int)ex.StatusCode)}: {ex.Status.Detail}";
            }

            var resume = request.StartAfterCursor.Length > 0 ? $"after cursor {request.StartAfterCursor}"
                : request.IncludeHistory ? "with the full history"
                // Without any cursor yet there is nothing to resume from: events of the gap are not replayed.
                : "with new events only";
            context.Errors.MarkupLine(
                $"[yellow]Connection lost ({Markup.Escape(lostBecause)}); reconnecting in {backoff.TotalSeconds:0.#} s, resuming {Markup.Escape(resume)}.[/]");
            try
            {
                await Task.Delay(backoff, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return ExitCodes.Success;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, maxBackoff.Ticks));
        }
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

    // Worth reconnecting for: the connection or the node went away, or the node is overloaded.
    // Anything else (a bad cursor, a wrong filer) would fail the same way again.
    private static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.Internal
        or StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.ResourceExhausted
        or StatusCode.Cancelled;
}

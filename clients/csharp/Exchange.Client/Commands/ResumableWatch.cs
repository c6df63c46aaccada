using Exchange.Client.Cli;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary>
/// A server stream of events resumable by cursor (WatchDeclarationEvents, WatchConsignmentEvents),
/// read until Ctrl+C. Events are written raw, one per line, so the output can be piped to grep or
/// a file; connection messages go to the error stream for the same reason. When the connection
/// drops it reconnects with backoff and resumes after the last cursor it wrote, so no event is
/// missed or shown twice.
/// </summary>
/// <param name="initialBackoff">The first wait before reconnecting; doubled after each failed attempt.</param>
/// <param name="maxBackoff">The longest wait between attempts.</param>
public sealed class ResumableWatch(TimeSpan initialBackoff, TimeSpan maxBackoff)
{
    /// <summary>One event as the watch prints it, and where to resume after it.</summary>
    public readonly record struct Line(string Text, string Cursor);

    /// <summary>Where the first connection starts: after a cursor (empty: none), or with the retained history.</summary>
    public readonly record struct Start(string AfterCursor, bool IncludeHistory);

    /// <summary>
    /// Reads --history and --cursor, which every watch command takes (<see cref="Cli.ClientCommandLine"/>). Both together are refused: the server ignores
    /// include_history when a cursor is given, so accepting both would promise a replay that
    /// never comes.
    /// </summary>
    public static Start StartFrom(ParsedArguments arguments)
    {
        var cursor = arguments.Value("--cursor");
        var history = arguments.Flag("--history");
        if (cursor is not null && history)
        {
            throw new UsageException("Give --history or --cursor, not both: --cursor resumes after a line already seen, with nothing before it replayed.");
        }
        return new Start(cursor ?? "", history);
    }

    /// <summary>Reads events until cancelled; returns the exit code.</summary>
    /// <param name="context">Where the lines and messages go.</param>
    /// <param name="watching">What is watched, for the first message, e.g. "declaration events".</param>
    /// <param name="header">Column headings written once before the first event; null for none.</param>
    /// <param name="start">Where the first connection starts (<see cref="StartFrom"/>); the history is
    /// replayed by a connection without a cursor only.</param>
    /// <param name="open">Opens the stream after the given cursor (empty: none).</param>
    /// <param name="read">The line and cursor of one response.</param>
    /// <param name="cancellationToken">Ctrl+C.</param>
    public async Task<int> RunAsync<TResponse>(
        CommandContext context,
        string watching,
        string? header,
        Start start,
        Func<string, AsyncServerStreamingCall<TResponse>> open,
        Func<TResponse, Line> read,
        CancellationToken cancellationToken)
    {
        var output = context.Console.Profile.Out.Writer;
        context.Errors.MarkupLine($"[grey]Watching {Markup.Escape(watching)}; press Ctrl+C to stop.[/]");
        if (header is not null)
        {
            await output.WriteLineAsync(header);
            await output.FlushAsync(cancellationToken);
        }

        var cursor = start.AfterCursor;
        var backoff = initialBackoff;
        while (true)
        {
            string lostBecause;
            try
            {
                using var call = open(cursor);
                await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
                {
                    var line = read(response);
                    await output.WriteLineAsync(line.Text);
                    await output.FlushAsync(cancellationToken);
                    // Resume point for the next connection: only after the line is out, so a
                    // reconnect can neither skip this event nor print it again.
                    cursor = line.Cursor;
                    backoff = initialBackoff;
                }
                lostBecause = "the server ended the stream";
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or RpcException)
            {
                return ExitCodes.Success;
            }
            // Error details too large to read would be as large on every attempt: not worth reconnecting for.
            catch (RpcException ex) when (IsTransient(ex.StatusCode) && !CallFailure.ErrorDetailsUnreadable(ex))
            {
                lostBecause = $"{ErrorPrinter.CodeName((int)ex.StatusCode)}: {ex.Status.Detail}";
            }

            var resume = cursor.Length > 0 ? $"after cursor {cursor}"
                : start.IncludeHistory ? "with the full history"
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

    // Worth reconnecting for: the connection or the node went away, or the node is overloaded.
    // Anything else (a bad cursor, a wrong filer) would fail the same way again.
    private static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.Internal
        or StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.ResourceExhausted
        or StatusCode.Cancelled;
}

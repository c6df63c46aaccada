using System.Globalization;
using Exchange.Client.Cli;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Spectre.Console;

namespace Exchange.Client.Commands;

/// <summary>
/// <c>bulk-submit &lt;file.jsonl or directory&gt;</c>: sends many declarations over
/// BulkSubmitDeclarations streams, sending and receiving at the same time.
/// </summary>
/// <param name="progressInterval">How often a progress line is written when the output is not a terminal (default 5 s).</param>
public sealed class BulkSubmitCommand(TimeSpan? progressInterval = null) : ICommand
{
    /// <summary>The contract's cap on declarations per stream (STREAM_LIMIT_EXCEEDED beyond it).</summary>
    public const int MaxPerStream = 100_000;

    public async Task<int> ExecuteAsync(CommandContext context, ParsedArguments arguments, CancellationToken cancellationToken)
    {
        var parallel = arguments.Int("--parallel", 1, 64) ?? 1;
        var items = DeclarationFiles.ReadMany(arguments.Positionals[0]);
        var answers = new BulkSubmitDeclarationsResponse?[items.Count];
        var progress = new Progress(items.Count);
        var streamErrors = new List<RpcException>();

        // Items are dealt round-robin over the streams; more streams than --parallel only when
        // the per-stream cap demands it, and then at most --parallel run at once.
        var streamCount = Math.Min(items.Count, Math.Max(parallel, (items.Count + MaxPerStream - 1) / MaxPerStream));
        var streams = Enumerable.Range(0, streamCount)
            .Select(s => Enumerable.Range(0, items.Count).Where(i => i % streamCount == s).ToArray())
            .ToArray();

        async Task RunAllAsync(Action onAnswer)
        {
            void Answered()
            {
                progress.Answered();
                onAnswer();
            }

            using var gate = new SemaphoreSlim(parallel);
            await Task.WhenAll(streams.Select(async positions =>
            {
                await gate.WaitAsync(cancellationToken);
                try
                {
                    await RunStreamAsync(context, items, positions, answers, progress.Sent, Answered, cancellationToken);
                }
                catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    // The whole stream failed; its unanswered items are reported below.
                    lock (streamErrors)
                    {
                        streamErrors.Add(ex);
                    }
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        // A progress bar on a terminal; redirected (a log, CI, a pipe) a bar is noise, so a plain
        // line every few seconds on the error stream, which keeps the results on stdout clean.
        if (context.Console.Profile.Out.IsTerminal)
        {
            await context.Console.Progress().StartAsync(async bar =>
            {
                var task = bar.AddTask($"Submitting {items.Count} declarations", maxValue: items.Count);
                await RunAllAsync(() => task.Increment(1));
            });
        }
        else
        {
            using var stopReporting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reporting = ReportProgressAsync(context, progress, progressInterval ?? TimeSpan.FromSeconds(5), stopReporting.Token);
            try
            {
                await RunAllAsync(() => { });
            }
            finally
            {
                await stopReporting.CancelAsync();
                await reporting;
            }
            context.Errors.WriteLine(progress.Line());
        }

        return PrintSummary(context, items, answers, streamErrors);
    }

    private static async Task RunStreamAsync(
        CommandContext context,
        IReadOnlyList<DeclarationItem> items,
        int[] positions,
        BulkSubmitDeclarationsResponse?[] answers,
        Action onSent,
        Action onAnswer,
        CancellationToken cancellationToken)
    {
        using var call = context.Client.BulkSubmitDeclarations(context.CallOptions(cancellationToken));

        // Sending runs alongside receiving: the server answers while we still send, and a
        // client that sent everything first would hold every answer in the server's buffers.
        var sending = Task.Run(async () =>
        {
            foreach (var position in positions)
            {
                var item = items[position];
                await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
                {
                    Parent = context.Parent,
                    Declaration = item.Declaration,
                    RequestId = item.RequestId,
                }, cancellationToken);
                onSent();
            }
            await call.RequestStream.CompleteAsync();
        }, cancellationToken);

        try
        {
            await foreach (var answer in call.ResponseStream.ReadAllAsync(cancellationToken))
            {
                // The answer's index is the position on this stream; map it back to the file.
                if (answer.Index >= 0 && answer.Index < positions.Length)
                {
                    answers[positions[answer.Index]] = answer;
                    onAnswer();
                }
            }
        }
        catch
        {
            // The receive side has the error worth reporting; stop the sender and drop its
            // (consequential) failure.
            call.Dispose();
            try
            {
                await sending;
            }
            catch (Exception)
            {
                // Already reported through the receive side.
            }
            throw;
        }
        await sending;
    }

    private static int PrintSummary(
        CommandContext context,
        IReadOnlyList<DeclarationItem> items,
        BulkSubmitDeclarationsResponse?[] answers,
        IReadOnlyList<RpcException> streamErrors)
    {
        var accepted = answers.Count(a => a?.ResultCase == BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration);
        var rejected = answers.Count(a => a?.ResultCase == BulkSubmitDeclarationsResponse.ResultOneofCase.Error);
        var unanswered = items.Count - accepted - rejected;
        var console = context.Console;

        for (var i = 0; i < items.Count; i++)
        {
            if (answers[i] is { ResultCase: BulkSubmitDeclarationsResponse.ResultOneofCase.Error } answer)
            {
                console.WriteLine();
                console.MarkupLine($"[bold]Rejected: {Markup.Escape(items[i].Source)}[/] (item {i + 1}, LRN {Markup.Escape(items[i].Declaration.LocalReferenceNumber)}, request id {items[i].RequestId})");
                ErrorPrinter.Print(console, answer.Error);
            }
            foreach (var warning in answers[i]?.Warnings ?? [])
            {
                // Plain text: the description names the LRN the filer sent, never markup.
                console.Write(new Text($"Warning for {items[i].Source} (item {i + 1}, {warning.Code}): {warning.Description}\n"));
            }
        }

        console.WriteLine();
        console.MarkupLine($"[green]Accepted: {accepted}[/]   [red]Rejected: {rejected}[/]   Total: {items.Count}");
        if (unanswered == 0)
        {
            return rejected == 0 ? ExitCodes.Success : ExitCodes.Rejected;
        }

        context.Errors.MarkupLine($"[red]Not answered: {unanswered}[/] (the stream failed):");
        foreach (var error in streamErrors)
        {
            ErrorPrinter.Print(context.Errors, error);
        }
        if (!streamErrors.All(CallFailure.ErrorDetailsUnreadable))
        {
            context.Errors.WriteLine("Re-run the same command to retry: request ids are derived from the content, so items already accepted are not recorded twice.");
        }
        else
        {
            context.Errors.WriteLine(CallFailure.ErrorDetailsUnreadableAdvice);
        }
        return ExitCodes.Failure;
    }

    private static async Task ReportProgressAsync(CommandContext context, Progress progress, TimeSpan interval, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                context.Errors.WriteLine(progress.Line());
            }
        }
        catch (OperationCanceledException)
        {
            // The work ended (or Ctrl+C): the caller writes the last line.
        }
    }

    /// <summary>Items sent and answered so far, counted from every stream at once.</summary>
    private sealed class Progress(int total)
    {
        private int sent;
        private int answered;

        public void Sent() => Interlocked.Increment(ref sent);

        public void Answered() => Interlocked.Increment(ref answered);

        /// <summary>E.g. "12,000 / 100,000 sent, 11,800 answered".</summary>
        public string Line() => string.Create(CultureInfo.InvariantCulture,
            $"{Volatile.Read(ref sent):N0} / {total:N0} sent, {Volatile.Read(ref answered):N0} answered");
    }
}

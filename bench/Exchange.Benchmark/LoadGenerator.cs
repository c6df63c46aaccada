using System.Collections.Concurrent;
using System.Diagnostics;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;

namespace Exchange.Benchmark;

/// <summary>Live counts of a running phase, read by the progress line.</summary>
public sealed class LoadCounters
{
    private long _done;
    private long _errors;

    public long Done => Interlocked.Read(ref _done);

    public long Errors => Interlocked.Read(ref _errors);

    public ConcurrentDictionary<string, long> ErrorsByCode { get; } = new();

    public void Succeeded() => Interlocked.Increment(ref _done);

    public void Failed(string code)
    {
        Interlocked.Increment(ref _done);
        Interlocked.Increment(ref _errors);
        ErrorsByCode.AddOrUpdate(code, 1, (_, n) => n + 1);
    }
}

/// <summary>What a phase produced: every completed call or item, its latency, and how long it all took.</summary>
public sealed record LoadOutcome(LoadCounters Counters, long[] LatencyTicks, TimeSpan Elapsed);

/// <summary>The two loads, identical for the node and the baseline (same requests, same client code).</summary>
public static class LoadGenerator
{
    /// <summary>Bulk streams are renewed before the node's limit of 100,000 declarations per stream.</summary>
    public const int ItemsPerStream = 50_000;

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <paramref name="concurrency"/> workers each keep one SubmitDeclaration in flight, spread over
    /// the clients (one per HTTP/2 connection pool), until <paramref name="count"/> calls or <paramref name="duration"/>.
    /// </summary>
    public static async Task<LoadOutcome> UnaryAsync(
        IReadOnlyList<DeclarationService.DeclarationServiceClient> clients, DeclarationFactory factory,
        int concurrency, long? count, TimeSpan duration, LoadCounters counters, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var endAt = started + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        long issued = 0;
        var latencies = new List<long>[concurrency];
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var client = clients[worker % clients.Count];
            var mine = latencies[worker] = new List<long>(4096);
            while (!ct.IsCancellationRequested)
            {
                if (count is { } limit ? Interlocked.Increment(ref issued) > limit : Stopwatch.GetTimestamp() >= endAt)
                {
                    break;
                }
                var (request, filer) = factory.NextUnary();
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await client.SubmitDeclarationAsync(request, filer.Headers, DateTime.UtcNow + CallDeadline, ct);
                    counters.Succeeded();
                }
                catch (RpcException e) when (!ct.IsCancellationRequested)
                {
                    counters.Failed(e.StatusCode.ToString());
                }
                mine.Add(Stopwatch.GetTimestamp() - start);
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        ct.ThrowIfCancellationRequested();
        return new LoadOutcome(counters, [.. latencies.SelectMany(l => l)], Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// <paramref name="streams"/> BulkSubmitDeclarations streams share <paramref name="count"/>
    /// declarations; each writes and reads at once, with at most <paramref name="window"/> items
    /// unanswered. An item's latency is the time from its write to its answer.
    /// </summary>
    public static async Task<LoadOutcome> BulkAsync(
        IReadOnlyList<DeclarationService.DeclarationServiceClient> clients, DeclarationFactory factory,
        int streams, long count, int window, TimeSpan timeLimit, LoadCounters counters, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var endAt = started + (long)(timeLimit.TotalSeconds * Stopwatch.Frequency);
        var latencies = new List<long>[streams];
        var workers = Enumerable.Range(0, streams).Select(s => Task.Run(async () =>
        {
            var mine = latencies[s] = [];
            var remaining = count / streams + (s < count % streams ? 1 : 0);
            while (remaining > 0 && Stopwatch.GetTimestamp() < endAt && !ct.IsCancellationRequested)
            {
                var items = (int)Math.Min(remaining, ItemsPerStream);
                // Stream s writes as filer s (round-robin when there are more streams than filers).
                var filer = factory.Filers[s % factory.Filers.Count];
                var written = await OneStreamAsync(clients[s % clients.Count], factory, filer, items, window, endAt, counters, mine, ct);
                remaining -= items;
                if (written < items)
                {
                    break; // out of time, or the stream failed
                }
            }
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        ct.ThrowIfCancellationRequested();
        return new LoadOutcome(counters, [.. latencies.SelectMany(l => l)], Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One stream of up to <paramref name="items"/> declarations; returns how many were written.</summary>
    private static async Task<int> OneStreamAsync(
        DeclarationService.DeclarationServiceClient client, DeclarationFactory factory, BenchmarkFiler filer, int items, int window,
        long endAt, LoadCounters counters, List<long> latencies, CancellationToken ct)
    {
        // Ends the writer if the stream fails while it waits for room in the window.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        using var call = client.BulkSubmitDeclarations(filer.Headers, cancellationToken: ct);
        var writtenAt = new long[items];
        using var unanswered = new SemaphoreSlim(window);
        var written = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < items && Stopwatch.GetTimestamp() < endAt; i++)
            {
                await unanswered.WaitAsync(stop.Token);
                var request = factory.NextBulk(filer);
                Volatile.Write(ref writtenAt[i], Stopwatch.GetTimestamp());
                await call.RequestStream.WriteAsync(request, stop.Token);
                written++;
            }
            await call.RequestStream.CompleteAsync();
        }, stop.Token);
        try
        {
            await foreach (var answer in call.ResponseStream.ReadAllAsync(ct))
            {
                latencies.Add(Stopwatch.GetTimestamp() - Volatile.Read(ref writtenAt[answer.Index]));
                unanswered.Release();
                if (answer.Error is { } error)
                {
                    counters.Failed(((StatusCode)error.Code).ToString());
                }
                else
                {
                    counters.Succeeded();
                }
            }
            await writer;
        }
        catch (RpcException e) when (!ct.IsCancellationRequested)
        {
            counters.Failed("stream " + e.StatusCode);
            await stop.CancelAsync();
            await writer.ContinueWith(_ => { }, TaskScheduler.Default); // its failure is the stream's, counted above
            return 0;
        }
        return written;
    }
}

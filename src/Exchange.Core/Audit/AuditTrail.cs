using System.Threading.Channels;
using Exchange.Core.Declarations;
using Exchange.Core.Events;
using Exchange.Core.Storage;

namespace Exchange.Core.Audit;

/// <summary>
/// The way into the append-only audit log. <see cref="Record(AuditEntry)"/> never blocks and never
/// throws: the entry joins a queue, and one background loop writes what has gathered in batches
/// (group commit: one store transaction per batch, so auditing every read costs one insert per
/// batch, not a transaction per call). While the store fails, the loop keeps the entries and
/// retries with backoff; memory stays bounded by <see cref="AuditTrailSettings.MaxQueuedEntries"/>,
/// beyond which entries are dropped and counted (<see cref="Dropped"/>, <see cref="EntriesDropped"/>).
/// Closing or disposing writes everything queued before it returns, unless the store stays down
/// past the drain deadline, and then the abandoned entries are counted and reported.
///
/// What a crash loses: entries recorded within the last flush interval (and, while the store is
/// down, everything queued). Changes to declarations are also in their event log, written in the
/// change's own transaction, so this loss only ever concerns reads, refusals and other acts.
/// </summary>
public sealed class AuditTrail : IAsyncDisposable
{
    /// <summary>
    /// Longest actor, action, resource, outcome or detail kept (characters); longer texts are cut.
    /// A caller names the resource, and a request may be megabytes long.
    /// </summary>
    public const int MaxTextLength = 1024;

    private readonly IAuditStore _store;
    private readonly AuditTrailSettings _settings;
    private readonly TimeProvider _clock;
    private readonly Channel<AuditEntry> _queue = Channel.CreateUnbounded<AuditEntry>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly WorkPulse _batchReady = new();
    private readonly WorkPulse _progress = new();
    private readonly CancellationTokenSource _abort = new();
    private readonly Task _writing;
    private long _held;       // accepted and not yet written: queued or in the batch being written
    private long _waiting;    // in the queue, not yet taken into a batch
    private long _accepted;
    private long _written;
    private long _droppedFull;
    private long _droppedClosed;
    private long _abandoned;
    private long _droppedFullReported;
    private long _flushUpTo;  // a flush waits for the entries up to here: no lingering until they are written
    private int _closing;

    public AuditTrail(IAuditStore store, AuditTrailSettings settings, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(clock);
        if (settings.Problems() is { Count: > 0 } problems)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(settings));
        }
        _store = store;
        _settings = settings;
        _clock = clock;
        _writing = Task.Run(WriteLoopAsync);
    }

    /// <summary>A write failed: the error, the entries held (to be retried), and the wait before the next attempt.</summary>
    public event Action<Exception, long, TimeSpan>? StoreFailed;

    /// <summary>Entries were lost: how many (since the last report) and why.</summary>
    public event Action<long, AuditDropReason>? EntriesDropped;

    /// <summary>Entries held in memory: queued, or in the batch being written.</summary>
    public long Queued => Interlocked.Read(ref _held);

    /// <summary>Entries written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Entries lost: turned away by a full queue, abandoned at closing, or recorded after the trail closed.</summary>
    public long Dropped => Interlocked.Read(ref _droppedFull) + Interlocked.Read(ref _droppedClosed) + Interlocked.Read(ref _abandoned);

    /// <summary>Queues the entry for the next batch. Returns false when it was dropped (the queue is full, or the trail closed).</summary>
    public bool Record(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (Interlocked.Increment(ref _held) > _settings.MaxQueuedEntries)
        {
            Interlocked.Decrement(ref _held);
            Interlocked.Increment(ref _droppedFull);
            return false;
        }
        // Counted before it is queued, so a flush that starts after this returns waits for it.
        Interlocked.Increment(ref _accepted);
        if (!_queue.Writer.TryWrite(Bounded(entry)))
        {
            Interlocked.Decrement(ref _accepted);
            Interlocked.Decrement(ref _held);
            Interlocked.Increment(ref _droppedClosed);
            return false;
        }
        if (Interlocked.Increment(ref _waiting) == _settings.BatchSize)
        {
            _batchReady.Raise(); // a full batch need not wait out the flush interval
        }
        return true;
    }

    /// <summary>Records an act that happened now (see <see cref="Record(AuditEntry)"/>).</summary>
    public bool Record(string actor, string action, string resource, string outcome, string detail = "") =>
        Record(new AuditEntry(Timestamps.Now(_clock), actor, action, resource, outcome, detail));

    /// <summary>
    /// Completes once every entry recorded before the call is written (or the trail has stopped),
    /// without waiting out the flush interval. While the store fails it waits, until cancelled.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var target = Interlocked.Read(ref _accepted);
        for (var upTo = Interlocked.Read(ref _flushUpTo); upTo < target; upTo = Interlocked.Read(ref _flushUpTo))
        {
            if (Interlocked.CompareExchange(ref _flushUpTo, target, upTo) == upTo)
            {
                break;
            }
        }
        _batchReady.Raise();
        while (true)
        {
            var progress = _progress.NextAsync();
            if (Interlocked.Read(ref _written) >= target || _writing.IsCompleted)
            {
                return;
            }
            await progress.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Stops taking entries and writes what is queued, retrying while the store fails. When
    /// <paramref name="cancellationToken"/> fires first, gives up: what is still queued is
    /// abandoned, counted and reported (<see cref="AuditDropReason.Abandoned"/>).
    /// </summary>
    public async Task CloseAsync(CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _closing, 1);
        _queue.Writer.TryComplete();
        _batchReady.Raise();
        if (_writing.IsCompleted)
        {
            return; // closed before: nothing left to abort
        }
        using (cancellationToken.Register(() => _abort.Cancel()))
        {
            await _writing;
        }
    }

    /// <summary>Closes the trail, giving the store <see cref="AuditTrailSettings.DrainTimeout"/> to take what is queued.</summary>
    public async ValueTask DisposeAsync()
    {
        using (var deadline = new CancellationTokenSource(_settings.DrainTimeout, _clock))
        {
            await CloseAsync(deadline.Token);
        }
        _abort.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<AuditEntry>(_settings.BatchSize);
        var failures = 0;
        try
        {
            while (true)
            {
                if (batch.Count == 0)
                {
                    if (!await _queue.Reader.WaitToReadAsync())
                    {
                        return; // closed, and everything written
                    }
                    await LingerAsync();
                }
                // A batch being retried takes what arrived meanwhile behind it: the order is kept.
                while (batch.Count < _settings.BatchSize && _queue.Reader.TryRead(out var entry))
                {
                    batch.Add(entry);
                    Interlocked.Decrement(ref _waiting);
                }
                try
                {
                    // The store gets its own copy: the batch grows while it is retried.
                    await _store.AppendAsync(batch.ToArray(), _abort.Token);
                    Interlocked.Add(ref _written, batch.Count);
                    Interlocked.Add(ref _held, -batch.Count);
                    batch.Clear();
                    failures = 0;
                    _progress.Raise();
                }
                catch (OperationCanceledException) when (_abort.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception error)
                {
                    failures++;
                    var wait = Backoff(failures);
                    Notify(() => StoreFailed?.Invoke(error, Queued, wait));
                    try
                    {
                        await Task.Delay(wait, _clock, _abort.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
                ReportQueueFull();
            }
        }
        finally
        {
            var abandoned = batch.Count;
            while (_queue.Reader.TryRead(out _))
            {
                abandoned++;
            }
            Interlocked.Add(ref _abandoned, abandoned);
            Interlocked.Add(ref _held, -abandoned);
            ReportQueueFull();
            if (abandoned > 0)
            {
                Notify(() => EntriesDropped?.Invoke(abandoned, AuditDropReason.Abandoned));
            }
            _progress.Raise();
        }
    }

    /// <summary>Gives concurrent callers up to the flush interval to join the batch, unless it is full, flushed or closing.</summary>
    private async Task LingerAsync()
    {
        var ready = _batchReady.NextAsync();
        if (_settings.FlushInterval == TimeSpan.Zero || Volatile.Read(ref _closing) == 1
            || Interlocked.Read(ref _waiting) >= _settings.BatchSize
            || Interlocked.Read(ref _flushUpTo) > Interlocked.Read(ref _written))
        {
            return;
        }
        using var timeUp = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        var delay = Task.Delay(_settings.FlushInterval, _clock, timeUp.Token);
        await Task.WhenAny(ready, delay);
        await timeUp.CancelAsync(); // the timer goes with the wait it served
    }

    /// <summary>The wait after <paramref name="failures"/> consecutive failures: doubling from the initial backoff up to the cap.</summary>
    private TimeSpan Backoff(int failures)
    {
        var ticks = _settings.InitialRetryBackoff.Ticks * Math.Pow(2, Math.Min(failures - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, _settings.MaxRetryBackoff.Ticks));
    }

    /// <summary>Reports the entries the full queue turned away since the last report (at most once per write attempt).</summary>
    private void ReportQueueFull()
    {
        var dropped = Interlocked.Read(ref _droppedFull);
        var newly = dropped - _droppedFullReported;
        if (newly > 0)
        {
            _droppedFullReported = dropped;
            Notify(() => EntriesDropped?.Invoke(newly, AuditDropReason.QueueFull));
        }
    }

    /// <summary>A failing observer (a logger, a metric) must not stop the loop that writes the log.</summary>
    private static void Notify(Action notify)
    {
        try
        {
            notify();
        }
        catch (Exception)
        {
            // Nothing to report it to: the observers are how the trail reports.
        }
    }

    /// <summary>The entry with every text present and at most <see cref="MaxTextLength"/> characters.</summary>
    private static AuditEntry Bounded(AuditEntry entry) => entry with
    {
        Actor = Cut(entry.Actor),
        Action = Cut(entry.Action),
        Resource = Cut(entry.Resource),
        Outcome = Cut(entry.Outcome),
        Detail = Cut(entry.Detail),
    };

    private static string Cut(string? text)
    {
        if (text is null)
        {
            return "";
        }
        if (text.Length <= MaxTextLength)
        {
            return text;
        }
        // Never half a surrogate pair.
        var length = char.IsHighSurrogate(text[MaxTextLength - 1]) ? MaxTextLength - 1 : MaxTextLength;
        return text[..length];
    }
}

/// <summary>Why audit entries were lost.</summary>
public enum AuditDropReason
{
    /// <summary>The queue held <see cref="AuditTrailSettings.MaxQueuedEntries"/> already (the store has been failing or is too slow).</summary>
    QueueFull,

    /// <summary>The trail was closing and the store did not take what was queued before the deadline.</summary>
    Abandoned,
}

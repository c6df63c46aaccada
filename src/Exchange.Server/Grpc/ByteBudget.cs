using Exchange.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Grpc;

/// <summary>
/// Bytes held by bulk streams, counted against a limit and against the limit of the budget it
/// belongs to (a caller's budget belongs to the node's). <see cref="WaitForRoomAsync"/> waits
/// until this budget and every budget above it hold less than their limits; <see cref="Take"/>
/// then counts what was read (it never waits: the bytes exist already), and <see cref="Give"/>
/// returns them once the answers have been written. A stream waits for room before it reads, so a
/// waiting stream holds nothing more: the next message stays in the transport, under HTTP/2 flow
/// control. What is held can pass a limit by the one message each stream read after the room it
/// waited for (and the answers of the batch it is writing), never by more.
/// </summary>
public sealed class ByteBudget
{
    private readonly long _limit;
    private readonly ByteBudget? _parent;

    /// <summary>One lock for the whole tree, so room is judged on every level at once.</summary>
    private readonly object _gate;

    /// <summary>Streams waiting for room anywhere in the tree; woken (all of them) whenever bytes come back.</summary>
    private readonly List<TaskCompletionSource> _waiting;

    private long _held;
    private long _peak;

    /// <summary>A budget of <paramref name="limit"/> bytes, within <paramref name="parent"/>'s if given.</summary>
    public ByteBudget(long limit, ByteBudget? parent = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        _limit = limit;
        _parent = parent;
        _gate = parent?._gate ?? new object();
        _waiting = parent?._waiting ?? [];
    }

    public long Limit => _limit;

    public long Held
    {
        get
        {
            lock (_gate)
            {
                return _held;
            }
        }
    }

    /// <summary>The most this budget has held at once since it was made: what the limit actually bounded.</summary>
    public long Peak
    {
        get
        {
            lock (_gate)
            {
                return _peak;
            }
        }
    }

    /// <summary>Completes when this budget and every one above it hold less than their limits.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TaskCompletionSource woken;
            lock (_gate)
            {
                if (HasRoom())
                {
                    return;
                }
                woken = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiting.Add(woken);
            }
            try
            {
                await woken.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                lock (_gate)
                {
                    _waiting.Remove(woken);
                }
            }
        }
    }

    /// <summary>Counts <paramref name="bytes"/> as held here and above, room or not.</summary>
    public void Take(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_gate)
        {
            for (var budget = this; budget is not null; budget = budget._parent)
            {
                budget._held += bytes;
                budget._peak = Math.Max(budget._peak, budget._held);
            }
        }
    }

    /// <summary>Returns bytes taken earlier, here and above, and wakes the streams waiting for room.</summary>
    public void Give(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        if (bytes == 0)
        {
            return;
        }
        TaskCompletionSource[] woken;
        lock (_gate)
        {
            for (var budget = this; budget is not null; budget = budget._parent)
            {
                budget._held -= bytes;
            }
            woken = [.. _waiting];
            _waiting.Clear();
        }
        // Each re-checks its own levels: one stream's bytes coming back may make room for any of them.
        foreach (var waiter in woken)
        {
            waiter.TrySetResult();
        }
    }

    private bool HasRoom()
    {
        for (var budget = this; budget is not null; budget = budget._parent)
        {
            if (budget._held >= budget._limit)
            {
                return false;
            }
        }
        return true;
    }
}

/// <summary>
/// The node's memory budget for bulk streams (Exchange:Limits:BulkBytesPerNode) and each caller's
/// share of it (Exchange:Limits:BulkBytesPerCaller), counted in encoded bytes of the requests read
/// ahead or in the batch being written and of the answers not yet written. A caller's budget lives
/// while it has a bulk stream open, so memory follows the callers streaming now. One per node.
/// </summary>
public sealed class BulkStreamBudgets(IOptions<ExchangeOptions> options)
{
    private readonly LimitOptions _limits = options.Value.Limits;
    private readonly Dictionary<string, (ByteBudget Budget, int Streams)> _callers = [];

    public ByteBudget Node { get; } = new(options.Value.Limits.BulkBytesPerNode);

    /// <summary>Callers with a bulk stream open now (each has a budget).</summary>
    public int Callers
    {
        get
        {
            lock (_callers)
            {
                return _callers.Count;
            }
        }
    }

    /// <summary>The caller's budget for one of its streams; dispose it when the stream has ended.</summary>
    public StreamBudget Open(string caller)
    {
        lock (_callers)
        {
            var budget = _callers.TryGetValue(caller, out var open) ? open.Budget : new ByteBudget(_limits.BulkBytesPerCaller, Node);
            _callers[caller] = (budget, open.Streams + 1);
            return new StreamBudget(this, caller, budget);
        }
    }

    private void Close(string caller)
    {
        lock (_callers)
        {
            var (budget, streams) = _callers[caller];
            if (streams == 1)
            {
                _callers.Remove(caller);
            }
            else
            {
                _callers[caller] = (budget, streams - 1);
            }
        }
    }

    /// <summary>
    /// What one stream holds of its caller's budget: given back in full when disposed, however
    /// the stream ended, so a failed or abandoned stream cannot leak room.
    /// </summary>
    public sealed class StreamBudget : IDisposable
    {
        private readonly BulkStreamBudgets _owner;
        private readonly string _caller;
        private long _held;
        private int _disposed;

        internal StreamBudget(BulkStreamBudgets owner, string caller, ByteBudget budget)
        {
            _owner = owner;
            _caller = caller;
            Budget = budget;
        }

        public ByteBudget Budget { get; }

        public ValueTask WaitForRoomAsync(CancellationToken cancellationToken) => Budget.WaitForRoomAsync(cancellationToken);

        public void Take(long bytes)
        {
            Interlocked.Add(ref _held, bytes);
            Budget.Take(bytes);
        }

        public void Give(long bytes)
        {
            Interlocked.Add(ref _held, -bytes);
            Budget.Give(bytes);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Budget.Give(Interlocked.Exchange(ref _held, 0));
                _owner.Close(_caller);
            }
        }
    }
}

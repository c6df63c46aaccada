using Exchange.Core.Storage;

namespace Exchange.Core.Tests.Audit;

/// <summary>
/// An <see cref="IAuditStore"/> in memory, with the stores' query semantics, that can hold its
/// writes at a gate and fail them on demand: what the trail's tests need to see batching and retry.
/// </summary>
internal sealed class InMemoryAuditStore : IAuditStore
{
    private readonly Lock _lock = new();
    private readonly List<AuditRecordRow> _rows = [];
    private readonly List<IReadOnlyList<AuditEntry>> _batches = [];
    private TaskCompletionSource _gate = Open();
    private int _attempts;

    /// <summary>Appends fail with this while it is set (the attempt is counted, nothing is written).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Append attempts so far, failed ones included.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>The batches written, each as given.</summary>
    public IReadOnlyList<IReadOnlyList<AuditEntry>> Batches
    {
        get
        {
            lock (_lock)
            {
                return _batches.ToList();
            }
        }
    }

    public IReadOnlyList<AuditEntry> Entries => Batches.SelectMany(b => b).ToList();

    /// <summary>The last query asked.</summary>
    public AuditQuery? LastQuery { get; private set; }

    /// <summary>From now on appends wait until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        await _gate.Task.WaitAsync(cancellationToken);
        if (Failure is { } failure)
        {
            throw failure;
        }
        lock (_lock)
        {
            _batches.Add(entries.ToList());
            foreach (var entry in entries)
            {
                _rows.Add(new AuditRecordRow(_rows.Count + 1, entry));
            }
        }
    }

    public Task<IReadOnlyList<AuditRecordRow>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        LastQuery = query;
        lock (_lock)
        {
            IReadOnlyList<AuditRecordRow> rows = _rows
                .Where(r => query.Actor is null || r.Entry.Actor == query.Actor)
                .Where(r => query.ResourcePrefix is null || r.Entry.Resource.StartsWith(query.ResourcePrefix, StringComparison.Ordinal))
                .Where(r => query.Start is null || r.Entry.Time >= query.Start)
                .Where(r => query.End is null || r.Entry.Time < query.End)
                .Where(r => query.BeforeSequence is null || r.Sequence < query.BeforeSequence)
                .OrderByDescending(r => r.Sequence)
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(rows);
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

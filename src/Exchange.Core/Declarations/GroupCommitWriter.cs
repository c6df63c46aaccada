using System.Threading.Channels;
namespace Exchange.Core.Declarations;

/// <summary>
/// Group commit for single submissions: concurrent submits wait in a queue and whatever has
/// gathered while the previous transaction committed is written together, in one transaction.
/// Each caller still gets its answer only once its declaration is durable; what changes is that
/// N concurrent filers share one commit (one fsync, one per-filer lock) instead of queueing
/// for N. A caller that gives up while queued may still be written: its retry with the same
/// request_id gets that answer. The step that commits also builds the answers, so what an answer
/// reads beside the write (the unary submission's warnings and master-consignment links) is one
/// read per group rather than one per caller.
/// </summary>
/// <typeparam name="TItem">What a caller hands in (a write and what its answer needs).</typeparam>
/// <typeparam name="TAnswer">What a caller gets back once its group has committed.</typeparam>
public sealed class GroupCommitWriter<TItem, TAnswer> : IAsyncDisposable
{
    private readonly Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TAnswer>>> _commit;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _committing;
    private int _queued;

    /// <param name="commit">
    /// Records a group in one transaction and answers each item, in order (the store's
    /// InsertManyAsync, or a step around it that still writes once). A refusal that concerns one
    /// item belongs in its answer: an exception fails the whole group.
    /// </param>
    /// <param name="maxBatch">The most writes one transaction takes.</param>
    public GroupCommitWriter(Func<IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TAnswer>>> commit, int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _commit = commit;
        _maxBatch = maxBatch;
        _committing = Task.Run(CommitLoopAsync);
    }

    /// <summary>Writes are waiting for a transaction (for tests: lets them observe the queue).</summary>
    internal int Queued => Volatile.Read(ref _queued);

    /// <summary>Inserts one declaration as part of the next group transaction.</summary>
    public async Task<TAnswer> InsertAsync(TItem write, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<TAnswer>(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _queued);
        if (!_queue.Writer.TryWrite(new Pending(write, answer)))
        {
            Interlocked.Decrement(ref _queued);
            throw new InvalidOperationException("The node is shutting down; no new declarations are taken.");
        }
        return await answer.Task.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Everything already queued is still written before the store goes away.
        _queue.Writer.TryComplete();
        await _committing;
    }

    private async Task CommitLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var pending))
            {
                batch.Add(pending);
                Interlocked.Decrement(ref _queued);
            }
            try
            {
                // Not cancellable: once a transaction starts, its callers must learn how it ended.
                var outcomes = await _commit(batch.Select(p => p.Write).ToList(), CancellationToken.None);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Answer.TrySetResult(outcomes[i]);
                }
            }
            catch (Exception error)
            {
                // The transaction rolled back (or its outcome is unknown): every caller in it
                // gets the failure and may retry with its request_id.
                foreach (var pending in batch)
                {
                    pending.Answer.TrySetException(error);
                }
            }
            batch.Clear();
        }
    }

    private sealed record Pending(TItem Write, TaskCompletionSource<TAnswer> Answer);
}

using System.Collections.Concurrent;

namespace Exchange.Core.Events;

/// <summary>
/// Event signal for watchers on this node: one pending wake-up per filer, completed and replaced
/// on each notification. Cheap when nobody watches: Notify on a filer without waiters does nothing.
/// </summary>
public sealed class InProcessEventSignal : IEventSignal
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    public void Notify(string filerId)
    {
        if (_waiters.TryRemove(filerId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    public Task NextAsync(string filerId, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(filerId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        return waiter.Task.WaitAsync(cancellationToken);
    }
}

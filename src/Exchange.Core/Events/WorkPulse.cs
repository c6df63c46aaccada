namespace Exchange.Core.Events;

/// <summary>
/// A wake-up for a background worker in this process: raised when work may have arrived (e.g. a
/// declaration was accepted), awaited by the worker between polls. Losing one is harmless: the
/// worker also polls the store, which is the real queue.
/// </summary>
public sealed class WorkPulse
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Raise() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="Raise"/>. Take it before checking for work, so a raise in between is not missed.</summary>
    public Task NextAsync() => Volatile.Read(ref _next).Task;
}

namespace Exchange.Core.Events;

/// <summary>
/// Wakes watchers when a filer's event log grows. Only a hint: watchers always read the store,
/// and wait at most a poll interval, so a lost signal delays an event but never loses it. The
/// in-process implementation serves one node; a cross-node one (Redis) serves several.
/// </summary>
public interface IEventSignal
{
    /// <summary>Tells watchers of <paramref name="filerId"/> that new events were committed.</summary>
    void Notify(string filerId);

    /// <summary>
    /// A task that completes at the next <see cref="Notify"/> for the filer (or on cancellation).
    /// Take it before reading the store so a notification between the read and the wait is not missed.
    /// </summary>
    Task NextAsync(string filerId, CancellationToken cancellationToken);
}

using System.Runtime.CompilerServices;

namespace Exchange.Core.Events;

/// <summary>
/// Follows an append-only log whose positions only grow as readers see it (a filer's declaration
/// events, a party's notices): what is there after a position, then what is appended, until cancelled.
/// Each entry is yielded once and in order: the position only moves forward, past entries yielded.
/// </summary>
public static class LogFollower
{
    /// <param name="after">The position to follow from: entries after it are yielded.</param>
    /// <param name="read">Reads at most a batch of entries after a position, oldest first.</param>
    /// <param name="positionOf">An entry's position.</param>
    /// <param name="signal">Where the log's writers announce appends, so a follower reads again at once.</param>
    /// <param name="signalKey">The <see cref="IEventSignal"/> key the log's writers notify.</param>
    /// <param name="batchSize">The most entries one read returns.</param>
    /// <param name="pollInterval">How often to read again without an announcement (a missed signal costs at most this much delay).</param>
    /// <param name="clock">The node's clock, for <paramref name="pollInterval"/>.</param>
    /// <param name="cancellationToken">Ends the following.</param>
    public static async IAsyncEnumerable<T> FollowAsync<T, TPosition>(
        TPosition after,
        Func<TPosition, int, CancellationToken, Task<IReadOnlyList<T>>> read,
        Func<T, TPosition> positionOf,
        IEventSignal signal,
        string signalKey,
        int batchSize,
        TimeSpan pollInterval,
        TimeProvider clock,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var position = after;
        Task? wake = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            // Take the wake-up before reading, so an entry committed between the read and the
            // wait still wakes us; the poll interval bounds the wait when a signal never comes.
            // A wake-up still pending from an earlier round is as good (it predates that read).
            wake ??= signal.NextAsync(signalKey, cancellationToken);
            var batch = await read(position, batchSize, cancellationToken);
            foreach (var entry in batch)
            {
                yield return entry;
                position = positionOf(entry);
            }
            if (batch.Count < batchSize)
            {
                using var pollTimer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var poll = Task.Delay(pollInterval, clock, pollTimer.Token);
                await Task.WhenAny(wake, poll);
                await pollTimer.CancelAsync(); // a wake-up ends the poll timer too, so none pile up
            }
            if (wake.IsCompleted)
            {
                wake = null;
            }
        }
    }
}

using Exchange.Core.Events;

namespace Exchange.Core.Enforcement;

/// <summary>What the reference registries (known shippers, agency subscriptions) share.</summary>
public static class ReferenceData
{
    /// <summary>The oldest copy an assessment uses unless configured otherwise (Exchange:Assessment:ReferenceDataLifetime).</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(5);
}

/// <summary>
/// An in-memory copy of a small reference registry (known-shipper enrolments, agency
/// subscriptions) that every assessment reads. It is loaded again after a change made on this
/// node, after a change another node announces on <paramref name="signal"/> (the event signal:
/// Redis pub/sub when nodes share one, so a suspension made on node 1 counts on node 2 at its
/// next assessment), and in any case once it is older than <paramref name="lifetime"/>, which
/// bounds how stale it can be while the signal is down.
/// </summary>
/// <param name="topic">The signal key of this registry's changes; never a filer id (it holds a colon).</param>
/// <param name="lifetime">The oldest copy a reader is given.</param>
/// <param name="clock">The node's clock, for the copy's age.</param>
/// <param name="signal">Where nodes announce changes; null on a node alone.</param>
/// <param name="load">Reads the registry from the store.</param>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim holds nothing to release unless its AvailableWaitHandle is read, which it never is here; a snapshot lives as long as the node.")]
internal sealed class ReferenceSnapshot<T>(
    string topic, TimeSpan lifetime, TimeProvider clock, IEventSignal? signal, Func<CancellationToken, Task<T>> load)
    where T : class
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Loaded? _current;
    private Task? _changedElsewhere;

    /// <summary>Drops the copy after a change made here, and tells the other nodes.</summary>
    public void Changed()
    {
        _current = null;
        signal?.Notify(topic);
    }

    public async ValueTask<T> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } other)
            {
                return other;
            }
            // The next announcement is taken before loading, so one made during the load still
            // drops what was loaded (as a watch takes its wake-up before reading).
            _changedElsewhere = signal?.NextAsync(topic, CancellationToken.None);
            var taken = clock.GetUtcNow();
            var value = await load(cancellationToken);
            _current = new Loaded(taken, value);
            return value;
        }
        finally
        {
            _loading.Release();
        }
    }

    private T? Fresh()
    {
        if (_changedElsewhere is { IsCompleted: true })
        {
            _current = null;
        }
        return _current is { } current && clock.GetUtcNow() - current.TakenAt < lifetime ? current.Value : null;
    }

    private sealed record Loaded(DateTimeOffset TakenAt, T Value);
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;

namespace Exchange.Storage.Tests;

/// <summary>
/// A filer's event log as the tests name it: its first, second, third… event. On SQLite an
/// event's position is that number under transaction 0; on PostgreSQL it is (the writer's
/// transaction id, its count), which no test can know in advance. So the tests say which event
/// they mean by its number in its filer's log: on a store that numbers per filer that number is
/// the cursor itself, checked as it is; otherwise it is the event's rank in the log read back
/// here, and every read of a whole log checks that its positions rise strictly.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    /// <summary>Whether this store numbers each filer's events 1, 2, 3… (transaction 0), so a cursor is the event's number.</summary>
    private bool NumbersPerFiler => Dialect.TransactionIdQuery is null;

    /// <summary>
    /// Waits until every transaction that had begun on the database server when it was called
    /// has ended, so each event committed before is one a reader may be given (on PostgreSQL a
    /// transaction of another test, even in another database, holds back the positions after
    /// its own). Nothing to wait for on a store whose events are final at commit.
    /// </summary>
    protected virtual Task SettleAsync() => Task.CompletedTask;

    /// <summary><see cref="IDeclarationStore.ReadEventsAsync"/> once every earlier write may be read.</summary>
    protected async Task<IReadOnlyList<DeclarationEvent>> ReadLogAsync(
        IDeclarationStore store, string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken)
    {
        await SettleAsync();
        return await store.ReadEventsAsync(filerId, after, limit, declarationId, cancellationToken);
    }

    /// <summary>The positions of the filer's whole log, in order, checked to rise strictly.</summary>
    protected async Task<IReadOnlyList<EventPosition>> LogPositionsAsync(IDeclarationStore store, string filerId)
    {
        var events = await ReadLogAsync(store, filerId, EventPosition.Start, 100_000, null, CancellationToken.None);
        var positions = events.Select(e => EventPositionOf(e.Cursor)).ToList();
        for (var i = 1; i < positions.Count; i++)
        {
            Assert.True(positions[i - 1] < positions[i], $"The log's position {positions[i]} follows {positions[i - 1]}.");
        }
        return positions;
    }

    /// <summary>The position of the filer's event number <paramref name="number"/> (1 the first; 0 before every event).</summary>
    protected async Task<EventPosition> PositionOfAsync(IDeclarationStore store, string filerId, long number)
    {
        if (NumbersPerFiler)
        {
            return new EventPosition(0, number);
        }
        var positions = await LogPositionsAsync(store, filerId);
        Assert.InRange(number, 0, positions.Count);
        return number == 0 ? EventPosition.Start : positions[(int)number - 1];
    }

    /// <summary>The number in the filer's log of its last event (<see cref="IDeclarationStore.GetLastEventPositionAsync"/>): 0 when it has none.</summary>
    protected async Task<long> LastEventNumberAsync(IDeclarationStore store, string filerId)
    {
        await SettleAsync();
        var last = await store.GetLastEventPositionAsync(filerId, CancellationToken.None);
        if (last == EventPosition.Start || NumbersPerFiler)
        {
            Assert.Equal(0, last.Transaction);
            return last.Sequence;
        }
        var positions = await LogPositionsAsync(store, filerId);
        var index = ((List<EventPosition>)positions).IndexOf(last);
        Assert.True(index >= 0, $"The last position {last} is not one of the filer's events.");
        return index + 1;
    }

    /// <summary>
    /// <paramref name="events"/> with their numbers in the filer's log as their cursors (as
    /// <see cref="StoreWrites.WithCursor"/> makes them): as they are where the cursor is that
    /// number, else copies.
    /// </summary>
    protected async Task<IReadOnlyList<DeclarationEvent>> NumberedAsync(IDeclarationStore store, string filerId, IEnumerable<DeclarationEvent> events)
    {
        if (NumbersPerFiler)
        {
            return events.ToList();
        }
        var positions = await LogPositionsAsync(store, filerId);
        return events.Select(e => StoreWrites.WithCursor(e, Number(positions, e.Cursor))).ToList();
    }

    /// <summary>A copy of <paramref name="event"/> with its number in the filer's log as its cursor; null stays null.</summary>
    protected async Task<DeclarationEvent?> NumberedAsync(IDeclarationStore store, string filerId, DeclarationEvent? @event) =>
        @event is null ? null : (await NumberedAsync(store, filerId, [@event]))[0];

    /// <summary>The number of the event at <paramref name="cursor"/> in the log of <paramref name="positions"/>.</summary>
    private static long Number(IReadOnlyList<EventPosition> positions, string cursor)
    {
        var index = ((List<EventPosition>)positions).IndexOf(EventPositionOf(cursor));
        Assert.True(index >= 0, $"The cursor {cursor} is not one of the filer's events.");
        return index + 1;
    }

    /// <summary>The position a cursor stands for, as the watch reads it.</summary>
    protected static EventPosition EventPositionOf(string cursor) =>
        EventPosition.TryParse(cursor, out var position) ? position : throw new Xunit.Sdk.XunitException($"Not a cursor: '{cursor}'.");
}

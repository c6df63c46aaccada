using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The positions one write transaction hands out to the entries it appends to a log (a filer's
/// events, a recipient's notices), in the order it appends them.
///
/// Where the dialect has transaction ids (<see cref="SqlDialect.TransactionIdQuery"/>:
/// PostgreSQL) an event's position is (this transaction's id, its count of entries so far): no
/// shared row is touched, so writers of one filer run side by side, and readers order the log by
/// transaction id behind a watermark (<see cref="SqlDialect.LogAfter"/>).
///
/// Otherwise, and for notices everywhere, it is the key's next number from a counter table
/// (filer_event_sequences per filer, notice_sequences per recipient), locked for the transaction
/// and moved on as entries are written; the moved ones are saved once, at the end. The lock is
/// the dialect's (<see cref="SqlDialect.LockCounters"/>): PostgreSQL locks each counter row until
/// commit, in byte-wise key order, which orders the key's writers (so the numbers follow commit
/// order) and keeps writers free of deadlocks; SQLite needs no row lock, its single writer
/// already holds the file's write lock.
/// </summary>
internal sealed class SequenceCounters
{
    private readonly string _table;
    private readonly string _keyColumn;
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _moved = new(StringComparer.Ordinal);

    /// <summary>This transaction's id when positions come from it; 0 when they come from the counters.</summary>
    private long _transaction;

    /// <summary>The entries this transaction appended, when positions come from its id.</summary>
    private long _appended;

    private SequenceCounters(string table, string keyColumn)
    {
        _table = table;
        _keyColumn = keyColumn;
    }

    /// <summary>
    /// The event positions of a write for <paramref name="filerIds"/>: from the transaction's id
    /// where the dialect has one (one round trip, no lock), else from the filers' locked counters.
    /// </summary>
    public static async Task<SequenceCounters> BeginEventsAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<string> filerIds, CancellationToken ct)
    {
        var counters = new SequenceCounters("filer_event_sequences", "filer_id");
        if (database.Dialect.TransactionIdQuery is not { } query)
        {
            return await LockAsync(counters, database, transaction, filerIds, ct);
        }
        await using var reader = await transaction.ReadAsync(database.Statement(query), ct);
        await reader.ReadAsync(ct);
        counters._transaction = reader.GetInt64(0);
        return counters;
    }

    /// <summary>Notices are numbered per recipient from the locked counters, on every store.</summary>
    public static Task<SequenceCounters> LockNoticesAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<string> recipients, CancellationToken ct) =>
        LockAsync(new SequenceCounters("notice_sequences", "recipient"), database, transaction, recipients, ct);

    /// <summary>Reserves the next position of <paramref name="key"/> (a key this transaction began or locked).</summary>
    public EventPosition Next(string key)
    {
        if (_transaction != 0)
        {
            return new EventPosition(_transaction, ++_appended);
        }
        var next = _last[key] + 1;
        _last[key] = next;
        _moved.Add(key);
        return new EventPosition(0, next);
    }

    /// <summary>The statements saving the last sequence of each counter this transaction moved on (none for positions from its id).</summary>
    public IEnumerable<Statement> Saves(StoreDatabase database) => _moved.Select(key =>
        database.Statement($"""
            INSERT INTO {_table} ({_keyColumn}, last_seq) VALUES (@key, @last_seq)
            ON CONFLICT ({_keyColumn}) DO UPDATE SET last_seq = excluded.last_seq
            """)
            .With("key", key)
            .With("last_seq", _last[key]));

    private static async Task<SequenceCounters> LockAsync(
        SequenceCounters counters, StoreDatabase database, WriteTransaction transaction, IEnumerable<string> keys, CancellationToken ct)
    {
        // Distinct: one INSERT .. ON CONFLICT DO UPDATE may not touch a row twice.
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return counters;
        }
        foreach (var key in distinct)
        {
            counters._last[key] = 0;
        }
        var statement = database.Statement(database.Dialect.LockCounters(counters._table, counters._keyColumn)).WithList("keys", distinct);
        await using var reader = await transaction.ReadAsync(statement, ct);
        while (await reader.ReadAsync(ct))
        {
            counters._last[reader.GetString(0)] = reader.GetInt64(1);
        }
        return counters;
    }
}

namespace Exchange.Storage;

/// <summary>
/// The last sequence handed out per key of one counter table (filer_event_sequences per filer,
/// notice_sequences per recipient), locked for one write transaction and moved on as its items
/// are written; the moved ones are saved once, at the end of the transaction.
///
/// The lock is the dialect's (<see cref="SqlDialect.LockCounters"/>): PostgreSQL locks each
/// counter row until commit, in byte-wise key order, which orders the key's writers (so the
/// sequences follow commit order) and keeps writers free of deadlocks; SQLite needs no row lock,
/// its single writer already holds the file's write lock.
/// </summary>
internal sealed class SequenceCounters
{
    private readonly string _table;
    private readonly string _keyColumn;
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);
    private readonly HashSet<string> _moved = new(StringComparer.Ordinal);

    private SequenceCounters(string table, string keyColumn)
    {
        _table = table;
        _keyColumn = keyColumn;
    }

    public static Task<SequenceCounters> LockEventsAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<string> filerIds, CancellationToken ct) =>
        LockAsync(new SequenceCounters("filer_event_sequences", "filer_id"), database, transaction, filerIds, ct);

    public static Task<SequenceCounters> LockNoticesAsync(
        StoreDatabase database, WriteTransaction transaction, IEnumerable<string> recipients, CancellationToken ct) =>
        LockAsync(new SequenceCounters("notice_sequences", "recipient"), database, transaction, recipients, ct);

    /// <summary>The last sequence handed out for <paramref name="key"/> (a key this transaction locked).</summary>
    public long Last(string key) => _last[key];

    /// <summary>Reserves the next sequence of <paramref name="key"/> (a key this transaction locked).</summary>
    public long Next(string key)
    {
        var next = _last[key] + 1;
        _last[key] = next;
        _moved.Add(key);
        return next;
    }

    /// <summary>The statements saving the last sequence of each key this transaction moved on.</summary>
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

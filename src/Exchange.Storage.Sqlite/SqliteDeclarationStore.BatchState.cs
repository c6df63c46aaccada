using System.Text.Json;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

public sealed partial class SqliteDeclarationStore
{
    /// <summary>
    /// What one write transaction of several declarations looks up once instead of per item: the
    /// idempotency answers of all its request ids (one query per filer), each filer's last event
    /// sequence and each notice recipient's last notice sequence (read when first needed, saved
    /// once at the end). Items see the ones before them: a request id repeated within the batch is
    /// answered from the earlier item, and sequences continue from the earlier items' events and
    /// notices. Valid only inside the transaction it was made for, which holds SQLite's write
    /// lock, so nobody else moves any of them meanwhile.
    /// </summary>
    private sealed class BatchState(SqliteDeclarationStore store, SqliteTransaction transaction)
    {
        private readonly Dictionary<(string FilerId, string RequestId), (byte[] Hash, byte[] Response)> _answers = [];
        private readonly SequenceCounters _events = new(SequenceCounters.EventSql);
        private readonly SequenceCounters _notices = new(SequenceCounters.NoticeSql);

        /// <summary>Reads the stored idempotency records of every request id of <paramref name="writes"/>.</summary>
        public async Task LoadAnswersAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken ct)
        {
            foreach (var filer in writes.Where(w => w.RequestId is not null).GroupBy(w => w.Key.FilerId, StringComparer.Ordinal))
            {
                var lookup = store.Command(transaction, """
                    SELECT request_id, request_hash, response FROM idempotency_records
                    WHERE filer_id = @filer_id AND request_id IN (SELECT value FROM json_each(@request_ids))
                    """);
                lookup.Parameters.AddWithValue("@filer_id", filer.Key);
                lookup.Parameters.AddWithValue("@request_ids", JsonSerializer.Serialize(filer.Select(w => w.RequestId!).Distinct().ToArray()));
                await using var reader = await lookup.ExecuteReaderAsync(ct);
                while (await reader.ReadAsync(ct))
                {
                    _answers[(filer.Key, reader.GetString(0))] = (reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2));
                }
            }
        }

        /// <summary>The answer given earlier under the write's request id (stored, or earlier in this batch), or null.</summary>
        public WriteOutcome? AnswerTo(DeclarationWrite write) =>
            write.RequestId is { } requestId && _answers.TryGetValue((write.Key.FilerId, requestId), out var earlier)
                ? IdempotencyRecord.FromStored(requestId, earlier.Hash, earlier.Response).AnswerTo(write.RequestHash)
                : null;

        /// <summary>Remembers the answer of a write of this batch, for a later item with its request id.</summary>
        public void Remember(DeclarationWrite write, byte[] response)
        {
            if (write.RequestId is { } requestId)
            {
                _answers[(write.Key.FilerId, requestId)] = (write.RequestHash!, response);
            }
        }

        /// <summary>Reserves <paramref name="count"/> sequence numbers of the filer's event log; returns the last one before them.</summary>
        public Task<long> ReserveSequencesAsync(string filerId, int count, CancellationToken ct) =>
            _events.ReserveAsync(store, transaction, filerId, count, ct);

        /// <summary>Reserves <paramref name="count"/> sequence numbers of the recipient's notice log; returns the last one before them.</summary>
        public Task<long> ReserveNoticeSequencesAsync(string recipient, int count, CancellationToken ct) =>
            _notices.ReserveAsync(store, transaction, recipient, count, ct);

        /// <summary>Stores each filer's last event sequence and each recipient's last notice sequence handed out in this batch.</summary>
        public async Task SaveSequencesAsync(CancellationToken ct)
        {
            await _events.SaveAsync(store, transaction, ct);
            await _notices.SaveAsync(store, transaction, ct);
        }
    }

    /// <summary>
    /// The last sequence handed out per key of one counter table (filer_event_sequences per filer,
    /// notice_sequences per recipient), as a batch moves them on.
    /// </summary>
    private sealed class SequenceCounters((string Read, string Save) sql)
    {
        public static readonly (string Read, string Save) EventSql = SqlFor("filer_event_sequences", "filer_id");
        public static readonly (string Read, string Save) NoticeSql = SqlFor("notice_sequences", "recipient");

        private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

        public async Task<long> ReserveAsync(
            SqliteDeclarationStore store, SqliteTransaction transaction, string key, int count, CancellationToken ct)
        {
            if (!_last.TryGetValue(key, out var last))
            {
                var read = store.Command(transaction, sql.Read);
                read.Parameters.AddWithValue("@key", key);
                last = await read.ExecuteScalarAsync(ct) is long stored ? stored : 0;
            }
            _last[key] = last + count;
            return last;
        }

        public async Task SaveAsync(SqliteDeclarationStore store, SqliteTransaction transaction, CancellationToken ct)
        {
            foreach (var (key, last) in _last)
            {
                var save = store.Command(transaction, sql.Save);
                save.Parameters.AddWithValue("@key", key);
                save.Parameters.AddWithValue("@last_seq", last);
                await save.ExecuteNonQueryAsync(ct);
            }
        }

        private static (string Read, string Save) SqlFor(string table, string keyColumn) => (
            $"SELECT last_seq FROM {table} WHERE {keyColumn} = @key",
            $"""
            INSERT INTO {table} ({keyColumn}, last_seq) VALUES (@key, @last_seq)
            ON CONFLICT ({keyColumn}) DO UPDATE SET last_seq = excluded.last_seq
            """);
    }
}

using System.Text.Json;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

public sealed partial class SqliteDeclarationStore
{
    /// <summary>
    /// What one write transaction of several declarations looks up once instead of per item: the
    /// idempotency answers of all its request ids (one query per filer), and each filer's last
    /// event sequence (read when first needed, saved once at the end). Items see the ones before
    /// them: a request id repeated within the batch is answered from the earlier item, and
    /// sequences continue from the earlier items' events. Valid only inside the transaction it was
    /// made for, which holds SQLite's write lock, so nobody else moves either meanwhile.
    /// </summary>
    private sealed class BatchState(SqliteDeclarationStore store, SqliteTransaction transaction)
    {
        private readonly Dictionary<(string FilerId, string RequestId), (byte[] Hash, byte[] Response)> _answers = [];
        private readonly Dictionary<string, long> _lastSequences = new(StringComparer.Ordinal);

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
        public async Task<long> ReserveSequencesAsync(string filerId, int count, CancellationToken ct)
        {
            if (!_lastSequences.TryGetValue(filerId, out var last))
            {
                var read = store.Command(transaction, "SELECT last_seq FROM filer_event_sequences WHERE filer_id = @filer_id");
                read.Parameters.AddWithValue("@filer_id", filerId);
                last = await read.ExecuteScalarAsync(ct) is long stored ? stored : 0;
            }
            _lastSequences[filerId] = last + count;
            return last;
        }

        /// <summary>Stores each filer's last sequence handed out in this batch.</summary>
        public async Task SaveSequencesAsync(CancellationToken ct)
        {
            foreach (var (filerId, last) in _lastSequences)
            {
                var save = store.Command(transaction, """
                    INSERT INTO filer_event_sequences (filer_id, last_seq) VALUES (@filer_id, @last_seq)
                    ON CONFLICT (filer_id) DO UPDATE SET last_seq = excluded.last_seq
                    """);
                save.Parameters.AddWithValue("@filer_id", filerId);
                save.Parameters.AddWithValue("@last_seq", last);
                await save.ExecuteNonQueryAsync(ct);
            }
        }
    }
}

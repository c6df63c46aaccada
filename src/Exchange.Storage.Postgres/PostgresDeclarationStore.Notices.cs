using Exchange.Core.Storage;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The notices to other parties (<see cref="INoticeStore"/>): a log per recipient. A write's
/// notices are added to the declaration write's own batch, in its transaction and only for the
/// items it writes. A recipient's sequence comes from its counter row in notice_sequences, locked
/// until commit (<see cref="LockNoticeSequencesAsync"/>), so its notices are numbered in commit
/// order exactly as a filer's events are (see the class comment in PostgresDeclarationStore.cs).
/// </summary>
public sealed partial class PostgresDeclarationStore
{
    /// <summary>
    /// Creates, or locks with a no-op update, each recipient's counter row and returns its last
    /// sequence. The rows are inserted, and so locked, in the order of the sorted SELECT: byte-wise
    /// recipient order, the same for every transaction.
    /// </summary>
    private const string LockNoticeSequencesSql = """
        INSERT INTO notice_sequences (recipient, last_seq)
        SELECT recipient, 0 FROM unnest(@recipients) AS recipient ORDER BY recipient COLLATE "C"
        ON CONFLICT (recipient) DO UPDATE SET last_seq = notice_sequences.last_seq
        RETURNING recipient, last_seq
        """;

    public async Task<IReadOnlyList<StoredNotice>> ReadNoticesAsync(
        string recipient, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand(
            "SELECT seq, notice FROM party_notices WHERE recipient = @recipient AND seq > @after ORDER BY seq LIMIT @limit");
        command.Parameters.Add(Parameter("recipient", recipient));
        command.Parameters.Add(Parameter("after", afterSequence));
        command.Parameters.Add(Parameter("limit", limit));
        var notices = new List<StoredNotice>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            notices.Add(new StoredNotice(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)));
        }
        return notices;
    }

    public async Task<long> GetLastNoticeSequenceAsync(string recipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        await using var command = _dataSource.CreateCommand("SELECT last_seq FROM notice_sequences WHERE recipient = @recipient");
        command.Parameters.Add(Parameter("recipient", recipient));
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    /// <summary>
    /// Locks the counter row of each recipient of <paramref name="notices"/> (creating it on first
    /// use) and reads its last sequence, in one statement, as <see cref="LockFilerSequencesAsync"/>
    /// does for filers: held until commit, the lock serializes the recipient's writers, so a later
    /// writer numbers its notices only after the earlier one committed (commit order). No
    /// statement at all when there are no notices.
    ///
    /// Lock order, so that two writers never each hold a row the other waits for: every write
    /// transaction takes its filers' counters first, then its recipients' counters, each set in
    /// byte-wise order in one statement, and only then writes anything else (the declaration
    /// rows, whose triggers lock consignee counters, come after). A writer waiting for a recipient
    /// therefore holds only filers and lower recipients, and the writer holding that recipient
    /// waits, if at all, for a higher recipient or for rows that are never locked before a
    /// recipient: no cycle can pass through a recipient.
    /// </summary>
    private static async Task<NoticeSequences> LockNoticeSequencesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<PartyNotice> notices, CancellationToken ct)
    {
        var lastSequences = new Dictionary<string, long>(StringComparer.Ordinal);
        // Distinct: one INSERT .. ON CONFLICT DO UPDATE may not touch a row twice.
        var recipients = notices.Select(notice => notice.Recipient).Distinct(StringComparer.Ordinal).ToArray();
        if (recipients.Length > 0)
        {
            await using var command = new NpgsqlCommand(LockNoticeSequencesSql, connection, transaction);
            command.Parameters.Add(Parameter("recipients", recipients));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                lastSequences[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        return new NoticeSequences(lastSequences);
    }

    /// <summary>The last notice sequence of each recipient locked by this transaction, as its written items move them on.</summary>
    private sealed class NoticeSequences(Dictionary<string, long> lastSequences)
    {
        private readonly HashSet<string> _moved = new(StringComparer.Ordinal);

        /// <summary>Adds a written item's notices to <paramref name="batch"/>, each under its (locked) recipient's next sequence, in order.</summary>
        public void AddNotices(NpgsqlBatch batch, IReadOnlyList<PartyNotice> notices)
        {
            foreach (var notice in notices)
            {
                var sequence = ++lastSequences[notice.Recipient];
                _moved.Add(notice.Recipient);
                var insert = new NpgsqlBatchCommand("INSERT INTO party_notices (recipient, seq, notice) VALUES (@recipient, @seq, @notice)");
                insert.Parameters.Add(Parameter("recipient", notice.Recipient));
                insert.Parameters.Add(Parameter("seq", sequence));
                insert.Parameters.Add(Parameter("notice", notice.Payload));
                batch.BatchCommands.Add(insert);
            }
        }

        /// <summary>Adds the new last sequence of each recipient that got notices to <paramref name="batch"/>.</summary>
        public void AddSequenceUpdates(NpgsqlBatch batch)
        {
            foreach (var recipient in _moved)
            {
                var update = new NpgsqlBatchCommand("UPDATE notice_sequences SET last_seq = @last_seq WHERE recipient = @recipient");
                update.Parameters.Add(Parameter("recipient", recipient));
                update.Parameters.Add(Parameter("last_seq", lastSequences[recipient]));
                batch.BatchCommands.Add(update);
            }
        }
    }
}

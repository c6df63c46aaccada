using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The notices to other parties (<see cref="INoticeStore"/>): a log per recipient. A write's
/// notices are inserted by the declaration write itself, in its transaction and only when it is
/// written (<see cref="AppendNoticesAsync"/>), numbered from the recipient's counter in
/// notice_sequences. The writer is the only one, so the numbers follow commit order.
/// </summary>
public sealed partial class SqliteDeclarationStore
{
    public async Task<IReadOnlyList<StoredNotice>> ReadNoticesAsync(
        string recipient, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT seq, notice FROM party_notices WHERE recipient = @recipient AND seq > @after ORDER BY seq LIMIT @limit");
        command.Parameters.AddWithValue("@recipient", recipient);
        command.Parameters.AddWithValue("@after", afterSequence);
        command.Parameters.AddWithValue("@limit", limit);
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
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT last_seq FROM notice_sequences WHERE recipient = @recipient");
        command.Parameters.AddWithValue("@recipient", recipient);
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    /// <summary>
    /// Inserts a written change's notices inside its transaction, each under its recipient's next
    /// sequence, in their order (the batch saves the counters once at the end).
    /// </summary>
    private async Task AppendNoticesAsync(
        SqliteTransaction transaction, BatchState batch, IReadOnlyList<PartyNotice> notices, CancellationToken ct)
    {
        foreach (var notice in notices)
        {
            var sequence = await batch.ReserveNoticeSequencesAsync(notice.Recipient, 1, ct) + 1;
            var insert = Command(transaction, "INSERT INTO party_notices (recipient, seq, notice) VALUES (@recipient, @seq, @notice)");
            insert.Parameters.AddWithValue("@recipient", notice.Recipient);
            insert.Parameters.AddWithValue("@seq", sequence);
            insert.Parameters.AddWithValue("@notice", notice.Payload);
            await insert.ExecuteNonQueryAsync(ct);
        }
    }
}

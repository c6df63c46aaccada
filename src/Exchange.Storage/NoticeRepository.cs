using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The notices to other parties (<see cref="INoticeStore"/>): a log per recipient. A write's
/// notices are inserted by the declaration write itself, in its transaction and only for the
/// items it writes (<see cref="Inserts"/>), each under its recipient's next sequence from the
/// counter in notice_sequences, locked for the transaction (<see cref="SequenceCounters"/>), so
/// a recipient's notices are numbered in commit order exactly as a filer's events are.
/// </summary>
public sealed class NoticeRepository(StoreDatabase database) : INoticeStore
{
    public async Task<IReadOnlyList<StoredNotice>> ReadNoticesAsync(
        string recipient, long afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = database.Statement(
                "SELECT seq, notice FROM party_notices WHERE recipient = @recipient AND seq > @after ORDER BY seq LIMIT @limit")
            .With("recipient", recipient)
            .With("after", afterSequence)
            .With("limit", limit);
        return await database.QueryAsync(query, reader => new StoredNotice(reader.GetInt64(0), reader.GetFieldValue<byte[]>(1)), cancellationToken);
    }

    public async Task<long> GetLastNoticeSequenceAsync(string recipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        var query = database.Statement("SELECT last_seq FROM notice_sequences WHERE recipient = @recipient").With("recipient", recipient);
        return await database.ScalarAsync(query, cancellationToken) is long last ? last : 0;
    }

    /// <summary>The inserts of a written item's notices, each under its (locked) recipient's next sequence, in order.</summary>
    internal static IEnumerable<Statement> Inserts(StoreDatabase database, SequenceCounters sequences, IReadOnlyList<PartyNotice> notices)
    {
        foreach (var notice in notices)
        {
            yield return database.Statement("INSERT INTO party_notices (recipient, seq, notice) VALUES (@recipient, @seq, @notice)")
                .With("recipient", notice.Recipient)
                .With("seq", sequences.Next(notice.Recipient).Sequence) // notices are numbered per recipient (transaction 0)
                .With("notice", notice.Payload);
        }
    }
}

namespace Exchange.Core.Storage;

/// <summary>
/// Notices to parties other than a declaration's filer (the carrier of the consignment a house
/// belongs to): a log per recipient. Notices are written only with the change that caused them
/// (<see cref="DeclarationWrite.Notices"/>), in its transaction, and only when the write itself is
/// (never on a replay or a conflict); this interface reads them. Every implementation passes the
/// same conformance suite. Each recipient's notices get strictly increasing sequence numbers in
/// commit order, so a reader that saw sequence N never later finds a new notice below N. The
/// payload is opaque to the store and returned unchanged.
/// </summary>
public interface INoticeStore
{
    /// <summary>The recipient's notices with a sequence above <paramref name="afterSequence"/>, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<StoredNotice>> ReadNoticesAsync(string recipient, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>The highest notice sequence of the recipient so far (0 when it has none).</summary>
    Task<long> GetLastNoticeSequenceAsync(string recipient, CancellationToken cancellationToken);
}

/// <summary>One notice to write with a change: who it is for (a filer id) and its serialized content.</summary>
public sealed record PartyNotice(string Recipient, byte[] Payload)
{
    /// <summary>The notices of a write, checked (each with a recipient and a payload) before a store takes any lock; empty when it has none.</summary>
    public static IReadOnlyList<PartyNotice> Of(DeclarationWrite write)
    {
        if (write.Notices is not { } notices)
        {
            return [];
        }
        foreach (var notice in notices)
        {
            ArgumentNullException.ThrowIfNull(notice, nameof(write));
            ArgumentException.ThrowIfNullOrEmpty(notice.Recipient, nameof(write));
            ArgumentNullException.ThrowIfNull(notice.Payload, nameof(write));
        }
        return notices;
    }
}

/// <summary>A stored notice: its sequence in the recipient's log and its content as written.</summary>
public sealed record StoredNotice(long Sequence, byte[] Payload);

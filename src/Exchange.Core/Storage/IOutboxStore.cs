using Exchange.Contracts.Partner.V1;

namespace Exchange.Core.Storage;

/// <summary>
/// The durable outbox of messages to partner administrations. Entries are written only with the
/// change that caused them (<see cref="DeclarationWrite.Outbox"/>); this interface reads them in
/// order and records what became of each. Every implementation passes the same conformance suite;
/// a method that returns has made its change durable. Several nodes may share one outbox: a
/// message may then be delivered twice, which the receiver's deduplication makes harmless.
/// </summary>
public interface IOutboxStore
{
    /// <summary>
    /// Pending messages to a partner in outbox order (ascending <see cref="OutboxRecord.Sequence"/>,
    /// which follows commit order for the messages of one declaration), at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ListPendingAsync(string partner, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Records the partner's answers: each message leaves PENDING for DELIVERED or REJECTED (with the
    /// rejection, a serialized google.rpc.Status) at <see cref="OutboxAcknowledgement.Time"/>. An
    /// acknowledgement of a message no longer pending changes nothing.
    /// </summary>
    Task AcknowledgeAsync(IReadOnlyList<OutboxAcknowledgement> acknowledgements, CancellationToken cancellationToken);

    /// <summary>
    /// Records a failed delivery attempt of a pending message: attempts + 1, the error, and when it
    /// may be tried again. Messages behind it wait too (the dispatcher keeps the partner's order).
    /// </summary>
    Task RecordFailedAttemptAsync(string messageId, string error, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken);

    /// <summary>Counts and the state of the head of the queue to one partner.</summary>
    Task<OutboxBacklogRow> GetBacklogAsync(string partner, CancellationToken cancellationToken);

    /// <summary>
    /// Messages to a partner, in any or one state, oldest first (ascending sequence), strictly
    /// after <paramref name="afterSequence"/> when given, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<OutboxRecord>> ListAsync(
        string partner, OutboxMessageState? state, long? afterSequence, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// One message to a partner as written with a change: a unique message id, the partner's
/// administration code (e.g. "BE"), the declaration it is about (this node's name), its kind and
/// the serialized <see cref="PartnerMessage"/>.
/// </summary>
public sealed record OutboxEntry(
    string MessageId, string Partner, string DeclarationName, MessageKind Kind, byte[] Payload, DateTimeOffset CreateTime);

/// <summary>A stored outbox message and where it is.</summary>
public sealed record OutboxRecord(
    long Sequence,
    OutboxEntry Entry,
    OutboxMessageState State,
    int Attempts,
    DateTimeOffset NextAttemptTime,
    string LastError,
    DateTimeOffset? AcknowledgeTime,
    byte[]? Rejection);

/// <summary>What a partner said of one message: delivered (applied or duplicate) or rejected with a serialized google.rpc.Status.</summary>
public sealed record OutboxAcknowledgement(string MessageId, bool Rejected, byte[]? Rejection, DateTimeOffset Time);

/// <summary>
/// The outbox to one partner in numbers: pending, delivered and rejected messages, the oldest
/// pending message's create time, and the head's last error and next attempt time (null/empty
/// when nothing is pending).
/// </summary>
public sealed record OutboxBacklogRow(
    long Pending, long Delivered, long Rejected, DateTimeOffset? OldestPendingCreateTime, string LastError, DateTimeOffset? NextAttemptTime);

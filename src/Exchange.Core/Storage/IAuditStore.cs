namespace Exchange.Core.Storage;

/// <summary>
/// The append-only audit log. There is no way to change or remove a record through this interface,
/// and each store also refuses UPDATE and DELETE on the table itself (triggers), so a bug or a
/// careless script cannot rewrite history. Every implementation passes the same conformance suite.
/// </summary>
public interface IAuditStore
{
    /// <summary>Appends the entries in one transaction, in the order given (their sequences increase in that order).</summary>
    Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken);

    /// <summary>
    /// Records matching every given filter, newest first (descending sequence), strictly before
    /// <see cref="AuditQuery.BeforeSequence"/> when given, at most <see cref="AuditQuery.Limit"/>.
    /// </summary>
    Task<IReadOnlyList<AuditRecordRow>> ListAsync(AuditQuery query, CancellationToken cancellationToken);
}

/// <summary>
/// One audited act: when, who (<c>filers/x</c>, <c>officers/y</c>, <c>partners/BE</c>, ...), what
/// (gRPC method or node action), on which resource, with which outcome (gRPC status code name), and detail.
/// </summary>
public sealed record AuditEntry(DateTimeOffset Time, string Actor, string Action, string Resource, string Outcome, string Detail);

/// <summary>A stored audit record: its sequence (increasing in append order) and the entry.</summary>
public sealed record AuditRecordRow(long Sequence, AuditEntry Entry);

/// <summary>A page query over the audit log; null filters match everything. Time range is [Start, End).</summary>
public sealed record AuditQuery(
    int Limit,
    string? Actor = null,
    string? ResourcePrefix = null,
    DateTimeOffset? Start = null,
    DateTimeOffset? End = null,
    long? BeforeSequence = null);

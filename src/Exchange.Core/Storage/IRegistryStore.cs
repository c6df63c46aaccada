namespace Exchange.Core.Storage;

/// <summary>
/// Small registries kept next to the declarations (trusted-trader programmes and enrolments,
/// agency subscriptions): protobuf records by kind and resource name, with optimistic concurrency.
/// Every implementation passes the same conformance suite; a method that returns has made its
/// change durable.
/// </summary>
public interface IRegistryStore
{
    /// <summary>Stores a new record at revision 1. False, changing nothing, when (kind, id) exists.</summary>
    Task<bool> TryInsertAsync(RegistryRecord record, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a record whose stored revision is <paramref name="expectedRevision"/>, storing
    /// <c>record.Revision</c> (the caller sets it to expectedRevision + 1). False, changing nothing,
    /// when the record is missing or its revision moved on.
    /// </summary>
    Task<bool> TryReplaceAsync(RegistryRecord record, long expectedRevision, CancellationToken cancellationToken);

    /// <summary>Removes a record. False when there was none.</summary>
    Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>The record, or null.</summary>
    Task<RegistryRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Records of a kind whose id starts with <paramref name="idPrefix"/> (all when empty), ordered
    /// by id (ordinal), strictly after <paramref name="afterId"/> when given, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<RegistryRecord>> ListAsync(string kind, string idPrefix, string? afterId, int limit, CancellationToken cancellationToken);
}

/// <summary>One registry record: its kind (e.g. "enrolment"), id (its resource name), revision and protobuf bytes.</summary>
public sealed record RegistryRecord(string Kind, string Id, long Revision, byte[] Payload);

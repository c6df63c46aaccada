using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;

namespace Exchange.Core.Storage;

/// <summary>
/// The system of record for declarations, their event log and idempotency records. Every
/// implementation (SQLite embedded, PostgreSQL for scale-out) passes the same conformance suite.
///
/// Rules every implementation keeps:
/// - a method that returns has made its change durable (committed and flushed); one that throws
///   has normally changed nothing, but a lost connection during commit leaves the outcome
///   unknown, which is why every write carries an idempotency key the caller can retry with;
/// - a declaration, its events and its idempotency record are written in one transaction;
/// - everything is scoped by filer: no call can read or change another filer's rows;
/// - each filer's events get strictly increasing sequence numbers in commit order, so a reader
///   that saw sequence N never later finds a new event below N;
/// - the canonical protobuf bytes are stored as given and returned unchanged;
/// - a write's messages are serialised during the call and not kept: once it returns, the caller
///   owns them again (a written outcome may name the write's own declaration), and may change
///   them (the submission path turns its answer into the filer's view in place).
/// </summary>
public interface IDeclarationStore
{
    /// <summary>
    /// Records a new declaration with its first event, and the request's idempotency record, or
    /// finds the earlier answer to the same (filer, request id).
    /// </summary>
    Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken);

    /// <summary>
    /// Several inserts, each with its own outcome, committed together in one transaction (group
    /// commit for the bulk path). Outcomes are in the order of <paramref name="writes"/>.
    /// </summary>
    Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a declaration if its stored revision is still <see cref="DeclarationWrite.ExpectedRevision"/>
    /// (compare-and-set), appends the event and the idempotency record. Returns
    /// <see cref="WriteOutcomeKind.RevisionConflict"/> when the revision moved on and
    /// <see cref="WriteOutcomeKind.NotFound"/> when there is no such declaration.
    /// </summary>
    Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken);

    /// <summary>The declaration, or null when the filer has none of that id.</summary>
    Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken);

    /// <summary>
    /// The filer's declarations matching the query, ordered by create time descending then
    /// declaration id descending, starting strictly after <see cref="DeclarationQuery.After"/>,
    /// at most <see cref="DeclarationQuery.Limit"/> of them.
    /// </summary>
    Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken);

    /// <summary>The earlier answer recorded for (filer, request id), or null.</summary>
    Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken);

    /// <summary>
    /// The filer's events after <paramref name="after"/> that a reader may be given now, oldest
    /// first (in <see cref="EventPosition"/> order), at most <paramref name="limit"/>, optionally
    /// only those of one declaration. Each event's <c>cursor</c> is set to its position. An event
    /// not returned yet never appears later at a position below one returned.
    /// </summary>
    Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken);

    /// <summary>
    /// The position of the filer's last event a reader may be given now (<see cref="EventPosition.Start"/>
    /// when it has none): no cursor the store has issued lies beyond it.
    /// </summary>
    Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken);

    /// <summary>
    /// Several updates, each a compare-and-set on its own expected revision with its own outcome,
    /// committed together in one transaction (the assessor's group commit). Outcomes are in the
    /// order of <paramref name="writes"/>; a conflict on one does not stop the others.
    /// </summary>
    Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken);

    /// <summary>
    /// Declarations of every filer still in status ACCEPTED whose update time is at or before
    /// <paramref name="updatedAtOrBefore"/>, oldest update first, at most <paramref name="limit"/>:
    /// the assessor's durable work queue (nothing acknowledged waits forever, even after a crash).
    /// </summary>
    Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken);

    /// <summary>The latest risk assessment written with the declaration (<see cref="DeclarationFacts.Assessment"/>), or null.</summary>
    Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken);

    /// <summary>
    /// Declarations in <paramref name="status"/>, of one filer or (null) of every filer, oldest
    /// first: ordered by create time ascending then declaration id ascending (ids are unique across
    /// filers), starting strictly after <paramref name="after"/>, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The declarations of every filer whose master transport document
    /// (<c>transport_document.master_waybill</c>) is <paramref name="masterDocument"/> (not empty):
    /// the houses of a carrier's consignment. Oldest first (create time, then declaration id),
    /// strictly after <paramref name="after"/>, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The declarations flagged to an agency (<see cref="DeclarationFacts.FlaggedAgencies"/>), newest
    /// first (create time descending, then declaration id descending), strictly after
    /// <paramref name="after"/>, at most <paramref name="limit"/>.
    /// </summary>
    Task<IReadOnlyList<Declaration>> ListFlaggedAsync(string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken);

    /// <summary>Whether the declaration was ever flagged to the agency.</summary>
    Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken);

    /// <summary>
    /// For each consignee key, the declarations of every filer with that key created at or after
    /// <paramref name="since"/> and not CANCELLED: how many, and their summed intrinsic value
    /// (the split-shipment rule). Keys with none are absent from the answer.
    /// </summary>
    Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken);

    /// <summary>
    /// For each of <paramref name="localReferenceNumbers"/> that <paramref name="filerId"/> gave a
    /// declaration created at or after <paramref name="since"/>: the names of at most two such
    /// declarations (two distinct ones when there are two or more), enough to name one other than
    /// any given declaration. One statement for a whole bulk batch (<c>LocalReferenceReuse</c>).
    /// LRNs with none are absent from the answer.
    /// </summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(
        string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken);
}

/// <summary>
/// What the enforcement side keeps next to a declaration, written in the same transaction:
/// - <see cref="ConsigneeKey"/> and <see cref="IntrinsicValueCents"/> index the split-shipment look-up;
/// - <see cref="Assessment"/> is the latest risk assessment (never shown to the filer);
/// - <see cref="FlaggedAgencies"/> are agency ids (the `{agency}` of `agencies/{agency}`) the
///   declaration is flagged to; flags only accumulate, an update never removes one.
/// </summary>
public sealed record DeclarationFacts(
    string ConsigneeKey,
    long IntrinsicValueCents,
    RiskAssessment? Assessment,
    IReadOnlyList<string> FlaggedAgencies);

/// <summary>A consignee's recent consignments: how many, and their summed intrinsic value in base-currency cents.</summary>
public sealed record ConsigneeActivity(int Consignments, long ValueCents);

/// <summary>
/// One change to write: the declaration's full new state (name, revision, status, etag and times
/// already set by the core), its event (without cursor) and, when the caller sent one, the
/// idempotency key with the hash of the request's content. <see cref="Facts"/> is required on
/// insert; on update, null keeps the stored facts and a value replaces them (agency flags are
/// added to the stored ones). <see cref="Outbox"/> are messages to partner administrations the
/// change causes: written in the same transaction, and only when the write itself is (never on a
/// replay or a conflict), so a change and its sharing are durable together or not at all.
/// <see cref="EarlierEvents"/> are events appended before <see cref="Event"/>, oldest first, for a
/// write that records several steps at once (a submission accepted and decided in one
/// transaction): each gets its own sequence number, in order, and <see cref="Event"/> is the last.
/// <see cref="Notices"/> are notices to other parties the change causes (<see cref="INoticeStore"/>):
/// written like <see cref="Outbox"/>, in the same transaction and only when the write itself is.
/// </summary>
public sealed record DeclarationWrite(
    DeclarationKey Key,
    Declaration Declaration,
    DeclarationEvent Event,
    string? RequestId,
    byte[]? RequestHash,
    long ExpectedRevision = 0,
    DeclarationFacts? Facts = null,
    IReadOnlyList<OutboxEntry>? Outbox = null,
    IReadOnlyList<DeclarationEvent>? EarlierEvents = null,
    IReadOnlyList<PartyNotice>? Notices = null)
{
    /// <summary>Every event the write appends, oldest first: <see cref="EarlierEvents"/>, then <see cref="Event"/>.</summary>
    public IReadOnlyList<DeclarationEvent> Events => EarlierEvents is { Count: > 0 } earlier ? [.. earlier, Event] : [Event];
}

/// <summary>What became of a write.</summary>
public enum WriteOutcomeKind
{
    /// <summary>
    /// Written now; <see cref="WriteOutcome.Declaration"/> and <see cref="WriteOutcome.Event"/> (the
    /// write's last event, with its cursor) are set.
    /// </summary>
    Written,

    /// <summary>The same request was answered before; <see cref="WriteOutcome.Declaration"/> is that first answer.</summary>
    Replayed,

    /// <summary>The request id was used before by the filer for a request with another hash; nothing was written.</summary>
    RequestIdConflict,

    /// <summary>Update only: the stored revision is not the expected one; nothing was written.</summary>
    RevisionConflict,

    /// <summary>Update only: no such declaration; nothing was written.</summary>
    NotFound,
}

/// <summary>The result of one write.</summary>
public sealed record WriteOutcome(WriteOutcomeKind Kind, Declaration? Declaration = null, DeclarationEvent? Event = null)
{
    public static WriteOutcome Of(WriteOutcomeKind kind) => new(kind);
}

/// <summary>The answer first given to a request, kept so a retry gets the same answer.</summary>
public sealed record IdempotencyRecord(string RequestId, byte[] RequestHash, Declaration Response)
{
    /// <summary>A record as the stores keep it: the answer as the declaration's bytes.</summary>
    public static IdempotencyRecord FromStored(string requestId, byte[] requestHash, byte[] response) =>
        new(requestId, requestHash, Declaration.Parser.ParseFrom(response));

    /// <summary>
    /// The rule of AIP-155, in one place: a request with the same content hash is a retry and gets
    /// the first answer; another hash under the same request id is a conflict.
    /// </summary>
    public WriteOutcome AnswerTo(ReadOnlySpan<byte> requestHash) =>
        RequestHash.AsSpan().SequenceEqual(requestHash)
            ? new WriteOutcome(WriteOutcomeKind.Replayed, Response)
            : WriteOutcome.Of(WriteOutcomeKind.RequestIdConflict);
}

/// <summary>A page query over one filer's declarations. All given filters must match.</summary>
public sealed record DeclarationQuery(
    string FilerId,
    int Limit,
    DeclarationStatus? Status = null,
    DateTimeOffset? CreatedAtOrAfter = null,
    DateTimeOffset? CreatedBefore = null,
    string? Reference = null,
    ListPosition? After = null);

/// <summary>A position in the list order: the last declaration of the previous page.</summary>
public sealed record ListPosition(DateTimeOffset CreateTime, string DeclarationId)
{
    /// <summary>The position of a stored declaration (its name is well formed).</summary>
    public static ListPosition Of(Declaration declaration)
    {
        var key = Identity.ResourceNames.StoredDeclaration(declaration.Name);
        return new ListPosition(declaration.CreateTime.ToDateTimeOffset(), key.DeclarationId);
    }
}

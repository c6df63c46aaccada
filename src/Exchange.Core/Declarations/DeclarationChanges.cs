using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Declarations;

/// <summary>
/// How every change to an existing declaration is made, whoever makes it (filer, officer, agency):
/// answer a retry from its idempotency record, read the current state, check the etag, let the
/// caller decide the new state, write it with its event under compare-and-set, and wake watchers.
/// (What the change shares with partner administrations is added on the way to the store, by
/// Partners.SharingDeclarationStore, so no path of change can forget it.)
/// </summary>
public sealed class DeclarationChanges(IDeclarationStore store, IEventSignal signal, TimeProvider clock)
{
    /// <summary>Attempts when no etag pins the change and a concurrent writer moved the revision on.</summary>
    private const int UnpinnedAttempts = 5;

    /// <summary>
    /// Applies <paramref name="decide"/> to the current declaration and records the result.
    /// </summary>
    /// <param name="key">The declaration to change.</param>
    /// <param name="idempotencyKey">The key the answer is recorded under (null: not idempotent).</param>
    /// <param name="hash">The hash of the request's content, recorded with <paramref name="idempotencyKey"/> so a retry with other content is refused.</param>
    /// <param name="etag">The etag the caller based the change on; null to apply to whatever is current.</param>
    /// <param name="actor">Who makes the change, for the audit trail (DeclarationEvent.actor).</param>
    /// <param name="decide">Decides the change from the current declaration; called again if a concurrent writer moved the revision on.</param>
    /// <param name="cancellationToken">Cancels the change before it is written.</param>
    public async Task<Declaration> ApplyAsync(
        DeclarationKey key,
        string? idempotencyKey,
        byte[] hash,
        string? etag,
        string actor,
        Func<Declaration, ValueTask<Change>> decide,
        CancellationToken cancellationToken) =>
        (await ApplyCountedAsync(key, idempotencyKey, hash, etag, actor, decide, cancellationToken)).Declaration;

    /// <summary>
    /// <see cref="ApplyAsync"/>, saying whether this call wrote the change. Count what a change
    /// did only when it did: a retry racing the first attempt of the same request decides too
    /// (neither found an earlier answer), but the store writes one of them and answers the other
    /// as a replay.
    /// </summary>
    public async Task<AppliedChange> ApplyCountedAsync(
        DeclarationKey key,
        string? idempotencyKey,
        byte[] hash,
        string? etag,
        string actor,
        Func<Declaration, ValueTask<Change>> decide,
        CancellationToken cancellationToken)
    {
        // A retry must get its first answer even though the etag it carries is stale by now.
        if (await EarlierAnswerAsync(key.FilerId, idempotencyKey, hash, cancellationToken) is { } earlier)
        {
            return new AppliedChange(earlier, Written: false);
        }
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var current = await store.GetAsync(key, cancellationToken) ?? throw new DeclarationNotFoundException(key.Name);
                if (etag is not null && current.Etag != etag)
                {
                    throw new EtagMismatchException(key.Name);
                }
                var change = await decide(current);
                var write = Prepare(key, current, change, actor, idempotencyKey, idempotencyKey is null ? null : hash);
                var outcome = await store.UpdateAsync(write, cancellationToken);
                if (outcome.Kind == WriteOutcomeKind.RevisionConflict && etag is null && attempt < UnpinnedAttempts)
                {
                    continue; // nothing pins the revision: decide again on the newer state
                }
                return new AppliedChange(Conclude(key.FilerId, outcome, key.Name), outcome.Kind == WriteOutcomeKind.Written);
            }
        }
        catch (ExchangeException) when (idempotencyKey is not null)
        {
            // The first attempt of this very request may have committed between our look-up and
            // our checks (its client gave up waiting and retried): the retry gets that answer.
            if (await EarlierAnswerAsync(key.FilerId, idempotencyKey, hash, cancellationToken) is { } committedMeanwhile)
            {
                return new AppliedChange(committedMeanwhile, Written: false);
            }
            throw;
        }
    }

    /// <summary>
    /// The write that moves <paramref name="current"/> to the change's new state: next revision,
    /// etag, update time and lifecycle states, and the event describing it. A change with an
    /// <see cref="Change.Earlier"/> step records that step first, as its own revision and event,
    /// in the same write.
    /// </summary>
    public DeclarationWrite Prepare(DeclarationKey key, Declaration current, Change change, string actor, string? requestId, byte[]? hash)
    {
        var now = Timestamps.ToProto(Timestamps.Now(clock));
        IReadOnlyList<DeclarationEvent>? earlier = null;
        var basis = current;
        if (change.Earlier is { } step)
        {
            earlier = [Advance(key, basis, step, actor, now)];
            basis = step.Next;
        }
        var @event = Advance(key, basis, change, actor, now);
        return new DeclarationWrite(key, change.Next, @event, requestId, hash, current.Revision, change.Facts ?? change.Earlier?.Facts,
            EarlierEvents: earlier);
    }

    /// <summary>
    /// A new declaration as first recorded (revision 1, status ACCEPTED, lifecycles registered and
    /// lodged) from the filer-supplied <paramref name="content"/>, which becomes the record.
    /// </summary>
    public static Declaration FirstRecord(Declaration content, DeclarationKey key, string customsReference, DateTimeOffset now)
    {
        content.Name = key.Name;
        content.CustomsReference = customsReference;
        content.Status = DeclarationStatus.Accepted;
        content.Revision = 1;
        content.Etag = DeclarationContent.Etag(key.Name, 1);
        content.CreateTime = Timestamps.ToProto(now);
        content.UpdateTime = content.CreateTime;
        Lifecycles.Stamp(content, content.CreateTime);
        return content;
    }

    /// <summary>Moves <paramref name="basis"/> on by the change: the next revision of <see cref="Change.Next"/>, and its event.</summary>
    private static DeclarationEvent Advance(DeclarationKey key, Declaration basis, Change change, string actor, Google.Protobuf.WellKnownTypes.Timestamp now)
    {
        var next = change.Next;
        next.Revision = basis.Revision + 1;
        next.Etag = DeclarationContent.Etag(key.Name, next.Revision);
        next.UpdateTime = now;
        Lifecycles.Stamp(next, now);
        var @event = EventFor(next, change.Type, change.Reason, change.Actor ?? actor);
        @event.Referrals.AddRange(change.EventReferrals.Select(r => r.Clone()));
        @event.AgencyHold = change.EventHold?.Clone();
        @event.PartnerDecision = change.PartnerDecision?.Clone();
        @event.AgencyRequest = change.Request?.Clone();
        return @event;
    }

    /// <summary>Turns a store outcome into the answer, or the refusal it stands for; wakes the filer's watchers on a write.</summary>
    public Declaration Conclude(string filerId, WriteOutcome outcome, string name, bool notify = true)
    {
        switch (outcome.Kind)
        {
            case WriteOutcomeKind.Written:
                if (notify)
                {
                    signal.Notify(filerId);
                }
                return outcome.Declaration!;
            case WriteOutcomeKind.Replayed:
                return outcome.Declaration!;
            case WriteOutcomeKind.RequestIdConflict:
                throw new RequestIdReusedException("request_id");
            case WriteOutcomeKind.RevisionConflict:
                throw new EtagMismatchException(name);
            case WriteOutcomeKind.NotFound:
                throw new DeclarationNotFoundException(name);
            default:
                throw new InvalidOperationException($"Unknown write outcome {outcome.Kind}.");
        }
    }

    /// <summary>The event a change records. The decision rides along on DECIDED events, without who decided; the disposition on DISPOSED ones.</summary>
    public static DeclarationEvent EventFor(Declaration declaration, DeclarationEventType type, string reason, string actor)
    {
        var @event = new DeclarationEvent
        {
            Declaration = declaration.Name,
            Type = type,
            Status = declaration.Status,
            Revision = declaration.Revision,
            EventTime = declaration.UpdateTime,
            LocalReferenceNumber = declaration.LocalReferenceNumber,
            CustomsReference = declaration.CustomsReference,
            Reason = reason,
            Actor = actor,
            SecurityAssessmentState = declaration.SecurityAssessment?.State ?? SecurityAssessmentState.Unspecified,
            ClearanceState = declaration.Clearance?.State ?? ClearanceState.Unspecified,
        };
        if (type == DeclarationEventType.Decided && declaration.Decision is { } decision)
        {
            @event.Decision = decision.Clone();
            @event.Decision.DecidedBy = "";
        }
        if (type == DeclarationEventType.Disposed && declaration.Disposition is { } disposition)
        {
            @event.Disposition = disposition.Clone();
        }
        return @event;
    }

    /// <summary>The answer already given under this idempotency key, if any; another request's key is refused.</summary>
    private async Task<Declaration?> EarlierAnswerAsync(string filerId, string? idempotencyKey, byte[] hash, CancellationToken cancellationToken)
    {
        if (idempotencyKey is null
            || await store.FindIdempotencyRecordAsync(filerId, idempotencyKey, cancellationToken) is not { } earlier)
        {
            return null;
        }
        return earlier.AnswerTo(hash).Kind == WriteOutcomeKind.Replayed ? earlier.Response : throw new RequestIdReusedException("request_id");
    }
}

/// <summary>The declaration a change answers with, and whether this call wrote it (false: the answer to an earlier attempt).</summary>
public readonly record struct AppliedChange(Declaration Declaration, bool Written);

/// <summary>
/// A change decided from the current state: the new declaration (revision, etag, update time and
/// lifecycle states are set by <see cref="DeclarationChanges"/>), what the event says, and
/// optionally new facts, the referrals, agency hold or partner decision the event is about, and
/// a step recorded just before it in the same write (e.g. an arrival, then the release it allows),
/// who made this step when not the caller who applies it (the risk engine deciding a
/// filer's amendment), and the agency request the event is about.
/// </summary>
public sealed record Change(
    Declaration Next,
    DeclarationEventType Type,
    string Reason = "",
    DeclarationFacts? Facts = null,
    IReadOnlyList<Referral>? Referrals = null,
    AgencyHold? Hold = null,
    PartnerDecision? PartnerDecision = null,
    Change? Earlier = null,
    string? Actor = null,
    AgencyRequest? Request = null)
{
    internal IReadOnlyList<Referral> EventReferrals => Referrals ?? [];

    internal AgencyHold? EventHold => Hold;
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Core.Validation;

namespace Exchange.Core.Enforcement;

/// <summary>
/// What officers and partner government agencies do to declarations: review what is held, read
/// the assessment, decide, and place or lift agency holds. Every change goes through
/// <see cref="DeclarationChanges"/> and so lands in the declaration's event log with its actor:
/// that log is the audit of who decided what, when and why.
/// </summary>
public sealed class EnforcementWorkflow(
    IDeclarationStore store, IEventSignal signal, TimeProvider clock, ExchangeMetrics? metrics = null, DispositionOptions? dispositionOptions = null)
{
    private readonly DeclarationChanges _changes = new(store, signal, clock);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;
    public const int DefaultEventPageSize = 100;

    private const string AllFilers = "filers/-";

    public async Task<Contracts.Enforcement.V1.ListDeclarationsResponse> ListDeclarationsAsync(
        OfficerIdentity officer, Contracts.Enforcement.V1.ListDeclarationsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        string? filerId = null;
        if (request.Parent != AllFilers && !ResourceNames.TryParseFiler(request.Parent, out filerId))
        {
            violations.Add(new FieldViolation("parent", $"Must be 'filers/-' (every filer) or 'filers/{{filer}}'; got {Echo.Quote(request.Parent)}."));
        }
        var pageSize = PageSize(request.PageSize, DefaultPageSize, violations);
        if (!Enum.IsDefined(request.Status))
        {
            violations.Add(new FieldViolation("status", "Not a DeclarationStatus value."));
        }
        RequestChecks.ThrowIfAny(violations);

        var status = request.Status == DeclarationStatus.Unspecified ? DeclarationStatus.Held : request.Status;
        var fingerprint = PageTokens.Fingerprint(new DeclarationQuery(request.Parent, 0, status));
        var after = string.IsNullOrEmpty(request.PageToken) ? null : PageTokens.Read(request.PageToken, fingerprint);
        var rows = await store.ListByStatusAsync(status, filerId, after, pageSize + 1, cancellationToken);
        var response = new Contracts.Enforcement.V1.ListDeclarationsResponse();
        response.Declarations.AddRange(rows.Take(pageSize));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = PageTokens.Issue(ListPosition.Of(rows[pageSize - 1]), fingerprint);
        }
        return response;
    }

    public async Task<Declaration> GetDeclarationAsync(OfficerIdentity officer, string name, CancellationToken cancellationToken)
    {
        var key = ReadAnyDeclarationName(name, "name");
        return await store.GetAsync(key, cancellationToken) ?? throw new DeclarationNotFoundException(key.Name);
    }

    public async Task<RiskAssessment> GetRiskAssessmentAsync(OfficerIdentity officer, string name, CancellationToken cancellationToken)
    {
        const string suffix = "/riskAssessment";
        if (name is null || !name.EndsWith(suffix, StringComparison.Ordinal)
            || !ResourceNames.TryParseDeclaration(name[..^suffix.Length], out var key))
        {
            throw new ValidationFailedException([new FieldViolation("name",
                $"Must have the form 'filers/{{filer}}/declarations/{{declaration}}/riskAssessment'; got {Echo.Quote(name)}.")]);
        }
        return await store.GetAssessmentAsync(key, cancellationToken) ?? throw new ResourceNotFoundException(name);
    }

    /// <summary>An officer's decision on a declaration (release, reject, seize, return to sender).</summary>
    public async Task<Declaration> DecideAsync(OfficerIdentity officer, DecideDeclarationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Name, "name", violations);
        if (!Decisions.IsOfficerOutcome(request.Outcome))
        {
            violations.Add(new FieldViolation("outcome", "Must be RELEASE, REJECT, SEIZE or RETURN_TO_SENDER."));
        }
        RequestChecks.CheckText(request.Reason, 1, 512, "reason", violations);
        RequestChecks.CheckEtag(request.Etag, "the declaration the decision is based on", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("decide", string.Join('\n', key!.Name, request.Etag, request.Outcome, request.Reason));
        using var span = ExchangeActivities.StartDecision(key.Name, ExchangeMetrics.DecidedBy.Officer);
        var result = await _changes.ApplyCountedAsync(key, IdempotencyKey(officer.Name, request.RequestId), hash, request.Etag, officer.Name, current =>
        {
            if (!Decisions.Allowed(current, request.Outcome))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, "decided " + Decisions.Label(request.Outcome));
            }
            if (request.Outcome == DecisionOutcome.Release && Decisions.WhatBlocksRelease(current) is { } blocker)
            {
                throw new ReleaseBlockedException(key.Name, blocker);
            }
            if (request.Outcome == DecisionOutcome.Release && Lifecycles.MustPresentBeforeRelease(current))
            {
                throw new GoodsNotPresentedException(key.Name, "released");
            }
            var next = current.Clone();
            next.Status = Decisions.StatusFor(request.Outcome, current);
            next.Decision = Decisions.Make(request.Outcome, request.Reason, officer.Name, Timestamps.ToProto(Timestamps.Now(clock)));
            Decisions.CloseReferrals(next);
            return ValueTask.FromResult(new Change(next, DeclarationEventType.Decided, request.Reason));
        }, cancellationToken);
        if (result.Written) // not when this call replays a retry's answer, nor when a racing retry wrote it
        {
            metrics?.Decided(request.Outcome, ExchangeMetrics.DecidedBy.Officer);
        }
        return result.Declaration;
    }

    /// <summary>
    /// An officer's control result on goods presented after arrival. A satisfactory one releases
    /// them in the same write (CONTROLLED, then DECIDED) unless an agency still holds them; one
    /// that is not keeps them held for the officer's decision.
    /// </summary>
    public async Task<Declaration> RecordControlResultAsync(
        OfficerIdentity officer, RecordControlResultRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Name, "name", violations);
        if (request.Outcome is not (ControlOutcome.Satisfactory or ControlOutcome.NotSatisfactory))
        {
            violations.Add(new FieldViolation("outcome", "Must be SATISFACTORY or NOT_SATISFACTORY."));
        }
        RequestChecks.CheckText(request.Remarks, 1, 512, "remarks", violations);
        RequestChecks.CheckEtag(request.Etag, "the declaration the control result is based on", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("control", string.Join('\n', key!.Name, request.Etag, request.Outcome, request.Remarks));
        var released = false; // what the change this call last decided does; counted only if this call wrote it
        var result = await _changes.ApplyCountedAsync(key, IdempotencyKey(officer.Name, request.RequestId), hash, request.Etag, officer.Name, current =>
        {
            var now = Timestamps.ToProto(Timestamps.Now(clock));
            var controlled = ControlResults.Record(current, request.Outcome, request.Remarks, now);
            released = Decisions.ReleasesAfterControl(controlled.Next);
            return ValueTask.FromResult(released ? Decisions.ReleaseAfterControl(controlled, officer.Name, request.Remarks, now) : controlled);
        }, cancellationToken);
        if (result.Written && released)
        {
            metrics?.Decided(DecisionOutcome.Release, ExchangeMetrics.DecidedBy.Officer);
        }
        return result.Declaration;
    }

    /// <summary>
    /// An officer's disposition of held goods (<see cref="Dispositions"/>): seized, abandoned,
    /// destroyed, returned to sender, or invalidated under a Do Not Load. Final; the filer's and the
    /// carrier's watch streams carry it (the DISPOSED event; the carrier's notice, added on the way
    /// to the store).
    /// </summary>
    public async Task<Declaration> RecordDispositionAsync(
        OfficerIdentity officer, RecordDispositionRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Name, "name", violations);
        Dispositions.Check(request, channel: null, violations);
        RequestChecks.CheckEtag(request.Etag, "the declaration the disposition is based on", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("dispose", string.Join('\n',
            key!.Name, request.Etag, request.Type, request.LegalBasis?.Code, request.LegalBasis?.Citation, request.Reason, request.ReturnItemIdentifier));
        var options = dispositionOptions ?? new DispositionOptions();
        var result = await _changes.ApplyCountedAsync(key, IdempotencyKey(officer.Name, request.RequestId), hash, request.Etag, officer.Name, current =>
            ValueTask.FromResult(Dispositions.Apply(current, request, options, Timestamps.ToProto(Timestamps.Now(clock)))), cancellationToken);
        if (result.Written) // not when this call replays a retry's answer, nor when a racing retry wrote it
        {
            metrics?.Disposed(request.Type);
        }
        return result.Declaration;
    }

    /// <summary>The declaration's events with their actors, oldest first: the audit trail.</summary>
    public async Task<ListDeclarationEventsResponse> ListEventsAsync(
        OfficerIdentity officer, ListDeclarationEventsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Declaration, "declaration", violations);
        var pageSize = PageSize(request.PageSize, DefaultEventPageSize, violations);
        var after = EventPosition.Start;
        if (!string.IsNullOrEmpty(request.PageToken) && !EventPosition.TryParse(request.PageToken, out after))
        {
            throw new InvalidPageTokenException();
        }
        RequestChecks.ThrowIfAny(violations);
        if (await store.GetAsync(key!, cancellationToken) is null)
        {
            throw new DeclarationNotFoundException(key!.Name);
        }
        var events = await store.ReadEventsAsync(key!.FilerId, after, pageSize + 1, key.DeclarationId, cancellationToken);
        var response = new ListDeclarationEventsResponse { Events = { events.Take(pageSize) } };
        if (events.Count > pageSize)
        {
            response.NextPageToken = events[pageSize - 1].Cursor;
        }
        return response;
    }

    public async Task<ListFlaggedDeclarationsResponse> ListFlaggedAsync(
        AgencyIdentity agency, ListFlaggedDeclarationsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        CheckAgency(agency, request.Parent, "parent", violations);
        var pageSize = PageSize(request.PageSize, DefaultPageSize, violations);
        RequestChecks.ThrowIfAny(violations);
        var fingerprint = PageTokens.Fingerprint(new DeclarationQuery(agency.Name, 0));
        var after = string.IsNullOrEmpty(request.PageToken) ? null : PageTokens.Read(request.PageToken, fingerprint);
        var rows = await store.ListFlaggedAsync(agency.AgencyId, after, pageSize + 1, cancellationToken);
        var response = new ListFlaggedDeclarationsResponse();
        response.Declarations.AddRange(rows.Take(pageSize).Select(FilerView.Of));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = PageTokens.Issue(ListPosition.Of(rows[pageSize - 1]), fingerprint);
        }
        return response;
    }

    /// <summary>Places the agency's hold: release waits until the agency lifts it.</summary>
    public async Task<Declaration> PlaceHoldAsync(AgencyIdentity agency, PlaceAgencyHoldRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Declaration, "declaration", violations);
        CheckAgency(agency, request.Agency, "agency", violations);
        RequestChecks.CheckText(request.Reason, 1, 512, "reason", violations);
        RequestChecks.ThrowIfAny(violations);
        await CheckFlaggedAsync(agency, key!, cancellationToken);

        var hash = DeclarationContent.RequestHash("hold", key!.Name + "\n" + request.Reason);
        var held = await _changes.ApplyAsync(key, null, hash, null, agency.Name, current =>
        {
            if (DeclarationStatuses.IsFinal(current.Status))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, "held by an agency");
            }
            if (ActiveHold(current, agency) is not null)
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, $"held again by {agency.Name}, which holds it already");
            }
            var next = current.Clone();
            var hold = new AgencyHold { Agency = agency.Name, Reason = request.Reason, CreateTime = Timestamps.ToProto(Timestamps.Now(clock)) };
            next.AgencyHolds.Add(hold);
            if (next.Status == DeclarationStatus.Assessed)
            {
                next.Status = DeclarationStatus.Held; // its goods no longer go on arrival: the agency holds them
            }
            return ValueTask.FromResult(new Change(next, DeclarationEventType.AgencyHoldPlaced, request.Reason, Hold: hold));
        }, cancellationToken);
        metrics?.AgencyHoldPlaced(ExchangeMetrics.PlacedBy.Agency); // no idempotency key: every success is a write
        return FilerView.Of(held);
    }

    /// <summary>
    /// Lifts the agency's hold. When that was all that kept a declaration the assessment would
    /// have released (no referral, no other hold, held by the risk engine), it is released now.
    /// </summary>
    public async Task<Declaration> LiftHoldAsync(AgencyIdentity agency, LiftAgencyHoldRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Declaration, "declaration", violations);
        CheckAgency(agency, request.Agency, "agency", violations);
        RequestChecks.ThrowIfAny(violations);
        await CheckFlaggedAsync(agency, key!, cancellationToken);

        var hash = DeclarationContent.RequestHash("lift", key!.Name);
        var released = false; // whether the change this call last decided releases the declaration
        var lifted = await _changes.ApplyCountedAsync(key, null, hash, null, agency.Name, async current =>
        {
            var (change, releases) = await LiftAsync(key, current, agency, decision: null, cancellationToken);
            released = releases; // an earlier attempt, beaten by a concurrent writer, may have said otherwise
            return change;
        }, cancellationToken);
        if (lifted.Written && released)
        {
            metrics?.Decided(DecisionOutcome.Release, ExchangeMetrics.DecidedBy.AgencyRelease);
        }
        return FilerView.Of(lifted.Declaration);
    }

    /// <summary>
    /// The agency asks the filer for information about a declaration it holds (an active hold of
    /// its own): an OPEN request on the declaration and an AGENCY_REQUEST_OPENED event on the
    /// filer's watch stream.
    /// </summary>
    public async Task<CreateAgencyRequestResponse> CreateRequestAsync(
        AgencyIdentity agency, CreateAgencyRequestRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Declaration, "declaration", violations);
        CheckAgency(agency, request.Agency, "agency", violations);
        RequestChecks.CheckText(request.RequestText, 1, AgencyRequests.MaxRequestText, "request_text", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);
        await CheckFlaggedAsync(agency, key!, cancellationToken);

        var hash = DeclarationContent.RequestHash("agency-request", key!.Name + "\n" + request.RequestText);
        var asked = await _changes.ApplyAsync(key, IdempotencyKey(agency.Name, request.RequestId), hash, null, agency.Name, current =>
        {
            if (DeclarationStatuses.IsFinal(current.Status))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, $"asked for information by {agency.Name}");
            }
            AgencyRequests.RequireHold(current, agency.Name, "ask the filer for information");
            var next = current.Clone();
            var opened = AgencyRequests.Open(next, agency.Name, request.RequestText, Timestamps.ToProto(Timestamps.Now(clock)));
            next.AgencyRequests.Add(opened);
            return ValueTask.FromResult(new Change(next, DeclarationEventType.AgencyRequestOpened, request.RequestText, Request: opened));
        }, cancellationToken);
        var view = FilerView.Of(asked);
        // The request this call made, or the one a replay made: the newest of the agency with this text.
        var made = view.AgencyRequests.LastOrDefault(r => r.Agency == agency.Name && r.RequestText == request.RequestText);
        return new CreateAgencyRequestResponse { Declaration = view, AgencyRequest = made };
    }

    /// <summary>
    /// The agency's decision on goods it holds: MAY_PROCEED lifts its hold (releasing them when
    /// nothing else blocks, as <see cref="LiftHoldAsync"/>); REFUSE keeps the hold active, so an
    /// officer decides. Either closes the agency's open requests.
    /// </summary>
    public async Task<Declaration> RecordDecisionAsync(
        AgencyIdentity agency, RecordAgencyDecisionRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(request.Declaration, "declaration", violations);
        CheckAgency(agency, request.Agency, "agency", violations);
        if (request.Decision is not (AgencyDecision.MayProceed or AgencyDecision.Refuse))
        {
            violations.Add(new FieldViolation("decision", "Must be MAY_PROCEED or REFUSE."));
        }
        RequestChecks.CheckText(request.Reason, 1, 512, "reason", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);
        await CheckFlaggedAsync(agency, key!, cancellationToken);

        var hash = DeclarationContent.RequestHash("agency-decision", string.Join('\n', key!.Name, request.Decision, request.Reason));
        var released = false; // whether the change this call last decided releases the declaration
        var decided = await _changes.ApplyCountedAsync(key, IdempotencyKey(agency.Name, request.RequestId), hash, null, agency.Name, async current =>
        {
            if (DeclarationStatuses.IsFinal(current.Status))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, $"decided by {agency.Name}");
            }
            if (request.Decision == AgencyDecision.MayProceed)
            {
                AgencyRequests.RequireHoldToProceed(current, agency.Name, "let the goods proceed");
                var (change, releases) = await LiftAsync(key, current, agency, request, cancellationToken);
                released = releases;
                return change;
            }
            AgencyRequests.RequireHold(current, agency.Name, "refuse the goods");
            released = false;
            var next = current.Clone();
            var refused = AgencyRequests.ActiveHold(next, agency.Name)!;
            refused.Decision = AgencyDecision.Refuse;
            refused.DecisionReason = request.Reason;
            refused.DecideTime = Timestamps.ToProto(Timestamps.Now(clock));
            AgencyRequests.CloseOpen(next, agency.Name);
            return new Change(next, DeclarationEventType.AgencyDecisionRecorded, request.Reason, Hold: refused);
        }, cancellationToken);
        if (decided.Written && released)
        {
            metrics?.Decided(DecisionOutcome.Release, ExchangeMetrics.DecidedBy.AgencyRelease);
        }
        return FilerView.Of(decided.Declaration);
    }

    /// <summary>
    /// Lifts the agency's active hold on <paramref name="current"/> (with its MAY_PROCEED decision
    /// when <paramref name="decision"/> is given), releasing the goods when that was all that kept
    /// them: the change, and whether it releases.
    /// </summary>
    private async Task<(Change Change, bool Releases)> LiftAsync(
        DeclarationKey key, Declaration current, AgencyIdentity agency, RecordAgencyDecisionRequest? decision, CancellationToken cancellationToken)
    {
        if (DeclarationStatuses.IsFinal(current.Status))
        {
            throw new InvalidStateTransitionException(key.Name, current.Status, $"released from a hold of {agency.Name}");
        }
        var next = current.Clone();
        if (ActiveHold(next, agency) is not { } hold)
        {
            throw new InvalidStateTransitionException(key.Name, current.Status, $"released from a hold of {agency.Name}, which holds none");
        }
        if (decision is null)
        {
            AgencyRequests.RequireNotRefused(current, hold, "lift its hold"); // a refusal is withdrawn by MAY_PROCEED only
        }
        var now = Timestamps.ToProto(Timestamps.Now(clock));
        hold.LiftTime = now;
        if (decision is not null)
        {
            hold.Decision = AgencyDecision.MayProceed;
            hold.DecisionReason = decision.Reason;
            hold.DecideTime = now;
            AgencyRequests.CloseOpen(next, agency.Name);
        }
        if (await ReleasesOnLiftAsync(key, next, cancellationToken))
        {
            if (Lifecycles.MustPresentBeforeRelease(next))
            {
                throw new GoodsNotPresentedException(key.Name, "released by lifting the last hold");
            }
            var reason = Decisions.AutomaticReasons.ReleaseOf(next);
            next.Status = Lifecycles.StatusOnRelease(next);
            next.Decision = Decisions.Make(DecisionOutcome.Release, reason, Actors.RiskEngine, now);
            return (new Change(next, DeclarationEventType.Decided, reason, Hold: hold), true);
        }
        return decision is null
            ? (new Change(next, DeclarationEventType.AgencyHoldLifted, "", Hold: hold), false)
            : (new Change(next, DeclarationEventType.AgencyDecisionRecorded, decision.Reason, Hold: hold), false);
    }

    /// <summary>
    /// Held only for agency review, no hold remaining: either its assessment had completed
    /// (a release decision) before an agency held it, or the risk engine held it with no referral,
    /// the assessment said release, and the filer has not amended it since (the assessment would
    /// be of other content: then an officer decides).
    /// </summary>
    private async Task<bool> ReleasesOnLiftAsync(DeclarationKey key, Declaration next, CancellationToken cancellationToken)
    {
        if (next is { Status: DeclarationStatus.Held, Decision.Outcome: DecisionOutcome.Release } && Decisions.WhatBlocksRelease(next) is null)
        {
            return true; // the assessment had completed (ASSESSED) when an agency held it
        }
        if (next.Status != DeclarationStatus.Held
            || next.Decision is not { Outcome: DecisionOutcome.Hold, DecidedBy: Actors.RiskEngine }
            || next.Referrals.Count > 0
            || Decisions.WhatBlocksRelease(next) is not null
            || await store.GetAssessmentAsync(key, cancellationToken) is not { RecommendedOutcome: DecisionOutcome.Release } assessment)
        {
            return false;
        }
        var events = await store.ReadEventsAsync(key.FilerId, EventPosition.Start, int.MaxValue, key.DeclarationId, cancellationToken);
        return !events.Any(e => e.Type == DeclarationEventType.Amended && e.Revision > assessment.DeclarationRevision);
    }

    private static AgencyHold? ActiveHold(Declaration declaration, AgencyIdentity agency) =>
        declaration.AgencyHolds.FirstOrDefault(h => h.Agency == agency.Name && h.LiftTime is null);

    /// <summary>An agency sees only what was flagged to it: anything else is the same NOT_FOUND as a missing declaration.</summary>
    private async Task CheckFlaggedAsync(AgencyIdentity agency, DeclarationKey key, CancellationToken cancellationToken)
    {
        if (!await store.IsFlaggedAsync(agency.AgencyId, key, cancellationToken))
        {
            throw new DeclarationNotFoundException(key.Name);
        }
    }

    private static void CheckAgency(AgencyIdentity agency, string? named, string field, List<FieldViolation> violations)
    {
        if (named == agency.Name)
        {
            return;
        }
        if (named is not null && named.StartsWith(AgencyIdentity.Prefix, StringComparison.Ordinal))
        {
            throw new RoleNotPermittedException(named);
        }
        violations.Add(new FieldViolation(field, $"Must be the calling agency, '{agency.Name}'; got {Echo.Quote(named)}."));
    }

    private static string? IdempotencyKey(string actor, string requestId) =>
        string.IsNullOrEmpty(requestId) ? null : actor + "/" + requestId;

    private static int PageSize(int requested, int defaultSize, List<FieldViolation> violations)
    {
        if (requested < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        return requested <= 0 ? defaultSize : Math.Min(requested, MaxPageSize);
    }

    private static DeclarationKey ReadAnyDeclarationName(string? name, string field)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadAnyDeclarationName(name, field, violations);
        RequestChecks.ThrowIfAny(violations);
        return key!;
    }
}

using System.Runtime.CompilerServices;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Profiles;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Core.Validation;

namespace Exchange.Core.Declarations;

/// <summary>
/// What happens to a filer's declaration: validate, record durably (idempotently), change under
/// optimistic concurrency and the status rules, and report events. Works on the contract's
/// messages directly; knows nothing of gRPC hosting or of the store's technology.
/// With an <paramref name="assessor"/> that decides on arrival, a submission is recorded already
/// decided (one transaction); otherwise it is recorded ACCEPTED and <paramref name="accepted"/>
/// wakes the assessor's queue. With <paramref name="consignments"/>, every declaration a filer is
/// answered with says whether its master consignment was filed (multiple filing).
/// </summary>
public sealed class DeclarationWorkflow(
    IDeclarationStore store, IEventSignal signal, TimeProvider clock, WorkflowOptions options, ExchangeRates rates, WorkPulse? accepted = null,
    ExchangeMetrics? metrics = null, Assessor? assessor = null, Consignments.ConsignmentWorkflow? consignments = null,
    ProfileEnforcement? profiles = null, IPostalArrivalStore? postalArrivals = null)
    : IAsyncDisposable
{
    // Without a configuration: only the profiles a filer names are enforced.
    private readonly ProfileEnforcement _profiles = profiles ?? ProfileEnforcement.OnRequest(DataSetProfiles.BuiltIn);

    private readonly GroupCommitWriter<UnarySubmission, UnaryAnswer> _submissions = UnaryGroups(
        new DeclarationChanges(store, signal, clock),
        signal,
        (writes, cancellationToken) => RecordAsync(store, writes, ExchangeMetrics.Submissions.Unary, assessor, accepted, metrics, cancellationToken),
        (declarations, cancellationToken) => consignments is null ? Task.FromResult(declarations) : consignments.WithMasterLinksAsync(declarations, cancellationToken),
        (filerId, declarations, cancellationToken) => LocalReferenceReuse.WarningsAsync(store, filerId, declarations, clock.GetUtcNow(), cancellationToken),
        options.SubmitBatchSize);
    private readonly DeclarationChanges _changes = new(store, signal, clock);

    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 1000;

    /// <summary>Encoded size a list page stays under (the node's send limit is larger).</summary>
    public const int MaxPageBytes = 4 * 1024 * 1024;

    /// <summary>Validates and durably records a new declaration, or returns the first answer to a retry.</summary>
    public async Task<Declaration> SubmitAsync(CallerIdentity caller, SubmitDeclarationRequest request, CancellationToken cancellationToken) =>
        (await SubmitAnsweredAsync(caller, request, cancellationToken)).Declaration;

    /// <summary>
    /// A unary submission's whole answer: the declaration as <see cref="SubmitAsync"/> records it,
    /// and the warnings of <see cref="LocalReferenceReuse"/>. Concurrent submissions share one
    /// transaction and one read for their warnings and master-consignment links (<see cref="UnaryGroups"/>).
    /// </summary>
    public async Task<SubmitDeclarationResponse> SubmitAnsweredAsync(CallerIdentity caller, SubmitDeclarationRequest request, CancellationToken cancellationToken)
    {
        var write = PrepareSubmission(caller, request.Parent, request.Declaration, request.RequestId, "");
        var answer = await _submissions.InsertAsync(new UnarySubmission(caller.FilerId, write), cancellationToken);
        return answer.Response ?? throw answer.Refusal!;
    }

    /// <summary>
    /// The group commit of unary submissions: one transaction for the group, then its answers as
    /// a bulk batch gets them (<see cref="SubmitManyAsync"/>, <see cref="WarningsAsync"/>): one
    /// master-consignment look-up for the group and one duplicate-LRN read per filer in it,
    /// instead of two reads per call (at 64 calls in flight, profiled, the per-call reads took two
    /// thirds as much of the node's time as the group's write). Each answer still waits for its own write to be durable; a
    /// refusal (a reused request id) is one caller's answer, not the group's failure.
    /// </summary>
    private static GroupCommitWriter<UnarySubmission, UnaryAnswer> UnaryGroups(
        DeclarationChanges changes,
        IEventSignal signal,
        Func<IReadOnlyList<DeclarationWrite>, CancellationToken, Task<IReadOnlyList<WriteOutcome>>> record,
        Func<IReadOnlyList<Declaration>, CancellationToken, Task<IReadOnlyList<Declaration>>> withMasterLinks,
        Func<string, IReadOnlyList<Declaration?>, CancellationToken, Task<IReadOnlyList<IReadOnlyList<SubmissionWarning>>>> warnings,
        int maxBatch) =>
        new(async (group, cancellationToken) =>
        {
            var outcomes = await record(group.Select(s => s.Write).ToList(), cancellationToken);
            var answers = new UnaryAnswer[group.Count];
            var recorded = new List<(int Position, Declaration Declaration)>(group.Count);
            for (var i = 0; i < group.Count; i++)
            {
                try
                {
                    recorded.Add((i, SubmissionAnswer(changes.Conclude(group[i].FilerId, outcomes[i], group[i].Write.Key.Name, notify: false), outcomes[i])));
                }
                catch (ExchangeException refusal)
                {
                    answers[i] = new UnaryAnswer(null, refusal);
                }
            }
            foreach (var filerId in group.Where((s, i) => outcomes[i].Kind == WriteOutcomeKind.Written).Select(s => s.FilerId).Distinct())
            {
                signal.Notify(filerId);
            }
            var linked = await withMasterLinks(recorded.Select(r => r.Declaration).ToList(), cancellationToken);
            foreach (var byFiler in recorded.Select((r, j) => (r.Position, Declaration: linked[j])).GroupBy(r => group[r.Position].FilerId))
            {
                var answered = byFiler.ToList();
                var warned = await warnings(byFiler.Key, answered.Select(Declaration? (r) => r.Declaration).ToList(), cancellationToken);
                for (var j = 0; j < answered.Count; j++)
                {
                    answers[answered[j].Position] = new UnaryAnswer(new SubmitDeclarationResponse { Declaration = answered[j].Declaration, Warnings = { warned[j] } }, null);
                }
            }
            return answers;
        }, maxBatch);

    /// <summary>
    /// The warnings of each result of <see cref="SubmitManyAsync"/>, in order (<see cref="LocalReferenceReuse"/>):
    /// one store read for the whole batch, after its write.
    /// </summary>
    public Task<IReadOnlyList<IReadOnlyList<SubmissionWarning>>> WarningsAsync(
        CallerIdentity caller, IReadOnlyList<SubmissionResult> results, CancellationToken cancellationToken) =>
        LocalReferenceReuse.WarningsAsync(store, caller.FilerId, results.Select(r => r.Declaration).ToList(), clock.GetUtcNow(), cancellationToken);

    /// <summary>
    /// Submits several declarations in one store transaction (group commit). Each item gets its
    /// own answer: the declaration, or the refusal that SubmitAsync would have thrown for it.
    /// Field paths of item refusals start at the item's request message (e.g. <c>declaration.items[0]</c>).
    /// </summary>
    public async Task<IReadOnlyList<SubmissionResult>> SubmitManyAsync(
        CallerIdentity caller, IReadOnlyList<SubmitDeclarationRequest> requests, CancellationToken cancellationToken)
    {
        var results = new SubmissionResult[requests.Count];
        var writes = new List<DeclarationWrite>(requests.Count);
        var positions = new List<int>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            try
            {
                writes.Add(PrepareSubmission(caller, requests[i].Parent, requests[i].Declaration, requests[i].RequestId, ""));
                positions.Add(i);
            }
            catch (ExchangeException refusal)
            {
                results[i] = new SubmissionResult(null, refusal);
            }
        }
        if (writes.Count > 0)
        {
            var outcomes = await RecordAsync(store, writes, ExchangeMetrics.Submissions.Bulk, assessor, accepted, metrics, cancellationToken);
            for (var j = 0; j < outcomes.Count; j++)
            {
                try
                {
                    var declaration = _changes.Conclude(caller.FilerId, outcomes[j], writes[j].Key.Name, notify: false);
                    results[positions[j]] = new SubmissionResult(SubmissionAnswer(declaration, outcomes[j]), null);
                }
                catch (ExchangeException refusal)
                {
                    results[positions[j]] = new SubmissionResult(null, refusal);
                }
            }
            if (outcomes.Any(o => o.Kind == WriteOutcomeKind.Written))
            {
                signal.Notify(caller.FilerId);
            }
        }
        if (consignments is not null)
        {
            var answered = results.Where(r => r.Declaration is not null).Select(r => r.Declaration!).ToList();
            var linked = await consignments.WithMasterLinksAsync(answered, cancellationToken);
            for (int i = 0, j = 0; i < results.Length; i++)
            {
                if (results[i].Declaration is not null)
                {
                    results[i] = results[i] with { Declaration = linked[j++] };
                }
            }
        }
        return results;
    }

    public async Task<Declaration> GetAsync(CallerIdentity caller, GetDeclarationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadDeclarationName(caller, request.Name, "name", violations);
        RequestChecks.ThrowIfAny(violations);
        return await LinkedAsync(FilerView.Of(await store.GetAsync(key!, cancellationToken) ?? throw new DeclarationNotFoundException(key!.Name)), cancellationToken);
    }

    public async Task<ListDeclarationsResponse> ListAsync(CallerIdentity caller, ListDeclarationsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        if (!Enum.IsDefined(request.Status))
        {
            violations.Add(new FieldViolation("status", "Not a DeclarationStatus value."));
        }
        var start = RequestChecks.ReadOptionalTime(request.CreateTimeStart, "create_time_start", violations);
        var end = RequestChecks.ReadOptionalTime(request.CreateTimeEnd, "create_time_end", violations);
        if (start is not null && end is not null && end < start)
        {
            violations.Add(new FieldViolation("create_time_end", "Must not be before create_time_start."));
        }
        if (request.Reference.Length > 70)
        {
            violations.Add(new FieldViolation("reference", "At most 70 characters."));
        }
        RequestChecks.ThrowIfAny(violations);

        var pageSize = request.PageSize == 0 ? DefaultPageSize : Math.Min(request.PageSize, MaxPageSize);
        var query = new DeclarationQuery(
            caller.FilerId,
            pageSize + 1,
            request.Status == DeclarationStatus.Unspecified ? null : request.Status,
            start,
            end,
            string.IsNullOrEmpty(request.Reference) ? null : request.Reference);
        var fingerprint = PageTokens.Fingerprint(query);
        if (!string.IsNullOrEmpty(request.PageToken))
        {
            query = query with { After = PageTokens.Read(request.PageToken, fingerprint) };
        }

        // One row more than the page tells whether another page exists without a count query.
        var rows = await store.ListAsync(query, cancellationToken);
        var response = new ListDeclarationsResponse();
        var bytes = 0;
        foreach (var row in rows.Take(pageSize))
        {
            // A page stops early rather than outgrow a response message (AIP-158 allows short pages).
            bytes += row.CalculateSize();
            if (response.Declarations.Count > 0 && bytes > MaxPageBytes)
            {
                break;
            }
            response.Declarations.Add(FilerView.Of(row));
        }
        if (consignments is not null)
        {
            var linked = await consignments.WithMasterLinksAsync(response.Declarations, cancellationToken);
            response.Declarations.Clear();
            response.Declarations.AddRange(linked);
        }
        if (rows.Count > response.Declarations.Count)
        {
            response.NextPageToken = PageTokens.Issue(ListPosition.Of(response.Declarations[^1]), fingerprint);
        }
        return response;
    }

    /// <summary>Replaces the filer-supplied content of a declaration that has no decision yet.</summary>
    public async Task<Declaration> AmendAsync(CallerIdentity caller, AmendDeclarationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadDeclarationName(caller, request.Declaration?.Name, "declaration.name", violations);
        RequestChecks.CheckEtag(request.Etag, "the declaration this amendment is based on", violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.CheckSize(request.Declaration, "declaration", violations);
        violations.AddRange(DeclarationValidator.Validate(request.Declaration, "declaration", clock));
        violations.AddRange(_profiles.Check(request.Declaration, "declaration"));
        RequestChecks.ThrowIfAny(violations);

        var content = DeclarationContent.FilerSupplied(request.Declaration!);
        var hash = DeclarationContent.RequestHash("amend", key!.Name + "\n" + request.Etag, content);
        DecisionOutcome? redecided = null; // the decision of the change this call last decided; counted only if this call wrote it
        var (result, written) = await ChangeCountedAsync(caller, key, request.RequestId, hash, request.Etag, async current =>
        {
            redecided = null;
            if (!DeclarationStatuses.CanAmend(current.Status))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, "amended");
            }
            if (Lifecycles.HasArrived(current))
            {
                throw new GoodsArrivedException(key.Name, current.Clearance.ArriveTime, "amended");
            }
            var amended = DeclarationContent.Amended(current, content);
            // The split-shipment index follows the amended consignee and value; the assessment
            // stays that of the revision it names until the declaration is assessed again.
            var facts = FactsOf(amended, await store.GetAssessmentAsync(key, cancellationToken));
            var amendment = new Change(amended, DeclarationEventType.Amended, Facts: facts);
            if (amended.Status != DeclarationStatus.Accepted || assessor is not { DecidesOnArrival: true })
            {
                return amendment;
            }
            amended.Revision = current.Revision + 1; // the revision the assessment names
            var decided = await assessor.DecideAmendmentAsync(current, amendment, cancellationToken);
            redecided = decided?.Next.Decision.Outcome;
            return decided ?? amendment;
        }, cancellationToken);
        if (written && redecided is { } outcome)
        {
            metrics?.Decided(outcome, ExchangeMetrics.DecidedBy.RiskEngine);
        }
        if (result.Status == DeclarationStatus.Accepted)
        {
            accepted?.Raise(); // to be analysed again: wake the queue
        }
        return result;
    }

    /// <summary>Cancels (invalidates) a declaration before its goods arrive, while <see cref="Lifecycles.CanInvalidate"/> allows.</summary>
    public async Task<Declaration> CancelAsync(CallerIdentity caller, CancelDeclarationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadDeclarationName(caller, request.Name, "name", violations);
        RequestChecks.CheckEtag(request.Etag, "the declaration this cancellation is based on", violations);
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            violations.Add(new FieldViolation("reason", "Required: why the declaration is cancelled, 1 to 512 characters."));
        }
        else if (TextValues.Check(request.Reason, 1, 512) is { } problem)
        {
            violations.Add(new FieldViolation("reason", problem));
        }
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("cancel", key!.Name + "\n" + request.Etag + "\n" + request.Reason);
        return await ChangeAsync(caller, key, request.RequestId, hash, request.Etag, current =>
        {
            if (!Lifecycles.CanInvalidate(current))
            {
                throw new InvalidStateTransitionException(key.Name, current.Status, "cancelled");
            }
            if (Lifecycles.HasArrived(current))
            {
                throw new GoodsArrivedException(key.Name, current.Clearance.ArriveTime, "cancelled");
            }
            var cancelled = current.Clone();
            cancelled.Status = DeclarationStatus.Cancelled;
            Decisions.CloseReferrals(cancelled); // a Do Not Load ends with the filing it stopped
            return ValueTask.FromResult(new Change(cancelled, DeclarationEventType.Cancelled, request.Reason));
        }, cancellationToken);
    }

    /// <summary>
    /// Answers a referral customs opened (ICS2 IE3R02 / IE3R03). The referral becomes ANSWERED and
    /// waits for an officer; the declaration stays HELD.
    /// </summary>
    public async Task<Declaration> RespondToReferralAsync(CallerIdentity caller, RespondToReferralRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = Enforcement.ReferralAnswers.ReadName(caller, request.Name, violations);
        Enforcement.ReferralAnswers.Check(request.Response, clock.GetUtcNow(), violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        // Whether the answer is the kind the referral takes is a fact of the stored referral (its
        // type never changes), checked here so it is reported with every other field problem.
        if (key is not null && await store.GetAsync(key, cancellationToken) is { } stored
            && stored.Referrals.FirstOrDefault(r => r.Name == request.Name) is { } target
            && Enforcement.ReferralAnswers.KindMismatch(target.Type, request.Response) is { } mismatch)
        {
            violations.Add(mismatch);
            throw new ReferralAnswerMismatchException(violations);
        }
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("respond", request.Name, request.Response);
        ReferralType? answered = null; // the type of the referral this call last answered; counted only if this call wrote it
        var (result, written) = await ChangeCountedAsync(caller, key!, request.RequestId, hash, etag: null, current =>
        {
            var next = current.Clone();
            var referral = next.Referrals.FirstOrDefault(r => r.Name == request.Name)
                ?? throw new ResourceNotFoundException(request.Name);
            if (current.Status != DeclarationStatus.Held)
            {
                throw new InvalidStateTransitionException(key!.Name, current.Status, "answered for a referral (it is not held)");
            }
            if (Enforcement.ReferralAnswers.NotOpen(referral) is { } why)
            {
                throw new ReferralNotOpenException(request.Name, why);
            }
            referral.State = ReferralState.Answered;
            referral.Response = request.Response.Clone();
            referral.RespondTime = Timestamps.ToProto(Timestamps.Now(clock));
            answered = referral.Type;
            return ValueTask.FromResult(new Change(next, DeclarationEventType.ReferralAnswered, Referrals: [referral]));
        }, cancellationToken);
        if (written && answered is { } type)
        {
            metrics?.ReferralAnswered(type);
        }
        return result;
    }

    /// <summary>
    /// Answers a partner government agency's request for information on the filer's declaration:
    /// the request becomes ANSWERED; the agency sees the answer on the declaration it lists.
    /// </summary>
    public async Task<Declaration> RespondToAgencyRequestAsync(
        CallerIdentity caller, RespondToAgencyRequestRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = AgencyRequests.ReadName(caller, request.Name, violations);
        if (request.Response is null)
        {
            violations.Add(new FieldViolation("response", "Required: the answer, with a text of 1 to 2000 characters."));
        }
        else
        {
            Enforcement.ReferralAnswers.CheckInformation(request.Response, "response", violations);
        }
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("respond-agency", request.Name, request.Response!);
        return await ChangeAsync(caller, key!, request.RequestId, hash, etag: null, current =>
        {
            var next = current.Clone();
            var agencyRequest = next.AgencyRequests.FirstOrDefault(r => r.Name == request.Name)
                ?? throw new ResourceNotFoundException(request.Name);
            if (agencyRequest.State != AgencyRequestState.Open)
            {
                throw new AgencyRequestNotOpenException(request.Name, AgencyRequests.Label(agencyRequest.State));
            }
            agencyRequest.State = AgencyRequestState.Answered;
            agencyRequest.Response = request.Response!.Clone();
            agencyRequest.RespondTime = Timestamps.ToProto(Timestamps.Now(clock));
            return ValueTask.FromResult(new Change(next, DeclarationEventType.AgencyRequestAnswered, Request: agencyRequest));
        }, cancellationToken);
    }

    /// <summary>
    /// A postal item's arrival reported by its S10 identifier: the arrival of the filer's declaration
    /// that carries it (as <see cref="NotifyArrivalAsync"/>), or, when none does, an item that
    /// arrived with no advance data, recorded once for the performance report (US STOP Act).
    /// </summary>
    public async Task<NotifyItemArrivalResponse> NotifyItemArrivalAsync(
        CallerIdentity caller, NotifyItemArrivalRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        if (string.IsNullOrEmpty(request.ItemIdentifier))
        {
            violations.Add(new FieldViolation("item_identifier", "Required: the UPU S10 item identifier, e.g. RB123456785GB."));
        }
        else if (S10ItemIdentifier.Check(request.ItemIdentifier) is { } problem)
        {
            violations.Add(new FieldViolation("item_identifier", problem));
        }
        ArrivalNotices.Check(request.ArriveTime, request.ArrivalOffice, "", clock.GetUtcNow(), violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        // A retry gets the first answer whichever path that took, before the path is chosen again:
        // the post may have filed the item's data since (or cancelled it), and the retry must not
        // then record an arrival the first attempt did not.
        var requestId = string.IsNullOrEmpty(request.RequestId) ? null : request.RequestId;
        var noDataHash = DeclarationContent.RequestHash("arrive-without-data", request);
        if (requestId is not null && await EarlierItemArrivalAsync(caller.FilerId, requestId, request, noDataHash, cancellationToken) is { } earlier)
        {
            return earlier;
        }

        var carrying = await store.ListAsync(
            new DeclarationQuery(caller.FilerId, Limit: 20, Reference: request.ItemIdentifier), cancellationToken);
        // The newest declaration of the item still waiting for its goods; a cancelled filing is no advance data.
        var declared = carrying
            .Where(d => d.TransportDocument?.ItemIdentifier == request.ItemIdentifier && d.Status != DeclarationStatus.Cancelled)
            .OrderByDescending(d => d.CreateTime)
            .FirstOrDefault();
        if (declared is not null && ResourceNames.TryParseDeclaration(declared.Name, out var key))
        {
            var arrived = await ChangeAsync(caller, key, request.RequestId, ArrivalOnDeclarationHash(declared.Name, request), etag: null, current =>
                ValueTask.FromResult(ArrivalNotices.Change(current, request.ArriveTime, request.ArrivalOffice, "")),
                cancellationToken);
            return new NotifyItemArrivalResponse { Declaration = arrived };
        }
        if (postalArrivals is null)
        {
            throw new NodeUnavailableException("This node does not record arrivals without advance data.");
        }
        var arrival = new PostalArrivalWithoutData(
            caller.FilerId, request.ItemIdentifier, request.ItemIdentifier[^2..], // S10: the issuing post's country
            DeclarationIndex.ToUnixMicroseconds(request.ArriveTime), request.ArrivalOffice,
            DeclarationIndex.ToUnixMicroseconds(Timestamps.ToProto(Timestamps.Now(clock))));
        var recorded = await postalArrivals.RecordAsync(
            arrival, requestId is null ? null : new PostalArrivalRequest(requestId, noDataHash), cancellationToken);
        if (requestId is not null && !noDataHash.AsSpan().SequenceEqual(recorded.RequestHash))
        {
            throw new RequestIdReusedException("request_id"); // a racing request with this id and other content came first
        }
        if (recorded.Arrival == arrival)
        {
            metrics?.PostalItemWithoutAdvanceData(); // a repeat report of the item is not another item
        }
        return NoAdvanceData(recorded.Arrival);
    }

    /// <summary>What a request recorded as an arrival on declaration <paramref name="name"/> is hashed as.</summary>
    private static byte[] ArrivalOnDeclarationHash(string name, NotifyItemArrivalRequest request) =>
        DeclarationContent.RequestHash("arrive", name, request);

    private static NotifyItemArrivalResponse NoAdvanceData(PostalArrivalWithoutData arrival) => new()
    {
        AdvanceDataMissing = true,
        RecordTime = Timestamps.ToProto(Timestamps.FromUnixMicroseconds(arrival.RecordTime)),
    };

    /// <summary>
    /// The first answer to an item arrival under this request id, on either path: the declaration
    /// its arrival was recorded on, or the item recorded with no advance data. Null when there is
    /// none; the id used for a request with other content is refused.
    /// </summary>
    private async Task<NotifyItemArrivalResponse?> EarlierItemArrivalAsync(
        string filerId, string requestId, NotifyItemArrivalRequest request, byte[] noDataHash, CancellationToken cancellationToken)
    {
        if (await store.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken) is { } onDeclaration)
        {
            // Only a request that was recorded on that very declaration hashes alike.
            var hash = ArrivalOnDeclarationHash(onDeclaration.Response.Name, request);
            return onDeclaration.AnswerTo(hash).Kind == WriteOutcomeKind.Replayed
                ? new NotifyItemArrivalResponse { Declaration = await LinkedAsync(FilerView.Of(onDeclaration.Response), cancellationToken) }
                : throw new RequestIdReusedException("request_id");
        }
        if (postalArrivals is not null && await postalArrivals.FindRequestAsync(filerId, requestId, cancellationToken) is { } withoutData)
        {
            return noDataHash.AsSpan().SequenceEqual(withoutData.RequestHash)
                ? NoAdvanceData(withoutData.Arrival)
                : throw new RequestIdReusedException("request_id");
        }
        return null;
    }

    /// <summary>
    /// Records the arrival of the declaration's goods (ICS2 IE3N06). Goods whose assessment is
    /// complete are released in the same write (a STATUS_CHANGED event after the ARRIVED one);
    /// otherwise release waits for what is pending. No amendment or cancellation after this.
    /// </summary>
    public async Task<Declaration> NotifyArrivalAsync(CallerIdentity caller, NotifyArrivalRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadDeclarationName(caller, request.Name, "name", violations);
        ArrivalNotices.Check(request, clock.GetUtcNow(), violations);
        RequestChecks.CheckRequestId(request.RequestId, required: false, violations);
        RequestChecks.ThrowIfAny(violations);

        var hash = DeclarationContent.RequestHash("arrive", request.Name, request);
        return await ChangeAsync(caller, key!, request.RequestId, hash, etag: null, current =>
            ValueTask.FromResult(ArrivalNotices.Change(current, request.ArriveTime, request.ArrivalOffice, request.ConveyanceReference)),
            cancellationToken);
    }

    /// <summary>
    /// The presentation of the declaration's arrived goods for control (single filing). Presenting
    /// goods presented already answers with the declaration as it is.
    /// </summary>
    public async Task<Declaration> NotifyPresentationAsync(CallerIdentity caller, NotifyPresentationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var key = RequestChecks.ReadDeclarationName(caller, request.Name, "name", violations);
        RequestChecks.ThrowIfAny(violations);
        var presented = await Presentations.PresentAsync(_changes, store, key!, Actors.Of(caller), clock, cancellationToken);
        return await LinkedAsync(FilerView.Of(presented), cancellationToken);
    }

    /// <summary>
    /// The filer's events from the requested position on, then live, until cancelled. Each event
    /// is delivered once and in order: the position only moves forward, past events it has yielded.
    /// </summary>
    public async IAsyncEnumerable<DeclarationEvent> WatchAsync(
        CallerIdentity caller, WatchDeclarationEventsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        DeclarationKey? only = null;
        if (!string.IsNullOrEmpty(request.Declaration))
        {
            only = RequestChecks.ReadDeclarationName(caller, request.Declaration, "declaration", violations);
        }
        EventPosition? cursor = null;
        if (!string.IsNullOrEmpty(request.StartAfterCursor))
        {
            cursor = EventCursors.Read(request.StartAfterCursor);
        }
        RequestChecks.ThrowIfAny(violations);

        var last = await store.GetLastEventPositionAsync(caller.FilerId, cancellationToken);
        if (cursor > last)
        {
            // Not a position this filer's log has reached: a typo, or a cursor from another node's
            // data. Waiting for it would silently skip every event until then.
            throw new InvalidCursorException();
        }
        var events = LogFollower.FollowAsync(
            cursor ?? (request.IncludeHistory ? EventPosition.Start : last),
            (after, limit, ct) => store.ReadEventsAsync(caller.FilerId, after, limit, only?.DeclarationId, ct),
            e => EventCursors.Read(e.Cursor),
            signal, caller.FilerId, options.WatchBatchSize, options.WatchPollInterval, clock, cancellationToken);
        await foreach (var @event in events)
        {
            yield return FilerView.Of(@event);
        }
    }

    /// <summary>Writes what is still queued for a group commit, then stops taking submissions.</summary>
    public ValueTask DisposeAsync() => _submissions.DisposeAsync();

    private DeclarationWrite PrepareSubmission(CallerIdentity caller, string parent, Declaration? declaration, string requestId, string pathPrefix)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, parent, pathPrefix + "parent", violations);
        RequestChecks.CheckRequestId(requestId, required: true, violations);
        RequestChecks.CheckSize(declaration, pathPrefix + "declaration", violations);
        violations.AddRange(DeclarationValidator.Validate(declaration, pathPrefix + "declaration", clock));
        violations.AddRange(_profiles.Check(declaration, pathPrefix + "declaration"));
        RequestChecks.ThrowIfAny(violations);

        // The content is hashed before the node's fields are set, then becomes the recorded
        // declaration. It shares the request's parties and items (DeclarationContent's ownership
        // rule): the request itself is not changed, and nothing changes what the two share.
        var recorded = DeclarationContent.SharedFilerSupplied(declaration!);
        var hash = DeclarationContent.RequestHash("submit", recorded);
        var now = Timestamps.Now(clock);
        var key = new DeclarationKey(caller.FilerId, Guid.CreateVersion7(now).ToString("N"));
        DeclarationChanges.FirstRecord(recorded, key, MovementReferenceNumber.Issue(options.AdministrationCountryCode, now), now);
        var @event = DeclarationChanges.EventFor(recorded, DeclarationEventType.Accepted, "", Actors.Of(caller));
        return new DeclarationWrite(key, recorded, @event, requestId, hash, Facts: FactsOf(recorded, assessment: null));
    }

    /// <summary>
    /// Records prepared submissions in one transaction, decided on arrival when the assessor does
    /// that, and counts them. Static, so the group-commit writer can use it before the workflow's
    /// fields exist. Wakes the assessor's queue only when something was left ACCEPTED.
    /// </summary>
    private static async Task<IReadOnlyList<WriteOutcome>> RecordAsync(
        IDeclarationStore store,
        IReadOnlyList<DeclarationWrite> writes,
        string submission,
        Assessor? assessor,
        WorkPulse? accepted,
        ExchangeMetrics? metrics,
        CancellationToken cancellationToken)
    {
        var outcomes = assessor is { DecidesOnArrival: true }
            ? await assessor.InsertDecidedAsync(writes, cancellationToken)
            : await store.InsertManyAsync(writes, cancellationToken);
        metrics?.Accepted(outcomes, submission);
        if (outcomes.Any(o => o is { Kind: WriteOutcomeKind.Written, Declaration.Status: DeclarationStatus.Accepted }))
        {
            accepted?.Raise();
        }
        return outcomes;
    }

    /// <summary>
    /// The filer's answer to a submission. A declaration this call wrote is the workflow's own
    /// (prepared here, decided by the assessor, serialised by the store, held by no one else), so
    /// it becomes the filer's view in place; a replayed answer may be shared (a store's or cache's
    /// copy), so the view of it is a copy.
    /// </summary>
    private static Declaration SubmissionAnswer(Declaration declaration, WriteOutcome outcome) =>
        outcome.Kind == WriteOutcomeKind.Written ? FilerView.Owned(declaration) : FilerView.Of(declaration);

    /// <summary>What the store indexes next to a declaration for the split-shipment rule, with the given assessment.</summary>
    private DeclarationFacts FactsOf(Declaration declaration, Contracts.Enforcement.V1.RiskAssessment? assessment) =>
        new(ConsigneeKeys.Of(declaration.Consignee), IntrinsicValue.InBaseCents(declaration, rates), assessment, []);

    /// <summary>A filer's change to its own declaration, recorded under the filer's request id.</summary>
    private async Task<Declaration> ChangeAsync(
        CallerIdentity caller,
        DeclarationKey key,
        string requestId,
        byte[] hash,
        string? etag,
        Func<Declaration, ValueTask<Change>> change,
        CancellationToken cancellationToken) =>
        (await ChangeCountedAsync(caller, key, requestId, hash, etag, change, cancellationToken)).Declaration;

    /// <summary><see cref="ChangeAsync"/>, saying whether this call wrote the change (<see cref="DeclarationChanges.ApplyCountedAsync"/>).</summary>
    private async Task<AppliedChange> ChangeCountedAsync(
        CallerIdentity caller,
        DeclarationKey key,
        string requestId,
        byte[] hash,
        string? etag,
        Func<Declaration, ValueTask<Change>> change,
        CancellationToken cancellationToken)
    {
        var applied = await _changes.ApplyCountedAsync(
            key, string.IsNullOrEmpty(requestId) ? null : requestId, hash, etag, Actors.Of(caller), change, cancellationToken);
        return applied with { Declaration = await LinkedAsync(FilerView.Of(applied.Declaration), cancellationToken) };
    }

    /// <summary>The declaration with its link to its master consignment, when it names one.</summary>
    private async Task<Declaration> LinkedAsync(Declaration declaration, CancellationToken cancellationToken) =>
        consignments is null || declaration.TransportDocument?.MasterWaybill is not { Length: > 0 }
            ? declaration
            : (await consignments.WithMasterLinksAsync([declaration], cancellationToken))[0];
}

/// <summary>The answer to one item of a group submission: a declaration or a refusal.</summary>
public sealed record SubmissionResult(Declaration? Declaration, ExchangeException? Refusal);

/// <summary>A unary submission waiting for its group's transaction: the write and whose it is.</summary>
internal sealed record UnarySubmission(string FilerId, DeclarationWrite Write);

/// <summary>The answer to one unary submission: the response, or the refusal its outcome stands for.</summary>
internal sealed record UnaryAnswer(SubmitDeclarationResponse? Response, ExchangeException? Refusal);

/// <summary>Watch cursors: the entry's position in its log as text (<see cref="EventPosition"/>).</summary>
internal static class EventCursors
{
    public static EventPosition Read(string cursor) =>
        EventPosition.TryParse(cursor, out var position) ? position : throw new InvalidCursorException();

    /// <summary>A cursor of a log numbered by sequence alone (a party's notices): no transaction part.</summary>
    public static long ReadSequence(string cursor) =>
        Read(cursor) is { Transaction: 0 } position ? position.Sequence : throw new InvalidCursorException();
}

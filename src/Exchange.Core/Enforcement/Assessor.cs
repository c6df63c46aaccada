using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Duties;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;

namespace Exchange.Core.Enforcement;

/// <summary>
/// Assesses accepted declarations and decides: risk assessment, duty estimate, agency flags and
/// review holds, then release, hold with referrals, or reject, written with a DECIDED event.
///
/// With no <see cref="AssessmentOptions.Delay"/>, a filer's submission is decided before it is
/// first recorded (<see cref="InsertDecidedAsync"/>, one transaction for both). Everything else
/// goes through the queue: the store is the work queue, and every declaration still ACCEPTED once
/// the delay has passed since its last change is due (submissions under a delay, partners' shared
/// copies, on-arrival assessments that failed). So nothing acknowledged is left unassessed after
/// a crash, and several nodes can assess side by side: each decision is a compare-and-set on the
/// revision that was assessed, so a declaration amended or cancelled meanwhile (or decided by
/// another node) is simply not overwritten.
/// </summary>
public sealed class Assessor(
    IDeclarationStore store,
    IEventSignal signal,
    TimeProvider clock,
    RiskEngine engine,
    DutyCalculator duties,
    KnownShipperRegistry knownShippers,
    AgencySubscriptions agencies,
    ExchangeRates rates,
    AssessmentOptions options,
    ExchangeMetrics? metrics = null)
{
    private readonly DeclarationChanges _changes = new(store, signal, clock);

    /// <summary>
    /// Whether submissions are decided as they arrive (<see cref="InsertDecidedAsync"/>): when no
    /// assessment delay leaves the filer a window to correct them first.
    /// </summary>
    public bool DecidesOnArrival => options.Delay == TimeSpan.Zero;

    /// <summary>
    /// Records new submissions already decided, in one transaction: each accepted write becomes one
    /// write of the declaration decided, carrying its ACCEPTED event before its DECIDED one, so a
    /// submission costs one transaction instead of two (accept, then decide). Outcomes are the
    /// store's, in the order of <paramref name="accepted"/>. An item whose assessment fails is
    /// recorded as accepted, and the queue (<see cref="AssessDueAsync"/>) assesses it again.
    /// </summary>
    public async Task<IReadOnlyList<WriteOutcome>> InsertDecidedAsync(IReadOnlyList<DeclarationWrite> accepted, CancellationToken cancellationToken)
    {
        using var batch = AssessmentBatchScope.Start(metrics, accepted.Count);
        var writes = await DecideOnArrivalAsync(accepted, cancellationToken);
        var outcomes = await store.InsertManyAsync(writes, cancellationToken);
        batch.Decided(writes, outcomes);
        return outcomes;
    }

    /// <summary>
    /// The decided writes of <see cref="InsertDecidedAsync"/>. The split-shipment look-up counts
    /// what is recorded, the batch's earlier items and the item itself, as the queue would find
    /// them recorded.
    /// </summary>
    private async Task<IReadOnlyList<DeclarationWrite>> DecideOnArrivalAsync(
        IReadOnlyList<DeclarationWrite> accepted, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var consigneeKeys = accepted.Select(w => w.Facts?.ConsigneeKey ?? ConsigneeKeys.Of(w.Declaration.Consignee)).ToArray();
        IReadOnlyDictionary<string, ConsigneeActivity> recorded;
        try
        {
            recorded = await store.GetConsigneeActivityAsync(
                consigneeKeys.Distinct(StringComparer.Ordinal).ToList(), now - engine.SplitShipmentWindow, cancellationToken);
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return accepted; // the queue assesses them once the store answers again
        }

        var running = new Dictionary<string, ConsigneeActivity>(recorded, StringComparer.Ordinal);
        var writes = new DeclarationWrite[accepted.Count];
        for (var i = 0; i < accepted.Count; i++)
        {
            var write = accepted[i];
            var valueCents = write.Facts?.IntrinsicValueCents ?? IntrinsicValue.InBaseCents(write.Declaration, rates);
            // Saturating, as the stores' counters: an absurd value must not wrap the sum negative.
            var recent = ConsigneeActivityBuckets.Add(running, consigneeKeys[i], 1, valueCents);
            try
            {
                var decided = await DecideAsync(write.Declaration, consigneeKeys[i], recent, now, cancellationToken);
                writes[i] = decided with
                {
                    ExpectedRevision = 0,
                    RequestId = write.RequestId,
                    RequestHash = write.RequestHash,
                    Outbox = write.Outbox,
                    EarlierEvents = [.. write.Events],
                };
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                writes[i] = write;
            }
        }
        return writes;
    }

    /// <summary>
    /// Assesses one batch of due declarations. Returns how many were due (a full batch means: call
    /// again). A declaration whose assessment fails is held for an officer instead (and reported to
    /// <paramref name="failed"/>), so one bad declaration can never stop the queue behind it.
    /// </summary>
    public async Task<int> AssessDueAsync(CancellationToken cancellationToken, Action<string, Exception>? failed = null)
    {
        var now = clock.GetUtcNow();
        var due = await store.ListDueForAssessmentAsync(now - options.Delay, options.BatchSize, cancellationToken);
        metrics?.SawAssessmentQueue(due, now);
        if (due.Count == 0)
        {
            return 0;
        }
        using var batch = AssessmentBatchScope.Start(metrics, due.Count);
        var consigneeKeys = due.Select(d => ConsigneeKeys.Of(d.Consignee)).ToList();
        var activity = await store.GetConsigneeActivityAsync(
            consigneeKeys.Distinct(StringComparer.Ordinal).ToList(), now - engine.SplitShipmentWindow, cancellationToken);

        var writes = new List<DeclarationWrite>(due.Count);
        for (var i = 0; i < due.Count; i++)
        {
            try
            {
                // The store counts this declaration too (it is recorded already); absent only if it
                // has no consignee key match, e.g. written before the key existed.
                var recent = activity.GetValueOrDefault(consigneeKeys[i]) ?? new ConsigneeActivity(1, IntrinsicValue.InBaseCents(due[i], rates));
                writes.Add(await DecideAsync(due[i], consigneeKeys[i], recent, now, cancellationToken));
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                failed?.Invoke(due[i].Name, error);
                writes.Add(HoldForOfficer(due[i], consigneeKeys[i], now));
            }
        }
        var outcomes = await WriteAsync(writes, due, consigneeKeys, now, failed, cancellationToken);
        batch.Decided(writes, outcomes);
        foreach (var filerId in writes.Where((_, i) => outcomes[i].Kind == WriteOutcomeKind.Written).Select(w => w.Key.FilerId).Distinct())
        {
            signal.Notify(filerId);
        }
        return due.Count;
    }

    /// <summary>
    /// Writes the batch's decisions in one transaction. Should that fail, they are written one by
    /// one, and a decision that still fails is replaced by a hold for an officer, so one
    /// declaration cannot stop the queue behind it. (If the store itself is down, that fails too,
    /// and the batch is simply tried again later.)
    /// </summary>
    private async Task<IReadOnlyList<WriteOutcome>> WriteAsync(
        List<DeclarationWrite> writes, IReadOnlyList<Declaration> due, List<string> consigneeKeys, DateTimeOffset now,
        Action<string, Exception>? failed, CancellationToken cancellationToken)
    {
        try
        {
            return await store.UpdateManyAsync(writes, cancellationToken);
        }
        catch (Exception batchError) when (batchError is not OperationCanceledException && writes.Count > 1)
        {
            var outcomes = new List<WriteOutcome>(writes.Count);
            for (var i = 0; i < writes.Count; i++)
            {
                try
                {
                    outcomes.Add(await store.UpdateAsync(writes[i], cancellationToken));
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    failed?.Invoke(due[i].Name, error);
                    writes[i] = HoldForOfficer(due[i], consigneeKeys[i], now);
                    outcomes.Add(await store.UpdateAsync(writes[i], cancellationToken));
                }
            }
            return outcomes;
        }
    }

    /// <summary>The fallback when the automatic assessment failed: held, without referrals, for an officer to decide.</summary>
    private DeclarationWrite HoldForOfficer(Declaration declaration, string consigneeKey, DateTimeOffset now)
    {
        var key = ResourceNames.StoredDeclaration(declaration.Name);
        var next = declaration.Clone();
        next.Status = DeclarationStatus.Held;
        next.Decision = Decisions.Make(DecisionOutcome.Hold, Decisions.AutomaticReasons.HeldForOfficer, Actors.RiskEngine, Timestamps.ToProto(now));
        var facts = new DeclarationFacts(consigneeKey, IntrinsicValue.InBaseCents(declaration, rates), null, []);
        var change = new Change(next, DeclarationEventType.Decided, Decisions.AutomaticReasons.HeldForOfficer, facts);
        return _changes.Prepare(key!, declaration, change, Actors.RiskEngine, null, null);
    }

    /// <summary>
    /// A filer's amendment that sent a declaration back to be analysed again, decided at once
    /// (when the assessor <see cref="DecidesOnArrival"/>): one change, the amendment then the
    /// decision, so the filer's answer is the decided declaration and no queue round trip can
    /// change it under the filer's next etag. <paramref name="amendment"/>'s declaration must
    /// carry its new revision. Null when the assessment failed: the amendment is then recorded
    /// ACCEPTED and the queue assesses it.
    /// </summary>
    public async Task<Change?> DecideAmendmentAsync(Declaration current, Change amendment, CancellationToken cancellationToken)
    {
        var amended = amendment.Next;
        var now = clock.GetUtcNow();
        try
        {
            var consigneeKey = ConsigneeKeys.Of(amended.Consignee);
            var recorded = await store.GetConsigneeActivityAsync([consigneeKey], now - engine.SplitShipmentWindow, cancellationToken);
            // The split-shipment count as the queue would find it after the amendment is recorded:
            // the store counts this declaration with its value before the amendment, under its
            // consignee then (and only while it was created within the window).
            var running = new Dictionary<string, ConsigneeActivity>(recorded, StringComparer.Ordinal);
            if (ConsigneeKeys.Of(current.Consignee) == consigneeKey
                && current.CreateTime.ToDateTimeOffset() >= now - engine.SplitShipmentWindow
                && running.GetValueOrDefault(consigneeKey) is { } before)
            {
                // Take out the revision before the amendment (a saturated counter stays saturated).
                var without = before.ValueCents == long.MaxValue
                    ? long.MaxValue
                    : Math.Max(0, before.ValueCents - IntrinsicValue.InBaseCents(current, rates));
                running[consigneeKey] = new ConsigneeActivity(Math.Max(before.Consignments - 1, 0), without);
            }
            var recent = ConsigneeActivityBuckets.Add(running, consigneeKey, 1, IntrinsicValue.InBaseCents(amended, rates));
            var decision = await DecisionAsync(amended, consigneeKey, recent, now, cancellationToken);
            return decision with { Earlier = amendment, Actor = Actors.RiskEngine };
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<DeclarationWrite> DecideAsync(
        Declaration declaration,
        string consigneeKey,
        ConsigneeActivity recent,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var key = ResourceNames.StoredDeclaration(declaration.Name);
        var decision = await DecisionAsync(declaration, consigneeKey, recent, now, cancellationToken);
        return _changes.Prepare(key!, declaration, decision, Actors.RiskEngine, null, null);
    }

    /// <summary>The risk engine's decision on <paramref name="declaration"/>: assessment, duty estimate, agency holds, then release, hold with referrals, or reject.</summary>
    private async Task<Change> DecisionAsync(
        Declaration declaration,
        string consigneeKey,
        ConsigneeActivity recent,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        using var span = ExchangeActivities.StartDecision(declaration.Name, Actors.RiskEngine);
        var key = ResourceNames.StoredDeclaration(declaration.Name);
        var acceptedAt = declaration.CreateTime.ToDateTimeOffset();
        var valueCents = IntrinsicValue.InBaseCents(declaration, rates);
        var enrolment = await knownShippers.FindCountingAsync(declaration, acceptedAt, cancellationToken);

        var assessment = engine.Assess(declaration, new RiskContext(now, enrolment, recent));
        assessment.Name = key!.Name + "/riskAssessment";
        assessment.DeclarationRevision = declaration.Revision;
        var matches = await agencies.MatchAsync(declaration, cancellationToken);
        assessment.FlaggedAgencies.AddRange(matches.Select(m => AgencyIdentity.Prefix + m.AgencyId));

        var at = Timestamps.ToProto(now);
        // The decision changes only the server-owned part; the filer's parties and items are
        // shared with the declaration assessed (DeclarationContent's ownership rule).
        var next = DeclarationContent.NextRevisionOf(declaration);
        next.DutyEstimate = duties.Estimate(declaration, acceptedAt);
        // An agency already holding it (held since an earlier assessment) is not held twice.
        foreach (var match in matches.Where(m => m.HoldForReview
            && !next.AgencyHolds.Any(h => h.Agency == AgencyIdentity.Prefix + m.AgencyId && h.LiftTime is null)))
        {
            next.AgencyHolds.Add(new AgencyHold
            {
                Agency = AgencyIdentity.Prefix + match.AgencyId,
                Reason = "Held for review by the agency.",
                CreateTime = at,
            });
        }

        var (outcome, reason) = assessment.RecommendedOutcome switch
        {
            DecisionOutcome.Reject => (DecisionOutcome.Reject, Decisions.AutomaticReasons.Rejected),
            DecisionOutcome.Hold => (DecisionOutcome.Hold, Decisions.AutomaticReasons.HeldForReferrals),
            _ when next.AgencyHolds.Any(h => h.LiftTime is null) => (DecisionOutcome.Hold, Decisions.AutomaticReasons.HeldForAgencies),
            _ => (DecisionOutcome.Release, Decisions.AutomaticReasons.ReleaseOf(declaration)),
        };
        var opened = new List<Referral>();
        if (outcome == DecisionOutcome.Hold)
        {
            foreach (var type in assessment.ReferralTypes)
            {
                var referral = new Referral
                {
                    Name = $"{key.Name}/referrals/{next.Referrals.Count + 1}",
                    Type = type,
                    State = ReferralState.Open,
                    RequestText = engine.ReferralText(type),
                    RecommendedScreeningMethod = type == ReferralType.HrcmScreening ? engine.RecommendedScreeningMethod : "",
                    CreateTime = at,
                    Reference = ReferralAnswers.Reference(key, next.Referrals.Count + 1),
                    TransportDocument = DeclarationContent.ItemReference(next),
                };
                next.Referrals.Add(referral);
                opened.Add(referral);
            }
        }
        // On next, which carries the estimate: goods that arrived before their assessment may owe a
        // payment their release waits for (Revenue.DutyAssessments.AwaitsPayment).
        next.Status = Decisions.StatusFor(outcome, next);
        next.Decision = Decisions.Make(outcome, reason, Actors.RiskEngine, at);

        var facts = new DeclarationFacts(consigneeKey, valueCents, assessment, matches.Select(m => m.AgencyId).ToList());
        return new Change(next, DeclarationEventType.Decided, reason, facts, opened);
    }
}

/// <summary>How the node assesses accepted declarations.</summary>
public sealed class AssessmentOptions
{
    /// <summary>
    /// How long after acceptance (or the latest amendment) a declaration waits before it is
    /// assessed: a window in which the filer may still correct or cancel it. Zero decides at once.
    /// </summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Declarations assessed and decided per store transaction.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How often the queue is checked when nothing wakes the assessor (work of other nodes, delays).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

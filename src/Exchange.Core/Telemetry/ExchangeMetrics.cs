using System.Diagnostics;
using System.Diagnostics.Metrics;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;

namespace Exchange.Core.Telemetry;

/// <summary>
/// The node's own metrics, on the <see cref="MeterName"/> meter (System.Diagnostics.Metrics: no
/// exporter, no ASP.NET here; the host decides where they go). Names and labels are stable: the
/// dashboards and alerts of an administration are built on them (docs/observability.md lists
/// them with their units). Counters count what was durably written, never a replayed retry.
///
/// One instance per node (the host's <see cref="IMeterFactory"/> scopes its meter), so nodes
/// hosted side by side in one process, as tests do, keep their own.
/// </summary>
public sealed class ExchangeMetrics : IDisposable
{
    public const string MeterName = "Exchange";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _decisions;
    private readonly Histogram<double> _assessmentDuration;
    private readonly Histogram<int> _assessmentBatchSize;
    private readonly Counter<long> _referralsAnswered;
    private readonly Counter<long> _dispositions;
    private readonly Counter<long> _agencyHoldsPlaced;
    private readonly Counter<long> _postalWithoutData;
    private readonly Histogram<double> _storeDuration;
    private long _oldestDueTicks;

    /// <param name="meterFactory">The host's factory; null creates an unscoped meter (tools, tests of the core).</param>
    public ExchangeMetrics(IMeterFactory? meterFactory = null)
    {
        var options = new MeterOptions(MeterName) { Version = ExchangeActivities.Version };
        _meter = meterFactory?.Create(options) ?? new Meter(options);
        _ownsMeter = meterFactory is null;

        _accepted = _meter.CreateCounter<long>(
            "exchange.declarations.accepted", "{declaration}",
            "Declarations accepted and durably recorded, by channel (postal, express, cargo) and submission (unary, bulk).");
        _decisions = _meter.CreateCounter<long>(
            "exchange.decisions", "{decision}",
            "Decisions written, by outcome (release, hold, reject, seize, return_to_sender) and decided_by "
            + "(risk-engine, officer, agency-release: released when the last agency hold was lifted).");
        _assessmentDuration = _meter.CreateHistogram(
            "exchange.assessment.duration", "s",
            "Time to assess and decide one batch of due declarations, store writes included, by outcome (ok, error).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _assessmentBatchSize = _meter.CreateHistogram(
            "exchange.assessment.batch.size", "{declaration}",
            "Declarations assessed per batch (one store transaction).",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000] });
        _dispositions = _meter.CreateCounter<long>(
            "exchange.dispositions", "{declaration}",
            "Dispositions of held goods recorded by officers, by type (seized, abandoned, destroyed, returned_to_sender, invalidated).");
        _referralsAnswered = _meter.CreateCounter<long>(
            "exchange.referrals.answered", "{referral}",
            "Referrals answered by filers, by referral_type (request_for_information, hrcm_screening, do_not_load).");
        _postalWithoutData = _meter.CreateCounter<long>(
            "exchange.postal.items_without_advance_data", "{item}",
            "Postal items reported arrived that no declaration of the reporting post carries (US STOP Act: advance data for every item).");
        _agencyHoldsPlaced = _meter.CreateCounter<long>(
            "exchange.agency_holds.placed", "{hold}",
            "Agency holds placed, by placed_by: agency (an agency's call) or risk-engine (the agency subscribed to hold for review).");
        _storeDuration = _meter.CreateHistogram(
            "exchange.store.operation.duration", "s",
            "Duration of each call into the declaration store, by operation (insert, update_many, get, ...) and outcome (ok, error, cancelled).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });
        _meter.CreateObservableGauge(
            "exchange.assessment.queue.oldest_age", ObserveOldestDueAge, "s",
            "How long the oldest declaration due for assessment has been waiting, as of the assessor's latest look at the queue (0: none due).");
    }

    /// <summary>Bucket bounds in seconds, from 0.5 ms to 10 s: store calls and assessment batches both fall in there.</summary>
    private static readonly double[] SecondsBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Counts the declarations a submission wrote (a replayed retry or a refusal counts nothing).</summary>
    public void Accepted(WriteOutcome outcome, string submission)
    {
        if (outcome is { Kind: WriteOutcomeKind.Written, Declaration: { } declaration })
        {
            _accepted.Add(1, new("channel", Labels.Of(declaration.Channel)), new("submission", submission));
        }
    }

    /// <inheritdoc cref="Accepted(WriteOutcome, string)"/>
    public void Accepted(IEnumerable<WriteOutcome> outcomes, string submission)
    {
        foreach (var outcome in outcomes)
        {
            Accepted(outcome, submission);
        }
    }

    /// <summary>Counts one decision written.</summary>
    public void Decided(DecisionOutcome outcome, string decidedBy) =>
        _decisions.Add(1, new("outcome", Labels.Of(outcome)), new("decided_by", decidedBy));

    /// <summary>Counts the decisions (and automatic agency holds) of an assessment batch that were written.</summary>
    public void Decided(IReadOnlyList<DeclarationWrite> writes, IReadOnlyList<WriteOutcome> outcomes, string decidedBy)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            if (outcomes[i].Kind != WriteOutcomeKind.Written || writes[i].Declaration.Decision is not { } decision)
            {
                continue;
            }
            Decided(decision.Outcome, decidedBy);
            // The holds the assessment placed carry the decision's time; an agency's earlier ones do not.
            var holds = writes[i].Declaration.AgencyHolds.Count(h => Equals(h.CreateTime, decision.DecideTime));
            if (holds > 0)
            {
                _agencyHoldsPlaced.Add(holds, new KeyValuePair<string, object?>("placed_by", decidedBy));
            }
        }
    }

    /// <summary>Counts one disposition written.</summary>
    public void Disposed(DispositionType type) =>
        _dispositions.Add(1, new KeyValuePair<string, object?>("type", Enforcement.Dispositions.Label(type).ToLowerInvariant()));

    public void ReferralAnswered(ReferralType type) =>
        _referralsAnswered.Add(1, new KeyValuePair<string, object?>("referral_type", Labels.Of(type)));

    public void PostalItemWithoutAdvanceData() => _postalWithoutData.Add(1);

    public void AgencyHoldPlaced(string placedBy) =>
        _agencyHoldsPlaced.Add(1, new KeyValuePair<string, object?>("placed_by", placedBy));

    /// <summary>Records one assessment batch: its size and how long it took.</summary>
    public void AssessmentBatch(int size, TimeSpan elapsed, bool succeeded)
    {
        _assessmentBatchSize.Record(size);
        _assessmentDuration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "error"));
    }

    /// <summary>What the assessor found due (oldest first) when it looked at the queue at <paramref name="now"/>.</summary>
    public void SawAssessmentQueue(IReadOnlyList<Declaration> dueOldestFirst, DateTimeOffset now)
    {
        var age = dueOldestFirst.Count == 0 || dueOldestFirst[0].UpdateTime is null
            ? TimeSpan.Zero
            : now - dueOldestFirst[0].UpdateTime.ToDateTimeOffset();
        Interlocked.Exchange(ref _oldestDueTicks, Math.Max(0, age.Ticks));
    }

    /// <summary>Observes the audit trail's queue and losses (call once, when the node creates its trail).</summary>
    public void ObserveAuditTrail(Audit.AuditTrail trail)
    {
        ArgumentNullException.ThrowIfNull(trail);
        _meter.CreateObservableUpDownCounter("exchange.audit.entries.queued", () => trail.Queued, "{entry}",
            "Audit entries held in memory, queued or being written; it grows while the store fails.");
        _meter.CreateObservableCounter("exchange.audit.entries.dropped", () => trail.Dropped, "{entry}",
            "Audit entries lost: turned away by the full queue, or still queued when a shutdown gave up on the store.");
    }

    /// <summary>Records one call into the store.</summary>
    public void StoreOperation(string operation, string outcome, TimeSpan elapsed) =>
        _storeDuration.Record(elapsed.TotalSeconds, new("operation", operation), new("outcome", outcome));

    public void Dispose()
    {
        if (_ownsMeter)
        {
            _meter.Dispose();
        }
    }

    private double ObserveOldestDueAge() => TimeSpan.FromTicks(Interlocked.Read(ref _oldestDueTicks)).TotalSeconds;

    /// <summary>Values of the <c>decided_by</c> label.</summary>
    public static class DecidedBy
    {
        /// <summary>The automatic assessment (<see cref="Identity.Actors.RiskEngine"/>).</summary>
        public const string RiskEngine = Identity.Actors.RiskEngine;

        public const string Officer = "officer";

        /// <summary>Released automatically when an agency lifted the last hold on a declaration the assessment would have released.</summary>
        public const string AgencyRelease = "agency-release";
    }

    /// <summary>Values of the <c>submission</c> label.</summary>
    public static class Submissions
    {
        public const string Unary = "unary";
        public const string Bulk = "bulk";
    }

    /// <summary>Values of the <c>placed_by</c> label of agency holds.</summary>
    public static class PlacedBy
    {
        public const string Agency = "agency";
        public const string RiskEngine = Identity.Actors.RiskEngine;
    }
}

/// <summary>
/// Label values of contract enums: the proto value name without its enum prefix, lower case,
/// e.g. DECISION_OUTCOME_RETURN_TO_SENDER is "return_to_sender". Computed once per value.
/// </summary>
public static class Labels
{
    public static string Of<T>(T value) where T : struct, Enum => Cache<T>.Names.TryGetValue(value, out var name) ? name : "unknown";

    private static class Cache<T> where T : struct, Enum
    {
        public static readonly Dictionary<T, string> Names = Enum.GetValues<T>().Distinct().ToDictionary(v => v, Snake);

        private static string Snake(T value)
        {
            var text = value.ToString();
            var builder = new System.Text.StringBuilder(text.Length + 4);
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsUpper(text[i]) && i > 0)
                {
                    builder.Append('_');
                }
                builder.Append(char.ToLowerInvariant(text[i]));
            }
            return builder.ToString();
        }
    }
}

/// <summary>
/// The node's own spans, on the <see cref="SourceName"/> activity source: one per assessment
/// batch, one per decision, one per store call inside a traced request or batch.
/// </summary>
public static class ExchangeActivities
{
    public const string SourceName = "Exchange";

    public static readonly string Version = typeof(ExchangeActivities).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    public static readonly ActivitySource Source = new(SourceName, Version);

    /// <summary>Span names.</summary>
    public const string AssessmentBatchName = "exchange.assessment.batch";

    public const string DecisionName = "exchange.decision";

    /// <summary>Tag of a decision span: the declaration's resource name.</summary>
    public const string DeclarationTag = "exchange.declaration";

    /// <summary>A span around one decision on <paramref name="declaration"/> (null when nothing listens).</summary>
    public static Activity? StartDecision(string? declaration, string decidedBy) =>
        Source.StartActivity(DecisionName)?
            .SetTag(DeclarationTag, declaration)
            .SetTag("exchange.decided_by", decidedBy);

    /// <summary>A span for one store call, only inside a traced request or batch: idle polling of the queue makes no traces.</summary>
    public static Activity? StartStoreCall(string operation) =>
        Activity.Current is null ? null : Source.StartActivity("exchange.store." + operation, ActivityKind.Client)?.SetTag("db.operation.name", operation);
}

/// <summary>
/// One assessment batch being timed and traced: dispose it when the batch ends. A batch that
/// ended without <see cref="Decided"/> failed, and its span says so.
/// </summary>
public sealed class AssessmentBatchScope : IDisposable
{
    private readonly ExchangeMetrics? _metrics;
    private readonly int _size;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Activity? _activity;
    private bool _succeeded;

    private AssessmentBatchScope(ExchangeMetrics? metrics, int size)
    {
        _metrics = metrics;
        _size = size;
        _activity = ExchangeActivities.Source.StartActivity(ExchangeActivities.AssessmentBatchName)?.SetTag("exchange.batch.size", size);
    }

    public static AssessmentBatchScope Start(ExchangeMetrics? metrics, int size) => new(metrics, size);

    /// <summary>The batch was written: counts its decisions.</summary>
    public void Decided(IReadOnlyList<DeclarationWrite> writes, IReadOnlyList<WriteOutcome> outcomes)
    {
        _succeeded = true;
        _metrics?.Decided(writes, outcomes, ExchangeMetrics.DecidedBy.RiskEngine);
        _activity?.SetTag("exchange.batch.written", outcomes.Count(o => o.Kind == WriteOutcomeKind.Written));
    }

    public void Dispose()
    {
        _metrics?.AssessmentBatch(_size, Stopwatch.GetElapsedTime(_started), _succeeded);
        if (_activity is not null)
        {
            _activity.SetStatus(_succeeded ? ActivityStatusCode.Ok : ActivityStatusCode.Error);
            _activity.Dispose();
        }
    }
}

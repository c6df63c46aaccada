using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Reporting;

/// <summary>The request checks, the windows asked of the store, the measures and the targets against their baseline.</summary>
public sealed class ReportingWorkflowTests
{
    private static readonly OfficerIdentity Officer = new("officer-1");
    private static readonly DateTimeOffset July = new(2026, 7, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly ExchangeRates Rates = new("EUR", new Dictionary<string, decimal> { ["USD"] = 1.25m }, new DateOnly(2026, 7, 1));

    private static long Micros(DateTimeOffset time) => DeclarationIndex.CeilingUnixMicroseconds(time);

    private static GetPerformanceReportRequest Request(Period period, DateTimeOffset start, DateTimeOffset end, GroupBy groupBy = GroupBy.Unspecified) => new()
    {
        Period = period,
        StartTime = Timestamp.FromDateTimeOffset(start),
        EndTime = Timestamp.FromDateTimeOffset(end),
        GroupBy = groupBy,
    };

    private static ReportingWorkflow Workflow(FakeReportStore store, ReportingOptions? options = null) =>
        new(store, options ?? new ReportingOptions(), Rates, new FixedClock(July.AddMonths(2)));

    private static MeasureAggregate Aggregate(long windowStart, string group, long received, long decided, long released) => new(
        windowStart, group, received, Assessed: received, CompleteData: received, decided, released, HeldFirst: decided - released, Refused: 0,
        AgencyHolds: 0, Compliant: received, Duty: [], Tax: [], DecisionMedianMicros: 2e6, DecisionP90Micros: 30e6,
        ReferralsAnswered: 0, ReferralResponseMedianMicros: 0);

    private static async Task<ValidationFailedException> Refused(GetPerformanceReportRequest request) =>
        await Assert.ThrowsAsync<ValidationFailedException>(() =>
            Workflow(new FakeReportStore()).GetPerformanceReportAsync(Officer, request, CancellationToken.None));

    [Fact]
    public async Task An_empty_request_names_every_missing_field()
    {
        var refused = await Refused(new GetPerformanceReportRequest());

        Assert.Equal(["period", "start_time", "end_time"], refused.Violations.Select(v => v.Field));
    }

    [Fact]
    public async Task A_start_between_window_starts_an_end_before_the_start_and_an_unknown_grouping_are_refused_together()
    {
        var request = Request(Period.Day, July.AddHours(3), July.AddHours(2));
        request.GroupBy = (GroupBy)9;

        var refused = await Refused(request);

        Assert.Equal(["start_time", "group_by", "end_time"], refused.Violations.Select(v => v.Field));
        Assert.Contains("UTC day", refused.Violations[0].Description, StringComparison.Ordinal);
        Assert.Equal("Must be after start_time.", refused.Violations[2].Description);
    }

    [Fact]
    public async Task At_most_1000_windows()
    {
        // 1000 hours is fine; 1001 is not.
        await Workflow(new FakeReportStore()).GetPerformanceReportAsync(Officer, Request(Period.Hour, July, July.AddHours(1000)), CancellationToken.None);
        var refused = await Refused(Request(Period.Hour, July, July.AddHours(1000).AddMinutes(1)));

        var violation = Assert.Single(refused.Violations);
        Assert.Equal("end_time", violation.Field);
        Assert.Contains("1000", violation.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Months_are_calendar_months_and_the_last_window_ends_at_the_end_time()
    {
        var store = new FakeReportStore();
        await Workflow(store).GetPerformanceReportAsync(Officer, Request(Period.Month, July, July.AddMonths(2).AddDays(10)), CancellationToken.None);

        var windows = store.Queries[0];
        Assert.Equal([Micros(July), Micros(July.AddMonths(1)), Micros(July.AddMonths(2))], windows.WindowStarts);
        Assert.Equal(Micros(July.AddMonths(2).AddDays(10)), windows.End);
        // The total is one window over the whole range.
        var total = store.Queries[1];
        Assert.Equal([Micros(July)], total.WindowStarts);
        Assert.Equal((windows.End, ReportGrouping.None), (total.End, total.Grouping));
    }

    [Fact]
    public async Task Rows_carry_the_measures_with_amounts_in_the_base_currency_and_filers_by_name()
    {
        var store = new FakeReportStore
        {
            Answer = query => query.Grouping == ReportGrouping.Filer
                ? [Aggregate(Micros(July), "filer-a", 4, 4, 3) with
                {
                    Duty = [new MoneySum("EUR", 3_000_000), new MoneySum("USD", 10_000_000)],
                    Tax = [new MoneySum("USD", 1_000_005)],
                    ReferralsAnswered = 2, ReferralResponseMedianMicros = 90_500_000,
                }]
                : [],
        };

        var report = await Workflow(store).GetPerformanceReportAsync(Officer, Request(Period.Day, July, July.AddDays(1), GroupBy.Filer), CancellationToken.None);

        var row = Assert.Single(report.Rows);
        Assert.Equal("filers/filer-a", row.Group);
        Assert.Equal(Timestamp.FromDateTimeOffset(July), row.WindowStart);
        var m = row.Measures;
        Assert.Equal((4L, 4L, 0.75, 0.25, 1.0), (m.DeclarationsReceived, m.DeclarationsDecided, m.ReleaseRate, m.HoldRate, m.CompleteAdvanceDataShare));
        Assert.Equal((2.0, 30.0, 90.5, 2L), (m.DecisionTimeMedianSeconds, m.DecisionTimeP90Seconds, m.ReferralResponseTimeMedianSeconds, m.ReferralsAnswered));
        // EUR 3 + USD 10 / 1.25 = EUR 11; USD 1.000005 / 1.25 = EUR 0.800004, to the cent 0.80.
        Assert.Equal(("EUR", 11L, 0), (m.DutyEstimated.CurrencyCode, m.DutyEstimated.Units, m.DutyEstimated.Nanos));
        Assert.Equal(("EUR", 0L, 800_000_000), (m.TaxEstimated.CurrencyCode, m.TaxEstimated.Units, m.TaxEstimated.Nanos));
        // No total from the fake: all zero, in the base currency.
        Assert.Equal((0L, "EUR"), (report.Total.DeclarationsReceived, report.Total.DutyEstimated.CurrencyCode));
        Assert.Equal(Timestamp.FromDateTimeOffset(July.AddMonths(2)), report.ComputeTime);
    }

    [Fact]
    public async Task Without_a_configured_baseline_targets_compare_with_the_first_period_of_data()
    {
        // The first declaration at 05:00 on 1 July: the first period of data is 1 July.
        var baselineDay = July;
        var store = new FakeReportStore
        {
            FirstCreateTime = Micros(July.AddHours(5)),
            Answer = query => query.WindowStarts[0] == Micros(baselineDay) && query.End == Micros(baselineDay.AddDays(1))
                ? [Aggregate(query.WindowStarts[0], "", 10, 10, 8)]
                : query.WindowStarts[0] == Micros(July.AddDays(10)) ? [Aggregate(query.WindowStarts[0], "", 10, 10, 9)] : [],
        };
        var options = new ReportingOptions { Targets = [.. ReportingOptions.DefaultTargets] };
        options.Targets.Add(new TargetOptions { Measure = "referral_response_time_median_seconds", Target = 3600, HigherIsBetter = false });

        var report = await Workflow(store, options).GetPerformanceReportAsync(
            Officer, Request(Period.Day, July.AddDays(10), July.AddDays(11)), CancellationToken.None);

        Assert.Equal(
            [
                ("release_rate", 0.9, true, 0.8, 0.9, true),
                ("decision_time_p90_seconds", 60.0, false, 30.0, 30.0, true),
                ("complete_advance_data_share", 0.95, true, 1.0, 1.0, true),
                ("filer_compliance_rate", 0.9, true, 1.0, 1.0, true),
                // No postal item and no referral of either type: no value, so those targets are not
                // met (a share of 0 over nothing, or 0 s, is not an achievement).
                ("postal_no_advance_data_share", 0.0, false, 0.0, 0.0, false),
                ("information_response_time_median_seconds", 86_400.0, false, 0.0, 0.0, false),
                ("screening_response_time_median_seconds", 14_400.0, false, 0.0, 0.0, false),
                // No revenue was assessed: no value, so the target is not met.
                ("revenue_collection_rate", 0.95, true, 0.0, 0.0, false),
                // No referral was answered: no value, so the target is not met (0 s is not a fast answer).
                ("referral_response_time_median_seconds", 3600.0, false, 0.0, 0.0, false),
            ],
            report.Targets.Select(t => (t.Measure, t.Target, t.HigherIsBetter, t.Baseline, t.Current, t.Met)));
        Assert.All(report.Targets, t => Assert.Equal("2026-07-01T00:00:00Z/2026-07-02T00:00:00Z", t.BaselinePeriod));
    }

    [Fact]
    public async Task A_configured_baseline_period_is_used_as_given_and_a_target_can_be_missed()
    {
        var store = new FakeReportStore
        {
            FirstCreateTime = Micros(July),
            Answer = query => query.WindowStarts[0] == Micros(July) && query.End == Micros(July.AddMonths(1))
                ? [Aggregate(query.WindowStarts[0], "", 100, 100, 50)]
                : [Aggregate(query.WindowStarts[0], "", 10, 10, 7)],
        };
        var options = new ReportingOptions
        {
            Targets = [new TargetOptions { Measure = "release_rate", Target = 0.9, HigherIsBetter = true }],
            BaselineStart = July,
            BaselineEnd = July.AddMonths(1),
        };

        var report = await Workflow(store, options).GetPerformanceReportAsync(
            Officer, Request(Period.Hour, July.AddMonths(1), July.AddMonths(1).AddHours(2)), CancellationToken.None);

        var target = Assert.Single(report.Targets);
        Assert.Equal((0.5, 0.7, false, "2026-07-01T00:00:00Z/2026-08-01T00:00:00Z"), (target.Baseline, target.Current, target.Met, target.BaselinePeriod));
    }

    [Fact]
    public async Task Without_data_there_is_no_baseline_period()
    {
        var options = new ReportingOptions { Targets = [.. ReportingOptions.DefaultTargets] };
        var report = await Workflow(new FakeReportStore(), options).GetPerformanceReportAsync(
            Officer, Request(Period.Day, July, July.AddDays(1)), CancellationToken.None);

        Assert.All(report.Targets, t => Assert.Equal(("", 0.0, false), (t.BaselinePeriod, t.Baseline, t.Met)));
    }

    [Fact]
    public void Options_name_every_problem()
    {
        var options = new ReportingOptions
        {
            Targets =
            [
                new TargetOptions { Measure = "release_rate", Target = 0.9 },
                new TargetOptions { Measure = "release_rate", Target = 0.8 },
                new TargetOptions { Measure = "happiness", Target = double.NaN },
            ],
            BaselineStart = July,
        };

        var problems = options.Problems();

        Assert.Equal(4, problems.Count);
        Assert.Contains("Targets:1:Measure 'release_rate' has a target already", problems[0], StringComparison.Ordinal);
        Assert.Contains("Targets:2:Measure 'happiness' is not a measure", problems[1], StringComparison.Ordinal);
        Assert.Contains("Targets:2:Target must be a finite number", problems[2], StringComparison.Ordinal);
        Assert.Contains("BaselineStart and BaselineEnd", problems[3], StringComparison.Ordinal);
        Assert.Empty(new ReportingOptions { Targets = [.. ReportingOptions.DefaultTargets] }.Problems());
    }

    private sealed class FakeReportStore : IReportStore
    {
        public List<ReportQuery> Queries { get; } = [];

        public Func<ReportQuery, IReadOnlyList<MeasureAggregate>> Answer { get; init; } = _ => [];

        public long? FirstCreateTime { get; init; }

        public Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken)
        {
            query.Windows(); // the workflow only asks for well-formed windows
            Queries.Add(query);
            return Task.FromResult(Answer(query));
        }

        public Task<long?> GetFirstCreateTimeAsync(CancellationToken cancellationToken) => Task.FromResult(FirstCreateTime);

        public Task<IReadOnlyList<IossMonthlySum>> ListIossMonthlySumsAsync(
            string? iossNumber, string? month, IossMonthlySum? after, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The report does not read the IOSS totals.");
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [Fact]
    public void Seizures_and_returns_decided_without_a_legal_basis_are_reported_as_missing_one()
    {
        var aggregate = Aggregate(0, "", received: 10, decided: 10, released: 5) with
        {
            Dispositions =
            [
                new((int)Contracts.Declaration.V1.DispositionType.Seized, "", 2), // DecideDeclaration SEIZE: no legal basis
                new((int)Contracts.Declaration.V1.DispositionType.Seized, "ART-198", 1),
                new((int)Contracts.Declaration.V1.DispositionType.ReturnedToSender, "", 1),
                new((int)Contracts.Declaration.V1.DispositionType.Invalidated, "", 1), // the Do Not Load is its ground
            ],
        };

        var counts = ReportMeasures.Of(aggregate, Rates).Proto.DispositionsByReason;

        Assert.Equal(
            [("SEIZED", "", true), ("SEIZED", "ART-198", false), ("RETURNED_TO_SENDER", "", true), ("INVALIDATED", "", false)],
            counts.Select(c => (Dispositions.Label(c.Type), c.LegalBasisCode, c.LegalBasisMissing)));
    }
}

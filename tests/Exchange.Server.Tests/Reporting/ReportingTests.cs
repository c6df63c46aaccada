using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Reporting;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Tests.Reporting;

/// <summary>
/// GetPerformanceReport end to end on a node that decides at once: real submissions, a held
/// declaration whose referral the filer answers and an officer releases, then the report.
/// </summary>
public sealed class ReportingTests : IDisposable
{
    private const string Filer = "swift-express";
    private const string Officer = "officer-visser";

    // The test's data lies within [yesterday, tomorrow) whatever the time of day it runs at.
    private static readonly DateTimeOffset Yesterday = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);
    private static readonly DateTimeOffset Tomorrow = Yesterday.AddDays(2);

    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode(new Dictionary<string, string?>
    {
        ["Exchange:Reporting:Targets:0:Measure"] = "release_rate",
        ["Exchange:Reporting:Targets:0:Target"] = "0.9",
        ["Exchange:Reporting:Targets:0:HigherIsBetter"] = "true",
        ["Exchange:Reporting:Targets:1:Measure"] = "filer_compliance_rate",
        ["Exchange:Reporting:Targets:1:Target"] = "0.9",
        ["Exchange:Reporting:Targets:2:Measure"] = "decision_time_p90_seconds",
        ["Exchange:Reporting:Targets:2:Target"] = "60",
        ["Exchange:Reporting:Targets:2:HigherIsBetter"] = "false",
        ["Exchange:Reporting:BaselineStart"] = Yesterday.ToString("O"),
        ["Exchange:Reporting:BaselineEnd"] = Tomorrow.ToString("O"),
    });

    public void Dispose() => _node.Dispose();

    private ReportingService.ReportingServiceClient Reports(string header, string id) =>
        new(_node.CallInvokerAs(header, id));

    private static GetPerformanceReportRequest TwoDays(GroupBy groupBy = GroupBy.Unspecified) => new()
    {
        Period = Period.Day,
        StartTime = Timestamp.FromDateTimeOffset(Yesterday),
        EndTime = Timestamp.FromDateTimeOffset(Tomorrow),
        GroupBy = groupBy,
    };

    /// <summary>Two clean express sales (assessed at once, released on arrival) and one undervalued (held, answered, released by an officer).</summary>
    private async Task SubmitAndDecideAsync()
    {
        var filer = _node.ClientFor(Filer);
        Assert.Equal(DeclarationStatus.Assessed, (await filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale())).Status);
        var fromGermany = SampleDeclarations.ExpressMarketplaceSale();
        fromGermany.Items[0].OriginCountryCode = "DE";
        Assert.Equal(DeclarationStatus.Assessed, (await filer.SubmitAndAwaitDecisionAsync(Filer, fromGermany)).Status);

        var held = await filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        Assert.Equal(DeclarationStatus.Held, held.Status);
        var answered = (await filer.RespondToReferralAsync(new RespondToReferralRequest
        {
            Name = held.Referrals[0].Name,
            Response = new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "Clearance sale; invoice attached." } },
        })).Declaration;
        await _node.OfficerClient(Officer).DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "Invoice confirms the price.", Etag = answered.Etag,
        });
    }

    [Fact]
    public async Task An_officer_gets_the_measures_of_what_the_node_received_and_decided()
    {
        await SubmitAndDecideAsync();
        var reports = Reports(DevelopmentHeaderIdentityResolver.OfficerHeader, Officer);

        var report = await reports.GetPerformanceReportAsync(TwoDays());

        var total = report.Total;
        Assert.Equal(3, total.DeclarationsReceived);
        Assert.Equal(3, total.DeclarationsDecided);
        Assert.Equal(1.0, total.ReleaseRate);           // all three released, one after review
        Assert.Equal(1.0 / 3, total.HoldRate, 12);      // the undervalued one held first
        Assert.Equal(0.0, total.RejectRate);
        Assert.Equal(2.0 / 3, total.FilerComplianceRate, 12); // the held one had a referral
        Assert.Equal(1, total.ReferralsAnswered);
        Assert.InRange(total.ReferralResponseTimeMedianSeconds, 0, 30);
        Assert.InRange(total.DecisionTimeMedianSeconds, 0, 30);
        Assert.InRange(total.DecisionTimeP90Seconds, total.DecisionTimeMedianSeconds, 30);
        Assert.Equal(0, total.AgencyHolds);
        Assert.Equal("EUR", total.DutyEstimated.CurrencyCode);
        Assert.Equal(report.Rows.Sum(r => r.Measures.DeclarationsReceived), total.DeclarationsReceived);
        Assert.InRange(report.Rows.Count, 1, 2); // one day, or two if the test ran over midnight
        Assert.True(report.ComputeTime.ToDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));

        var byOrigin = await reports.GetPerformanceReportAsync(TwoDays(GroupBy.OriginCountry));
        Assert.Equal([("CN", 2L), ("DE", 1L)], byOrigin.Rows.GroupBy(r => r.Group).Select(g => (g.Key, g.Sum(r => r.Measures.DeclarationsReceived))).OrderBy(g => g.Key));
        var byFiler = await reports.GetPerformanceReportAsync(TwoDays(GroupBy.Filer));
        Assert.All(byFiler.Rows, r => Assert.Equal($"filers/{Filer}", r.Group));
        var byChannel = await reports.GetPerformanceReportAsync(TwoDays(GroupBy.Channel));
        Assert.All(byChannel.Rows, r => Assert.Equal("EXPRESS", r.Group));
    }

    [Fact]
    public async Task Targets_are_reported_against_the_configured_baseline()
    {
        await SubmitAndDecideAsync();

        var report = await Reports(DevelopmentHeaderIdentityResolver.OfficerHeader, Officer).GetPerformanceReportAsync(TwoDays());

        var period = $"{Yesterday.UtcDateTime:yyyy-MM-dd}T00:00:00Z/{Tomorrow.UtcDateTime:yyyy-MM-dd}T00:00:00Z";
        Assert.Equal(
            [
                ("release_rate", 0.9, true, 1.0, 1.0, true, period),
                ("filer_compliance_rate", 0.9, true, 2.0 / 3, 2.0 / 3, false, period),
            ],
            report.Targets.Take(2).Select(t => (t.Measure, t.Target, t.HigherIsBetter, t.Baseline, t.Current, t.Met, t.BaselinePeriod)));
        var decisionTime = report.Targets[2];
        Assert.Equal(("decision_time_p90_seconds", false, true), (decisionTime.Measure, decisionTime.HigherIsBetter, decisionTime.Met));
        Assert.Equal(report.Total.DecisionTimeP90Seconds, decisionTime.Current);
    }

    [Fact]
    public async Task Only_officers_get_reports()
    {
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => Reports(DevelopmentHeaderIdentityResolver.FilerHeader, Filer).GetPerformanceReportAsync(TwoDays()).ResponseAsync);
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => Reports(DevelopmentHeaderIdentityResolver.AgencyHeader, "fda").GetPerformanceReportAsync(TwoDays()).ResponseAsync);
    }

    [Fact]
    public async Task Every_problem_of_a_request_is_named_by_its_field()
    {
        var reports = Reports(DevelopmentHeaderIdentityResolver.OfficerHeader, Officer);

        var empty = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => reports.GetPerformanceReportAsync(new GetPerformanceReportRequest()).ResponseAsync);
        Assert.Equal(["period", "start_time", "end_time"], RpcErrors.ViolatedFields(empty));

        var backwards = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => reports.GetPerformanceReportAsync(new GetPerformanceReportRequest
            {
                Period = Period.Month,
                StartTime = Timestamp.FromDateTimeOffset(Yesterday), // not the first of a month, unless it is
                EndTime = Timestamp.FromDateTimeOffset(Yesterday.AddHours(-1)),
            }).ResponseAsync);
        Assert.Equal(Yesterday.Day == 1 ? ["end_time"] : ["start_time", "end_time"], RpcErrors.ViolatedFields(backwards));

        var tooMany = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => reports.GetPerformanceReportAsync(new GetPerformanceReportRequest
            {
                Period = Period.Hour,
                StartTime = Timestamp.FromDateTimeOffset(Yesterday),
                EndTime = Timestamp.FromDateTimeOffset(Yesterday.AddDays(42)), // 1008 hours
            }).ResponseAsync);
        Assert.Equal(["end_time"], RpcErrors.ViolatedFields(tooMany));
    }

    [Fact]
    public void Options_with_an_unknown_measure_fail_validation_and_none_configured_means_the_defaults()
    {
        static IOptions<ReportingOptions> Options(Dictionary<string, string?> settings)
        {
            var services = new ServiceCollection();
            services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            services.AddExchangeReporting();
            return services.BuildServiceProvider().GetRequiredService<IOptions<ReportingOptions>>();
        }

        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["Exchange:Reporting:Targets:0:Measure"] = "happiness",
            ["Exchange:Reporting:BaselineEnd"] = "2026-08-01T00:00:00Z",
        }).Value);
        Assert.Equal(2, error.Failures.Count());
        Assert.Contains(error.Failures, f => f.Contains("'happiness' is not a measure", StringComparison.Ordinal));

        var defaults = Options([]).Value;
        Assert.Equal(
            [
                "release_rate", "decision_time_p90_seconds", "complete_advance_data_share", "filer_compliance_rate",
                "postal_no_advance_data_share", "information_response_time_median_seconds", "screening_response_time_median_seconds",
                "revenue_collection_rate",
            ],
            defaults.Targets.Select(t => t.Measure));
        var configured = Options(new() { ["Exchange:Reporting:Targets:0:Measure"] = "hold_rate", ["Exchange:Reporting:Targets:0:Target"] = "0.05" }).Value;
        Assert.Equal(("hold_rate", 0.05, true), (configured.Targets.Single().Measure, configured.Targets[0].Target, configured.Targets[0].HigherIsBetter));
    }
}

using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Server.Tests.Dashboard;

/// <summary>
/// The dashboard in a real headless Chromium against a real node process: the page loads, shows
/// exactly the figures GetPerformanceReport returns for the same request, and reports no
/// exception, console error or error log entry. Needs Debian's chromium package (CI installs it;
/// elsewhere the test says it is skipped).
/// </summary>
public sealed class DashboardInBrowserTests
{
    private const string Officer = "officer-dashboard";
    private static readonly TimeSpan LoadTimeout = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task The_page_shows_the_figures_of_the_reporting_RPC_without_console_errors()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        using var data = new TempDirectory();
        using var node = await ServerProcess.StartAsync(data.Path, new Dictionary<string, string>
        {
            ["Exchange__Assessment__Delay"] = "00:00:00",
            ["Exchange__Assessment__PollInterval"] = "00:00:00.200",
            // Targets on the release, seizure and return rates, the postal items without advance data and revenue collection.
            ["Exchange__Reporting__Targets__0__Measure"] = "release_rate",
            ["Exchange__Reporting__Targets__0__Target"] = "0.9",
            ["Exchange__Reporting__Targets__1__Measure"] = "seizure_rate",
            ["Exchange__Reporting__Targets__1__Target"] = "0.01",
            ["Exchange__Reporting__Targets__1__HigherIsBetter"] = "false",
            ["Exchange__Reporting__Targets__2__Measure"] = "return_rate",
            ["Exchange__Reporting__Targets__2__Target"] = "0.02",
            ["Exchange__Reporting__Targets__2__HigherIsBetter"] = "false",
            ["Exchange__Reporting__Targets__3__Measure"] = "postal_no_advance_data_share",
            ["Exchange__Reporting__Targets__3__Target"] = "0",
            ["Exchange__Reporting__Targets__3__HigherIsBetter"] = "false",
            ["Exchange__Reporting__Targets__4__Measure"] = "revenue_collection_rate",
            ["Exchange__Reporting__Targets__4__Target"] = "0.95",
        });
        using var channel = node.OpenChannel();
        await SubmitAndAwaitDecisionsAsync(channel);
        var reporting = new ReportingService.ReportingServiceClient(As(channel, DevelopmentHeaderIdentityResolver.OfficerHeader, Officer));

        await using var browser = await HeadlessChromium.StartAsync();
        var page = await browser.OpenPageAsync();

        // Ungrouped (the defaults: by day over the last 30 days), then per filer.
        foreach (var query in new[] { $"officer={Officer}", $"officer={Officer}&groupBy=filer" })
        {
            page.ClearEvents();
            var url = new Uri(node.HttpAddress, "/dashboard?" + query);
            var state = await page.LoadDashboardAsync(url, LoadTimeout);
            var shown = await page.EvaluateAsync<Snapshot>(SnapshotScript);
            Assert.True(state == "ready", $"{url} ended in state {state}: {shown.Error}; problems: {string.Join("; ", page.Problems())}");

            var report = await reporting.GetPerformanceReportAsync(shown.Request.ToRpcRequest(), deadline: DateTime.UtcNow.AddSeconds(30));

            Assert.Equal(6, report.Total.DeclarationsReceived);
            Assert.Equal(6, report.Total.DeclarationsDecided);
            // Referrals by type, and the postal items that arrived with no advance data next to the two declared.
            Assert.Equal((1L, 0L), (report.Total.InformationReferralsAnswered, report.Total.ScreeningReferralsAnswered));
            Assert.Equal(2, report.Total.PostalItemsWithoutAdvanceData);
            Assert.Equal(0.5, report.Total.PostalNoAdvanceDataShare);
            Assert.Equal("true", shown.Figures["information_response_time_median_seconds"].HasData);
            Assert.Equal("false", shown.Figures["screening_response_time_median_seconds"].HasData);
            Assert.Equal("0.5", shown.Figures["postal_no_advance_data_share"].Value);
            Assert.Contains(shown.Targets, t => t.Measure == "postal_no_advance_data_share" && t.Met == "false");
            Assert.Equal((1, 1), (report.Total.Seizures, report.Total.ReturnsToSender));
            AssertSameMeasures(report.Total, shown.Figures);
            AssertSameDispositions(report.Total.DispositionsByReason, shown.Dispositions);
            Assert.Equal(
                ["release_rate", "seizure_rate", "return_rate", "postal_no_advance_data_share", "revenue_collection_rate"],
                shown.Targets.Select(t => t.Measure));
            // The revenue measures, with data: what the collect-on-delivery parcel owes (EUR 18.07) and
            // the seized parcel's duty (EUR 6.00: a disposition leaves the assessment made on arrival
            // as it was, docs/revenue.md), and what was paid.
            Assert.Equal(("24.07", "EUR", "true"), (shown.Figures["revenue_assessed"].Value, shown.Figures["revenue_assessed"].Currency, shown.Figures["revenue_assessed"].HasData));
            Assert.Equal(("10", "EUR", "true"), (shown.Figures["revenue_collected"].Value, shown.Figures["revenue_collected"].Currency, shown.Figures["revenue_collected"].HasData));
            Assert.Equal("true", shown.Figures["revenue_collection_rate"].HasData);
            AssertSameTargets(report.Targets, shown.Targets);
            AssertSameRows(report.Rows, shown.Rows);
            Assert.Equal(report.Total.DeclarationsReceived, shown.Bars.Sum(b => long.Parse(b.Value, CultureInfo.InvariantCulture)));
            Assert.Empty(page.Problems());
            Assert.Empty(page.FailedResponses());
            // Nothing from elsewhere (data: URLs are the browser's own, e.g. the date picker's icon).
            Assert.All(page.RequestedUrls().Where(requested => !requested.StartsWith("data:", StringComparison.Ordinal)),
                requested => Assert.StartsWith(node.HttpAddress.GetLeftPart(UriPartial.Authority) + "/", requested));
        }
    }

    [SkippableFact]
    public async Task Without_an_officer_id_the_page_shows_the_status_message_of_the_RPC()
    {
        Skip.If(HeadlessChromium.SkipReason is not null, HeadlessChromium.SkipReason);
        using var data = new TempDirectory();
        using var node = await ServerProcess.StartAsync(data.Path);
        using var channel = node.OpenChannel();
        await using var browser = await HeadlessChromium.StartAsync();
        var page = await browser.OpenPageAsync();

        var state = await page.LoadDashboardAsync(new Uri(node.HttpAddress, "/dashboard"), LoadTimeout);
        var shown = await page.EvaluateAsync<Snapshot>(SnapshotScript);

        var refused = await Assert.ThrowsAsync<RpcException>(() => new ReportingService.ReportingServiceClient(channel)
            .GetPerformanceReportAsync(shown.Request.ToRpcRequest(), deadline: DateTime.UtcNow.AddSeconds(30)).ResponseAsync);
        Assert.Equal("error", state);
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(refused.Status.Detail, shown.Error);
        Assert.Equal("UNAUTHENTICATED", shown.ErrorCode);
        Assert.Empty(shown.Figures);
        // The 401 itself is logged by the browser as a network error; nothing else may be.
        Assert.Empty(page.Problems(includeNetworkErrors: false));
    }

    /// <summary>
    /// Six declarations of two filers, each decided by the node's assessor: an undervalued one's
    /// request for information answered; a collect-on-delivery parcel arrived and paid in part;
    /// two held, arrived and disposed of by an officer (one seized, one returned to sender); and
    /// two postal items the post reports arrived that none of its declarations carries (no advance data).
    /// </summary>
    private static async Task SubmitAndAwaitDecisionsAsync(GrpcChannel channel)
    {
        var post = new DeclarationService.DeclarationServiceClient(As(channel, DevelopmentHeaderIdentityResolver.FilerHeader, "dashboard-post"));
        var express = new DeclarationService.DeclarationServiceClient(As(channel, DevelopmentHeaderIdentityResolver.FilerHeader, "dashboard-express"));
        var officer = new Contracts.Enforcement.V1.EnforcementService.EnforcementServiceClient(As(channel, DevelopmentHeaderIdentityResolver.OfficerHeader, Officer));
        await post.SubmitAndAwaitDecisionAsync("dashboard-post", SampleDeclarations.PostalGift("LRN-DASH-1"));
        await express.SubmitAndAwaitDecisionAsync("dashboard-express", SampleDeclarations.ExpressMarketplaceSale("LRN-DASH-2"));
        var held = await express.SubmitAndAwaitDecisionAsync("dashboard-express", SampleDeclarations.Undervalued("LRN-DASH-4"));
        await express.RespondToReferralAsync(new RespondToReferralRequest
        {
            Name = held.Referrals.Single(r => r.Type == ReferralType.RequestForInformation).Name,
            Response = new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "Clearance sale; invoice attached." } },
        });
        var undeclared = await post.NotifyItemArrivalAsync(new NotifyItemArrivalRequest
        {
            Parent = "filers/dashboard-post",
            ItemIdentifier = "RB123456785GB",
            ArriveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });
        Assert.True(undeclared.AdvanceDataMissing);
        // Collected on delivery, arrived and paid in part: revenue assessed (EUR 18.07) and collected (EUR 10).
        var collected = SampleDeclarations.ExpressMarketplaceSale("LRN-DASH-3");
        collected.IossNumber = "";
        collected.PayerModel = PayerModel.CollectOnDelivery;
        var assessed = await express.SubmitAndAwaitDecisionAsync("dashboard-express", collected);
        await express.ArriveAsync(assessed.Name);
        await new RevenueService.RevenueServiceClient(As(channel, DevelopmentHeaderIdentityResolver.FilerHeader, "dashboard-express"))
            .RecordPaymentAsync(new RecordPaymentRequest
            {
                Name = assessed.Name + "/dutyAssessment",
                Amount = new Google.Type.Money { CurrencyCode = "EUR", Units = 10 },
                RequestId = Guid.NewGuid().ToString(),
            });
        // Two held, arrived and disposed of: one seized, one returned to sender.
        var undervalued = await express.SubmitAndAwaitDecisionAsync("dashboard-express", SampleDeclarations.Undervalued("LRN-DASH-6"));
        var arms = SampleDeclarations.PostalGift("LRN-DASH-5");
        arms.Items[0].HsCode = "930400";
        var prohibited = await post.SubmitAndAwaitDecisionAsync("dashboard-post", arms);
        undervalued = await express.ArriveAsync(undervalued.Name);
        prohibited = await post.ArriveAsync(prohibited.Name);
        await officer.RecordDispositionAsync(new Contracts.Enforcement.V1.RecordDispositionRequest
        {
            Name = undervalued.Name, Type = DispositionType.Seized, Reason = "Forty units found, twenty declared.", Etag = undervalued.Etag,
            LegalBasis = new LegalBasis { Code = "ART-198", Citation = "Article 198 of the customs act" },
        });
        await officer.RecordDispositionAsync(new Contracts.Enforcement.V1.RecordDispositionRequest
        {
            Name = prohibited.Name, Type = DispositionType.ReturnedToSender, Reason = "Firearm part without authorisation.", Etag = prohibited.Etag,
            LegalBasis = new LegalBasis { Code = "ART-77", Citation = "Article 77 of the customs act" }, ReturnItemIdentifier = "RR876543216GB",
        });
        // A second postal item without advance data: two of four inbound postal items.
        Assert.True((await post.NotifyItemArrivalAsync(new NotifyItemArrivalRequest
        {
            Parent = "filers/dashboard-post",
            ItemIdentifier = "RB111111115GB",
            ArriveTime = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        })).AdvanceDataMissing);
    }

    /// <summary>The table of dispositions by reason shows the RPC's counts, in its order.</summary>
    private static void AssertSameDispositions(IList<DispositionCount> expected, List<DispositionRow> shown)
    {
        Assert.Equal(
            expected.Select(c => (Type: c.Type.ToString(), Code: c.LegalBasisCode, Count: c.Count.ToString(CultureInfo.InvariantCulture))),
            shown.Select(r => (Type: JsonEnumToClr(r.Type), r.Code, Count: r.Value)));
        Assert.Contains(shown, r => r is { Type: "DISPOSITION_TYPE_SEIZED", Code: "ART-198", Value: "1" });
        Assert.Contains(shown, r => r is { Type: "DISPOSITION_TYPE_RETURNED_TO_SENDER", Code: "ART-77", Value: "1" });
    }

    /// <summary>The C# name of a DispositionType value from its proto name, e.g. ReturnedToSender.</summary>
    private static string JsonEnumToClr(string protoName) =>
        DispositionReflection.Descriptor.FindTypeByName<EnumDescriptor>("DispositionType").FindValueByName(protoName) is { } value ? ((DispositionType)value.Number).ToString() : protoName;

    private static CallInvoker As(GrpcChannel channel, string header, string id) =>
        channel.Intercept(metadata =>
        {
            metadata.Add(header, id);
            return metadata;
        });

    /// <summary>Every field of Measures is shown, with the exact value the RPC returned.</summary>
    private static void AssertSameMeasures(Measures expected, Dictionary<string, Figure> shown)
    {
        foreach (var field in Measures.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.IsRepeated)
            {
                continue; // dispositions_by_reason: a table of its own (AssertSameDispositions)
            }
            Assert.True(shown.TryGetValue(field.Name, out var figure), $"The page shows no figure data-measure=\"{field.Name}\".");
            Assert.False(string.IsNullOrWhiteSpace(figure.Text), $"{field.Name} has no text.");
            var value = field.Accessor.GetValue(expected);
            switch (field.FieldType)
            {
                case FieldType.Int64:
                    Assert.Equal(((long)value).ToString(CultureInfo.InvariantCulture), figure.Value);
                    break;
                case FieldType.Double:
                    Assert.Equal((double)value, double.Parse(figure.Value, CultureInfo.InvariantCulture));
                    break;
                case FieldType.Message when value is Google.Type.Money money:
                    Assert.Equal(money.Units + money.Nanos / 1_000_000_000m, decimal.Parse(figure.Value, CultureInfo.InvariantCulture));
                    Assert.Equal(money.CurrencyCode, figure.Currency);
                    break;
                case FieldType.Message when value is null:
                    Assert.Equal("0", figure.Value);
                    break;
                default:
                    Assert.Fail($"Measures.{field.Name} has a type the dashboard does not show ({field.FieldType}).");
                    break;
            }
        }
        Assert.Equal(expected.DeclarationsReceived.ToString(CultureInfo.InvariantCulture), shown["declarations_received"].Text);
    }

    private static void AssertSameTargets(IList<TargetStatus> expected, List<TargetRow> shown)
    {
        Assert.NotEmpty(expected); // the node's default targets
        Assert.Equal(expected.Select(t => t.Measure), shown.Select(t => t.Measure));
        foreach (var (target, row) in expected.Zip(shown))
        {
            Assert.Equal(target.Target, Parse(row.Target));
            Assert.Equal(target.Baseline, Parse(row.Baseline));
            Assert.Equal(target.Current, Parse(row.Current));
            Assert.Equal(target.Met ? "true" : "false", row.Met);
            Assert.Equal(target.Met ? "Met" : "Not met", row.Verdict.Trim());
        }
    }

    private static void AssertSameRows(IList<ReportRow> expected, List<WindowRow> shown)
    {
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Count, shown.Count);
        foreach (var (row, line) in expected.Zip(shown))
        {
            Assert.Equal(row.WindowStart.ToDateTimeOffset(), DateTimeOffset.Parse(line.WindowStart, CultureInfo.InvariantCulture));
            Assert.Equal(row.Group, line.Group);
            Assert.Equal(row.Measures.DeclarationsReceived.ToString(CultureInfo.InvariantCulture), line.Received);
            Assert.Equal(row.Measures.ReleaseRate, Parse(line.ReleaseRate));
        }
    }

    private static double Parse(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>What the page shows, read from its data attributes (exact values) and text.</summary>
    private const string SnapshotScript = """
        (() => {
          const b = document.body.dataset;
          const value = (root, selector) => { const e = root.querySelector(selector); return e ? e.dataset.value : null; };
          const error = document.querySelector('#error .error-message');
          return {
            request: { period: b.period, startTime: b.startTime, endTime: b.endTime, groupBy: b.groupBy },
            figures: Object.fromEntries([...document.querySelectorAll('#key-figures [data-measure]')].map(e =>
              [e.dataset.measure, { value: e.dataset.value, currency: e.dataset.currency ?? null, text: e.textContent, hasData: e.dataset.hasData ?? null }])),
            targets: [...document.querySelectorAll('#targets tbody tr[data-measure]')].map(r => ({
              measure: r.dataset.measure, met: r.dataset.met,
              target: value(r, '[data-field=target]'), baseline: value(r, '[data-field=baseline]'),
              current: value(r, '[data-field=current]'), verdict: r.querySelector('[data-field=met]').textContent.replace(/[\u2714\u2718]/g, '') })),
            rows: [...document.querySelectorAll('#windows tbody tr[data-window-start]')].map(r => ({
              windowStart: r.dataset.windowStart, group: r.dataset.group,
              received: value(r, '[data-measure=declarations_received]'), releaseRate: value(r, '[data-measure=release_rate]') })),
            bars: [...document.querySelectorAll('#chart-received rect[data-value]')].map(r => ({ value: r.dataset.value })),
            dispositions: [...document.querySelectorAll('#dispositions tbody tr[data-type]')].map(r => ({
              type: r.dataset.type, code: r.dataset.code, value: r.querySelector('[data-value]').dataset.value })),
            error: error ? error.textContent : null,
            errorCode: error ? (error.dataset.errorCode ?? null) : null,
          };
        })()
        """;

    private sealed record Snapshot(
        ShownRequest Request, Dictionary<string, Figure> Figures, List<TargetRow> Targets, List<WindowRow> Rows,
        List<Bar> Bars, string? Error, string? ErrorCode, List<DispositionRow> Dispositions);

    /// <summary>The request the page sent, as proto3 JSON values (enum names, RFC 3339 timestamps).</summary>
    private sealed record ShownRequest(string Period, string StartTime, string EndTime, string GroupBy)
    {
        public GetPerformanceReportRequest ToRpcRequest() => JsonParser.Default.Parse<GetPerformanceReportRequest>(
            $$"""{"period":"{{Period}}","startTime":"{{StartTime}}","endTime":"{{EndTime}}","groupBy":"{{GroupBy}}"}""");
    }

    private sealed record Figure(string Value, string? Currency, string Text, string? HasData = null);

    private sealed record TargetRow(string Measure, string Met, string Target, string Baseline, string Current, string Verdict);

    private sealed record WindowRow(string WindowStart, string Group, string Received, string ReleaseRate);

    private sealed record Bar(string Value);

    private sealed record DispositionRow(string Type, string Code, string Value);
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Storage;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The performance report's queries (<see cref="IReportStore"/>) over declarations written through
/// the store with known times and outcomes. Every expected value below is worked out by hand in
/// its comment; percentiles interpolate linearly between the values around position p·(n−1).
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    private static readonly DateTimeOffset Day = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    private static long Micros(DateTimeOffset time) => DeclarationIndex.CeilingUnixMicroseconds(time);

    /// <summary>
    /// The report's data set, all on 2026-11-30 unless said:
    /// d1 filer-a POSTAL CN 08:00, complete, RELEASE after 10 s; duty EUR 3, tax EUR 1.
    /// d2 filer-a EXPRESS US 08:10, data-quality hit, HOLD after 30 s with a referral answered 90 s
    ///    later, then an officer's RELEASE; duty USD 10.
    /// d3 filer-b POSTAL CN 08:20, amended, complete, REJECT after 20 s.
    /// d4 filer-b EXPRESS GB 09:05, complete, HOLD after 40 s for an agency hold; duty EUR 2.50, tax EUR 0.50.
    /// d5 filer-a POSTAL US 09:30, never assessed.
    /// d6 filer-a POSTAL CN 2026-12-01T00:00:00 (the next day and month), complete, RELEASE after 5 s.
    /// d7 filer-b POSTAL CN 2026-11-29T23:59:59.999999 (the day before), not assessed.
    /// </summary>
    private async Task<IReportStore> WriteReportDataSetAsync()
    {
        var store = await OpenFreshStoreAsync();
        var d1 = await SubmitAsync(store, "filer-a", "d1", Day.AddHours(8), Channel.Postal, "CN");
        await DecideAsync(store, d1, DecisionOutcome.Release, 10, Complete(d1), estimate: ("EUR", 3, 1));

        var d2 = await SubmitAsync(store, "filer-a", "d2", Day.AddHours(8).AddMinutes(10), Channel.Express, "US");
        var referralOpened = d2.CreateTime.ToDateTimeOffset().AddSeconds(30);
        d2 = await DecideAsync(store, d2, DecisionOutcome.Hold, 30, Incomplete(d2), estimate: ("USD", 10, 0), referrals: 1);
        d2 = await AnswerAsync(store, d2, referralOpened.AddSeconds(90));
        await DecideAsync(store, d2, DecisionOutcome.Release, 200, assessment: null);

        var d3 = await SubmitAsync(store, "filer-b", "d3", Day.AddHours(8).AddMinutes(20), Channel.Postal, "CN");
        var amend = Update(d3, d => d.Remarks = "corrected");
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(amend, CancellationToken.None)).Kind);
        await DecideAsync(store, amend.Declaration, DecisionOutcome.Reject, 20, Complete(d3));

        var d4 = await SubmitAsync(store, "filer-b", "d4", Day.AddHours(9).AddMinutes(5), Channel.Express, "GB");
        await DecideAsync(store, d4, DecisionOutcome.Hold, 40, Complete(d4), estimate: ("EUR", 2.5m, 0.5m), agencyHold: true);

        await SubmitAsync(store, "filer-a", "d5", Day.AddHours(9).AddMinutes(30), Channel.Postal, "US");
        var d6 = await SubmitAsync(store, "filer-a", "d6", Day.AddDays(1), Channel.Postal, "CN");
        await DecideAsync(store, d6, DecisionOutcome.Release, 5, Complete(d6));
        await SubmitAsync(store, "filer-b", "d7", Day.AddTicks(-10), Channel.Postal, "CN");
        return StoresOf(store).Reports;
    }

    [SkippableFact]
    public async Task AReportDayHoldsEveryMeasureOfItsDeclarations()
    {
        var store = await WriteReportDataSetAsync();

        var day = Assert.Single(await store.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.None), CancellationToken.None));

        Assert.Equal(Micros(Day), day.WindowStart);
        Assert.Equal("", day.Group);
        Assert.Equal(5, day.Received);             // d1-d5; d6 is at the end (exclusive), d7 before the start
        Assert.Equal(4, day.Assessed);             // d5 never was
        Assert.Equal(3, day.CompleteData);         // d2 had a data-quality hit
        Assert.Equal(4, day.Decided);
        Assert.Equal(2, day.Released);             // d1 at once, d2 after review
        Assert.Equal(2, day.HeldFirst);            // d2, d4
        Assert.Equal(1, day.Refused);              // d3
        Assert.Equal(1, day.AgencyHolds);          // d4
        Assert.Equal(3, day.Compliant);            // d1, d4, d5 (d2 had a referral, d3 an amendment)
        // First decisions after 10, 20, 30, 40 s: median at position 1.5 = 25 s; p90 at 2.7 = 30 + 0.7 x 10 = 37 s.
        Assert.Equal(25e6, day.DecisionMedianMicros, 3);
        Assert.Equal(37e6, day.DecisionP90Micros, 3);
        Assert.Equal(1, day.ReferralsAnswered);
        Assert.Equal(90e6, day.ReferralResponseMedianMicros, 3);
        // The one answer is d2's request for information; no HRCM screening was answered.
        Assert.Equal((1, 90e6, 0, 0d), (day.InformationAnswered, day.InformationResponseMedianMicros, day.ScreeningAnswered, day.ScreeningResponseMedianMicros));
        Assert.Equal((3, 0), (day.PostalReceived, day.PostalWithoutData)); // d1, d3, d5
        Assert.Equal([new MoneySum("EUR", 5_500_000), new MoneySum("USD", 10_000_000)], day.Duty);
        Assert.Equal([new MoneySum("EUR", 1_500_000), new MoneySum("USD", 0)], day.Tax); // d2 estimated no tax, in USD
    }

    [SkippableFact]
    public async Task AReportSplitsEachWindowByChannelOriginOrFiler()
    {
        var store = await WriteReportDataSetAsync();
        async Task<IReadOnlyList<MeasureAggregate>> By(ReportGrouping grouping) =>
            await store.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), grouping), CancellationToken.None);

        var byChannel = await By(ReportGrouping.Channel);
        Assert.Equal(["EXPRESS", "POSTAL"], byChannel.Select(a => a.Group));
        var (express, postal) = (byChannel[0], byChannel[1]);
        Assert.Equal((2, 2, 1, 2), (express.Received, express.Decided, express.Released, express.HeldFirst)); // d2, d4
        Assert.Equal((3, 2, 1, 1), (postal.Received, postal.Decided, postal.Released, postal.Refused));      // d1, d3, d5
        // EXPRESS 30 and 40 s: median 35, p90 at 0.9 = 39. POSTAL 10 and 20 s: median 15, p90 19.
        Assert.Equal((35e6, 39e6), (Math.Round(express.DecisionMedianMicros), Math.Round(express.DecisionP90Micros)));
        Assert.Equal((15e6, 19e6), (Math.Round(postal.DecisionMedianMicros), Math.Round(postal.DecisionP90Micros)));
        Assert.Equal((1, 90e6), (express.ReferralsAnswered, express.ReferralResponseMedianMicros));
        Assert.Equal((0, 0d), (postal.ReferralsAnswered, postal.ReferralResponseMedianMicros));
        Assert.Equal([new MoneySum("EUR", 2_500_000), new MoneySum("USD", 10_000_000)], express.Duty);
        Assert.Equal([new MoneySum("EUR", 3_000_000)], postal.Duty);

        var byOrigin = await By(ReportGrouping.OriginCountry);
        Assert.Equal([("CN", 2L), ("GB", 1L), ("US", 2L)], byOrigin.Select(a => (a.Group, a.Received)));
        Assert.Equal(1, byOrigin[1].AgencyHolds);
        Assert.Equal((1, 2), (byOrigin[0].Compliant, byOrigin[0].Decided)); // CN: d1 compliant, d3 amended; both decided

        var byFiler = await By(ReportGrouping.Filer);
        Assert.Equal([("filer-a", 3L), ("filer-b", 2L)], byFiler.Select(a => (a.Group, a.Received)));
        Assert.Equal((2, 1, 1), (byFiler[0].Compliant, byFiler[0].Assessed - byFiler[0].CompleteData, byFiler[0].ReferralsAnswered)); // d1, d5; d2 incomplete
        Assert.Equal((1, 1, 1), (byFiler[1].Compliant, byFiler[1].Refused, byFiler[1].AgencyHolds)); // d4; d3 rejected
    }

    [SkippableFact]
    public async Task WindowsAreAlignedHoursDaysAndMonthsAndEmptyOnesAreLeftOut()
    {
        var store = await WriteReportDataSetAsync();
        async Task<(long, long)[]> Received(DateTimeOffset[] starts, DateTimeOffset end) =>
            (await store.AggregateAsync(new(starts.Select(Micros).ToList(), Micros(end), ReportGrouping.None), CancellationToken.None))
            .Select(a => (a.WindowStart, a.Received)).ToArray();

        var hours = Enumerable.Range(7, 4).Select(h => Day.AddHours(h)).ToArray(); // 07:00 .. 10:00, ending 11:00
        Assert.Equal([(Micros(Day.AddHours(8)), 3L), (Micros(Day.AddHours(9)), 2L)], await Received(hours, Day.AddHours(11)));

        var days = Enumerable.Range(-1, 4).Select(d => Day.AddDays(d)).ToArray(); // 11-29 .. 12-02, ending 12-03
        Assert.Equal([(Micros(Day.AddDays(-1)), 1L), (Micros(Day), 5L), (Micros(Day.AddDays(1)), 1L)], await Received(days, Day.AddDays(4)));

        var november = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal([(Micros(november), 6L), (Micros(november.AddMonths(1)), 1L)],
            await Received([november, november.AddMonths(1)], november.AddMonths(2)));
    }

    [SkippableFact]
    public async Task ARangeIncludesItsStartAndExcludesItsEnd()
    {
        var store = await WriteReportDataSetAsync();
        async Task<long> Received(DateTimeOffset start, DateTimeOffset end) =>
            (await store.AggregateAsync(new([Micros(start)], Micros(end), ReportGrouping.None), CancellationToken.None))
            .Sum(a => a.Received);

        Assert.Equal(1, await Received(Day.AddDays(1), Day.AddDays(2)));                 // d6 at the start
        Assert.Equal(0, await Received(Day.AddHours(10), Day.AddDays(1)));               // d6 at the end
        Assert.Equal(1, await Received(Day.AddTicks(-10), Day));                          // d7, its last microsecond
        Assert.Equal(0, await Received(Day.AddHours(8).AddTicks(10), Day.AddHours(8).AddMinutes(10))); // d1 just before, d2 at the end
        Assert.Equal(7, await Received(Day.AddDays(-1), Day.AddDays(2)));
        Assert.Equal(Micros(Day.AddTicks(-10)), await store.GetFirstCreateTimeAsync(CancellationToken.None));
    }

    [SkippableFact]
    public async Task MeasuresChangeOnlyWithWrittenWrites()
    {
        var store = await OpenFreshStoreAsync();
        var reports = StoresOf(store).Reports;
        Assert.Null(await reports.GetFirstCreateTimeAsync(CancellationToken.None));
        Assert.Empty(await reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.None), CancellationToken.None));

        var insert = Insert(Filer, "m1", requestId: "req-1", createTime: Day.AddHours(1));
        await store.InsertManyAsync([insert, insert], CancellationToken.None); // the second is a replay
        await store.InsertAsync(insert, CancellationToken.None);
        var decide = Decided(insert.Declaration, DecisionOutcome.Release, 10, Complete(insert.Declaration));
        await store.UpdateManyAsync([decide, decide], CancellationToken.None); // the second conflicts
        // A later decision changes the latest outcome, never the first decision or its time.
        await store.UpdateAsync(Decided(decide.Declaration, DecisionOutcome.Seize, 500, Incomplete(insert.Declaration)), CancellationToken.None);

        var day = Assert.Single(await reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.None), CancellationToken.None));
        Assert.Equal((1, 1, 1, 1), (day.Received, day.Decided, day.Assessed, day.CompleteData));
        Assert.Equal((0, 1), (day.Released, day.Refused));
        Assert.Equal((10e6, 10e6), (day.DecisionMedianMicros, day.DecisionP90Micros));
    }

    // ---- Writing the data set ----

    private static async Task<Declaration> SubmitAsync(
        IDeclarationStore store, string filerId, string id, DateTimeOffset createTime, Channel channel, string origin)
    {
        var write = Insert(filerId, id, createTime: createTime,
            sample: channel == Channel.Express ? SampleDeclarations.ExpressMarketplaceSale() : SampleDeclarations.PostalGift(),
            configure: d => d.Items[0].OriginCountryCode = origin);
        Assert.Equal(WriteOutcomeKind.Written, (await store.InsertAsync(write, CancellationToken.None)).Kind);
        return write.Declaration;
    }

    /// <summary>A decision <paramref name="afterSeconds"/> after submission, as the assessor (with an assessment) or an officer (without) writes it.</summary>
    private static async Task<Declaration> DecideAsync(
        IDeclarationStore store, Declaration current, DecisionOutcome outcome, int afterSeconds, RiskAssessment? assessment,
        (string Currency, decimal Duty, decimal Tax)? estimate = null, int referrals = 0, bool agencyHold = false)
    {
        var write = Decided(current, outcome, afterSeconds, assessment, estimate, referrals, agencyHold);
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(write, CancellationToken.None)).Kind);
        return write.Declaration;
    }

    private static DeclarationWrite Decided(
        Declaration current, DecisionOutcome outcome, int afterSeconds, RiskAssessment? assessment,
        (string Currency, decimal Duty, decimal Tax)? estimate = null, int referrals = 0, bool agencyHold = false)
    {
        var at = Timestamp.FromDateTimeOffset(current.CreateTime.ToDateTimeOffset().AddSeconds(afterSeconds));
        var write = Update(current, d =>
        {
            d.Status = outcome switch
            {
                DecisionOutcome.Release => DeclarationStatus.Released,
                DecisionOutcome.Hold => DeclarationStatus.Held,
                DecisionOutcome.Reject => DeclarationStatus.Rejected,
                _ => DeclarationStatus.Seized,
            };
            d.Decision = new Decision { Outcome = outcome, DecideTime = at, DecidedBy = "risk-engine" };
            if (estimate is { } e)
            {
                d.DutyEstimate = new DutyEstimate { Jurisdiction = "EU", Duty = Money(e.Currency, e.Duty), Tax = Money(e.Currency, e.Tax) };
            }
            for (var i = 1; i <= referrals; i++)
            {
                d.Referrals.Add(new Referral
                {
                    Name = $"{d.Name}/referrals/{i}", Type = ReferralType.RequestForInformation, State = ReferralState.Open, CreateTime = at,
                });
            }
            if (agencyHold)
            {
                d.AgencyHolds.Add(new AgencyHold { Agency = "agencies/fda", Reason = "review", CreateTime = at });
            }
        }, facts: assessment is null ? null : Facts("consignee-1", 1_000, assessment));
        return WithEvent(write, DeclarationEventType.Decided);
    }

    private static async Task<Declaration> AnswerAsync(IDeclarationStore store, Declaration current, DateTimeOffset at)
    {
        var write = Update(current, d =>
        {
            d.Referrals[0].State = ReferralState.Answered;
            d.Referrals[0].RespondTime = Timestamp.FromDateTimeOffset(at);
        });
        write = WithEvent(write, DeclarationEventType.ReferralAnswered, write.Declaration.Referrals[0]);
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(write, CancellationToken.None)).Kind);
        return write.Declaration;
    }

    private static DeclarationWrite WithEvent(DeclarationWrite write, DeclarationEventType type, params Referral[] referrals)
    {
        var @event = write.Event.Clone();
        @event.Type = type;
        @event.Referrals.AddRange(referrals.Select(r => r.Clone()));
        return write with { Event = @event };
    }

    private static RiskAssessment Complete(Declaration declaration) => Assessment(declaration, score: 0);

    private static RiskAssessment Incomplete(Declaration declaration)
    {
        var assessment = Assessment(declaration, score: 5);
        assessment.Hits.Add(new RuleHit { RuleId = "vague-description", Kind = RuleKind.DataQuality, Weight = 5 });
        return assessment;
    }

    private static Google.Type.Money Money(string currency, decimal amount) => new()
    {
        CurrencyCode = currency,
        Units = (long)decimal.Truncate(amount),
        Nanos = (int)((amount - decimal.Truncate(amount)) * 1_000_000_000m),
    };

    [SkippableFact]
    public async Task PostalItemsWithoutAdvanceDataAreRecordedOnceAndCountedInTheWindowOfTheirArrival()
    {
        var store = await OpenFreshStoreAsync();
        var stores = StoresOf(store);
        var d1 = await SubmitAsync(store, "post-a", "d1", Day.AddHours(8), Channel.Postal, "CN");
        await DecideAsync(store, d1, DecisionOutcome.Release, 10, Complete(d1));
        var first = new PostalArrivalWithoutData("post-a", "RB123456785GB", "GB", Micros(Day.AddHours(9)), "NL000396", Micros(Day.AddHours(9).AddMinutes(1)));

        var recorded = await stores.PostalArrivals.RecordAsync(first, null, CancellationToken.None);
        var again = await stores.PostalArrivals.RecordAsync(
            first with { ArriveTime = Micros(Day.AddHours(10)), RecordTime = Micros(Day.AddHours(10)) }, null, CancellationToken.None);
        await stores.PostalArrivals.RecordAsync(
            new("post-b", "RB123456785GB", "GB", Micros(Day.AddHours(23)), "", Micros(Day.AddHours(23))), null, CancellationToken.None);
        await stores.PostalArrivals.RecordAsync(
            new("post-a", "EE123456785CN", "CN", Micros(Day.AddDays(1)), "", Micros(Day.AddDays(1))), null, CancellationToken.None);

        Assert.Equal(new PostalArrivalAnswer(first, null), recorded);
        Assert.Equal(first, again.Arrival); // the first report stays
        var windows = new ReportQuery([Micros(Day), Micros(Day.AddHours(12))], Micros(Day.AddDays(1)), ReportGrouping.None);
        var halves = await stores.Reports.AggregateAsync(windows, CancellationToken.None);
        // Morning: d1 (postal) and post-a's item; afternoon: post-b's item alone (a window with no declaration);
        // the CN item arrived at the end (exclusive).
        Assert.Equal([(Micros(Day), 1L, 1L), (Micros(Day.AddHours(12)), 0L, 1L)], halves.Select(a => (a.WindowStart, a.PostalReceived, a.PostalWithoutData)));
        var byFiler = await stores.Reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.Filer), CancellationToken.None);
        Assert.Equal([("post-a", 1L, 1L), ("post-b", 0L, 1L)], byFiler.Select(a => (a.Group, a.PostalReceived, a.PostalWithoutData)));
        var byChannel = await stores.Reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(2)), ReportGrouping.Channel), CancellationToken.None);
        Assert.Equal([("POSTAL", 1L, 3L)], byChannel.Select(a => (a.Group, a.PostalReceived, a.PostalWithoutData)));
    }

    [SkippableFact]
    public async Task AnItemArrivalWithoutDataIsKeptUnderItsRequestIdAndTheFirstRequestWithThatIdStays()
    {
        var stores = StoresOf(await OpenFreshStoreAsync());
        var item = new PostalArrivalWithoutData("post-a", "RB123456785GB", "GB", Micros(Day.AddHours(9)), "NL000396", Micros(Day.AddHours(9)));
        var later = item with { ArriveTime = Micros(Day.AddHours(10)), RecordTime = Micros(Day.AddHours(10)) };

        var first = await stores.PostalArrivals.RecordAsync(item, new("r-1", Hash("first")), CancellationToken.None);
        var sameItemOtherRequest = await stores.PostalArrivals.RecordAsync(later, new("r-2", Hash("second")), CancellationToken.None);
        var sameIdOtherContent = await stores.PostalArrivals.RecordAsync(
            new("post-a", "EE123456785CN", "CN", 1, "", 2), new("r-1", Hash("other")), CancellationToken.None);

        Assert.Equal((item, Hex("first")), (first.Arrival, Convert.ToHexString(first.RequestHash!)));
        Assert.Equal((item, Hex("second")), (sameItemOtherRequest.Arrival, Convert.ToHexString(sameItemOtherRequest.RequestHash!)));
        // r-1 still answers with its item and its hash: the caller refuses the other content.
        Assert.Equal((item, Hex("first")), (sameIdOtherContent.Arrival, Convert.ToHexString(sameIdOtherContent.RequestHash!)));
        var found = await stores.PostalArrivals.FindRequestAsync("post-a", "r-2", CancellationToken.None);
        Assert.Equal((item, Hex("second")), (found!.Arrival, Convert.ToHexString(found.RequestHash!)));
        Assert.Null(await stores.PostalArrivals.FindRequestAsync("post-a", "r-3", CancellationToken.None));
        Assert.Null(await stores.PostalArrivals.FindRequestAsync("post-b", "r-1", CancellationToken.None));

        static string Hex(string content) => Convert.ToHexString(Hash(content));
    }

    [SkippableFact]
    public async Task ReferralAnswersAreCountedPerType()
    {
        var store = await OpenFreshStoreAsync();
        var d1 = await SubmitAsync(store, "filer-a", "d1", Day.AddHours(8), Channel.Express, "CN");
        var opened = d1.CreateTime.ToDateTimeOffset().AddSeconds(10);
        d1 = await DecideAsync(store, d1, DecisionOutcome.Hold, 10, Complete(d1), referrals: 1);
        var screening = Update(d1, d =>
        {
            d.Referrals[0].Type = ReferralType.HrcmScreening;
            d.Referrals[0].State = ReferralState.Answered;
            d.Referrals[0].RespondTime = Timestamp.FromDateTimeOffset(opened.AddSeconds(40));
        });
        screening = WithEvent(screening, DeclarationEventType.ReferralAnswered, screening.Declaration.Referrals[0]);
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(screening, CancellationToken.None)).Kind);

        var day = Assert.Single(await StoresOf(store).Reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.None), CancellationToken.None));

        Assert.Equal((1, 40e6), (day.ReferralsAnswered, Math.Round(day.ReferralResponseMedianMicros)));
        Assert.Equal((0, 1, 40e6), (day.InformationAnswered, day.ScreeningAnswered, Math.Round(day.ScreeningResponseMedianMicros)));
    }
}

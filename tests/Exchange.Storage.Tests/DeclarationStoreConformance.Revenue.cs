using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using Google.Protobuf.WellKnownTypes;
using Google.Type;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// Revenue as the stores keep it (docs/revenue.md): the duty assessment written with a declaration
/// feeds the report's revenue sums and the officers' IOSS monthly totals, the same on every store.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    private static Money Amount(string currency, long units, int nanos = 0) => new() { CurrencyCode = currency, Units = units, Nanos = nanos };

    /// <summary>Writes <paramref name="current"/> again with an assessment made at <paramref name="assessed"/>.</summary>
    private static async Task AssessAsync(
        IDeclarationStore store, Declaration current, DateTimeOffset assessed, Money due, Money paid, string ioss = "", Money? atSale = null)
    {
        var write = Update(current, d => d.DutyAssessment = new DutyAssessment
        {
            Name = d.Name + "/dutyAssessment",
            AmountDue = due,
            AmountPaid = paid,
            IossNumber = ioss,
            PaidAtSale = atSale ?? Amount(due.CurrencyCode, 0),
            CreateTime = Timestamp.FromDateTimeOffset(assessed),
        });
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(write, CancellationToken.None)).Kind);
    }

    /// <summary>
    /// r1 filer-a, IOSS IM0000000001, assessed in Nov 2026: EUR 6 due, EUR 2 paid, EUR 12.07 VAT at sale.
    /// r2 filer-b, IOSS IM0000000001, Nov 2026: nothing due, EUR 1.50 VAT at sale.
    /// r3 filer-a, IOSS IM0000000002, Dec 2026: EUR 3 VAT at sale. r4 filer-b, no IOSS: USD 10 due and paid.
    /// All received on 2026-11-30, so one report day holds them.
    /// </summary>
    private async Task<IReportStore> WriteRevenueDataSetAsync()
    {
        var store = await OpenFreshStoreAsync();
        var r1 = await SubmitAsync(store, "filer-a", "r1", Day.AddHours(8), Channel.Express, "CN");
        await AssessAsync(store, r1, Day.AddHours(20), Amount("EUR", 6), Amount("EUR", 2), "IM0000000001", Amount("EUR", 12, 70_000_000));
        var r2 = await SubmitAsync(store, "filer-b", "r2", Day.AddHours(9), Channel.Express, "CN");
        await AssessAsync(store, r2, Day.AddHours(21), Amount("EUR", 0), Amount("EUR", 0), "IM0000000001", Amount("EUR", 1, 500_000_000));
        var r3 = await SubmitAsync(store, "filer-a", "r3", Day.AddHours(10), Channel.Express, "CN");
        await AssessAsync(store, r3, Day.AddDays(1), Amount("EUR", 0), Amount("EUR", 0), "IM0000000002", Amount("EUR", 3));
        var r4 = await SubmitAsync(store, "filer-b", "r4", Day.AddHours(11), Channel.Postal, "CN");
        await AssessAsync(store, r4, Day.AddHours(22), Amount("USD", 10), Amount("USD", 10));
        return StoresOf(store).Reports;
    }

    [SkippableFact]
    public async Task TheReportSumsTheRevenueAssessedAndCollectedPerCurrency()
    {
        var reports = await WriteRevenueDataSetAsync();

        var day = Assert.Single(await reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.None), CancellationToken.None));

        Assert.Equal([new MoneySum("EUR", 6_000_000), new MoneySum("USD", 10_000_000)], day.RevenueAssessed!);
        Assert.Equal([new MoneySum("EUR", 2_000_000), new MoneySum("USD", 10_000_000)], day.RevenueCollected!);
    }

    [SkippableFact]
    public async Task IossTotalsSumTheVatAtSalePerNumberAndMonthPageByPage()
    {
        var reports = await WriteRevenueDataSetAsync();

        var all = await reports.ListIossMonthlySumsAsync(null, null, null, 10, CancellationToken.None);
        Assert.Equal(
            [new IossMonthlySum("IM0000000001", "2026-11", "EUR", 13_570_000, 2), new IossMonthlySum("IM0000000002", "2026-12", "EUR", 3_000_000, 1)],
            all);
        var first = Assert.Single(await reports.ListIossMonthlySumsAsync(null, null, null, 1, CancellationToken.None));
        Assert.Equal(all[0], first);
        Assert.Equal([all[1]], await reports.ListIossMonthlySumsAsync(null, null, first, 10, CancellationToken.None));
        Assert.Equal([all[1]], await reports.ListIossMonthlySumsAsync(null, "2026-12", null, 10, CancellationToken.None));
        Assert.Equal([all[0]], await reports.ListIossMonthlySumsAsync("IM0000000001", null, null, 10, CancellationToken.None));
        Assert.Empty(await reports.ListIossMonthlySumsAsync("IM0000000001", "2026-12", null, 10, CancellationToken.None));
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Duties;
using Exchange.Core.Monetary;
using Exchange.Testing;
using Google.Type;

namespace Exchange.Core.Tests.Duties;

/// <summary>
/// The profile, rates and declarations the duty tests share. The profile is the embedded default
/// (its rules, dates and VAT rates) with the illustrative duty tables replaced by small ones whose
/// rates the tests state, so the expected amounts can be computed by hand and do not move when the
/// default's illustrative rates are updated.
/// </summary>
internal static class DutyFixtures
{
    /// <summary>
    /// The default profile with test tables: CET 6206 12% (default 4%); IEEPA by origin AU 15.99,
    /// GB 10, VN 16, TH 25, IN 25.01, CN and HK 30 (default 10); HTSUS 6206 15% (default 0).
    /// </summary>
    public static TariffProfile Profile { get; } = BuildProfile();

    /// <summary>Base EUR: 1 EUR = 1.25 USD = 0.80 GBP, so conversions are exact.</summary>
    public static ExchangeRates Rates { get; } = new(
        "EUR",
        new Dictionary<string, decimal> { ["USD"] = 1.25m, ["GBP"] = 0.80m },
        new DateOnly(2026, 7, 1));

    public static DutyCalculator Calculator { get; } = new(Profile, Rates);

    /// <summary>Noon UTC on <paramref name="date"/>: the same local date in Brussels and in New York.</summary>
    public static DateTimeOffset On(string date) =>
        DateTimeOffset.Parse($"{date}T12:00:00Z", CultureInfo.InvariantCulture);

    public static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    /// <summary>
    /// An express marketplace sale (the shared sample) to <paramref name="destination"/> with the
    /// given items, no IOSS number, no transport charges or insurance unless set afterwards.
    /// </summary>
    public static Declaration Sale(string destination, params GoodsItem[] items)
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.IossNumber = "";
        declaration.Transport.DestinationCountryCode = destination;
        declaration.Totals.TransportCharges = null;
        declaration.Totals.Insurance = null;
        declaration.Items.Clear();
        declaration.Items.Add(items);
        return declaration;
    }

    /// <summary>A sale on the postal channel (an S10 item identifier instead of a waybill).</summary>
    public static Declaration PostalSale(string destination, params GoodsItem[] items)
    {
        var declaration = Sale(destination, items);
        declaration.Channel = Channel.Postal;
        declaration.TransportDocument = new TransportDocument { ItemIdentifier = "RB123456785CN" };
        return declaration;
    }

    /// <summary>The shared postal gift between private persons (CN to DE) with one item of <paramref name="value"/>.</summary>
    public static Declaration Gift(string destination, decimal value, string currency = "EUR", string origin = "CN")
    {
        var declaration = SampleDeclarations.PostalGift();
        declaration.Transport.DestinationCountryCode = destination;
        declaration.Items[0].Value = Money(value, currency);
        declaration.Items[0].OriginCountryCode = origin;
        return declaration;
    }

    public static GoodsItem Item(string hsCode, decimal value, string currency = "EUR", string origin = "CN", int quantity = 1) => new()
    {
        Description = $"Goods of HS {hsCode}",
        HsCode = hsCode,
        Quantity = SampleDeclarations.Pieces(quantity),
        NetWeightKg = SampleDeclarations.Dec("0.2"),
        Value = Money(value, currency),
        OriginCountryCode = origin,
    };

    public static Money Money(decimal amount, string currency) => ExactMoney.FromDecimal(amount, currency);

    /// <summary>The estimate, which must exist.</summary>
    public static DutyEstimate Estimate(Declaration declaration, DateTimeOffset acceptedAt) =>
        Calculator.Estimate(declaration, acceptedAt) ?? throw new Xunit.Sdk.XunitException("Expected an estimate, got none.");

    /// <summary>Asserts duty, tax and total (and that total = duty + tax, all in <paramref name="currency"/>).</summary>
    public static void AssertAmounts(DutyEstimate estimate, string currency, decimal duty, decimal tax)
    {
        AssertMoney(currency, duty, estimate.Duty);
        AssertMoney(currency, tax, estimate.Tax);
        AssertMoney(currency, duty + tax, estimate.Total);
    }

    public static void AssertMoney(string currency, decimal amount, Money money)
    {
        Assert.Equal(currency, money.CurrencyCode);
        Assert.Equal(amount, ExactMoney.ToDecimal(money));
    }

    /// <summary>The single line of <paramref name="ruleId"/>.</summary>
    public static DutyLine Line(DutyEstimate estimate, string ruleId) =>
        Assert.Single(estimate.Lines, line => line.RuleId == ruleId);

    public static IReadOnlyList<string> RuleIds(DutyEstimate estimate) => [.. estimate.Lines.Select(line => line.RuleId)];

    private static TariffProfile BuildProfile()
    {
        var root = JsonNode.Parse(TariffProfile.DefaultJson)!;
        var eu = root["jurisdictions"]![0]!;
        var us = root["jurisdictions"]![1]!;
        eu["rateTables"]!["CET"] = Table("tariffCode", "4", ("6206", "12"));
        us["rateTables"]!["IEEPA"] = Table("originCountry", "10",
            ("AU", "15.99"), ("GB", "10"), ("VN", "16"), ("TH", "25"), ("IN", "25.01"), ("CN", "30"), ("HK", "30"));
        us["rateTables"]!["HTSUS"] = Table("tariffCode", "0", ("6206", "15"));
        return TariffProfile.Parse(root.ToJsonString(), "test profile (default rules, test rates)");
    }

    private static JsonObject Table(string keyedBy, string defaultPercent, params (string Key, string Percent)[] rates)
    {
        var table = new JsonObject();
        foreach (var (key, percent) in rates)
        {
            table[key] = percent;
        }
        return new JsonObject { ["keyedBy"] = keyedBy, ["default"] = defaultPercent, ["rates"] = table };
    }
}

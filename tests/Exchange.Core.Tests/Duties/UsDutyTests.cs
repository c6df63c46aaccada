using Exchange.Contracts.Declaration.V1;
using static Exchange.Core.Tests.Duties.DutyFixtures;

namespace Exchange.Core.Tests.Duties;

/// <summary>
/// US duties with the default rules: de minimis USD 800 until 28 Aug 2025 (without goods of CN/HK
/// from 2 May 2025), suspended from 29 Aug 2025 (EO 14324); the postal specific duty until
/// 27 Feb 2026, ad valorem after; gifts up to USD 100 exempt; no tax. Test rates: IEEPA AU 15.99,
/// GB 10, VN 16, TH 25, IN 25.01, CN/HK 30 (else 10); HTSUS 6206 15% (else 0). Amounts in USD.
/// </summary>
public sealed class UsDutyTests
{
    /// <summary>An express sale to the US of one item of USD <paramref name="value"/>.</summary>
    private static Declaration Express(string origin, decimal value = 100m, string hsCode = "6206300000") =>
        Sale("US", Item(hsCode, value, "USD", origin));

    [Fact]
    public void Until_28_August_2025_a_consignment_up_to_USD_800_is_free_under_de_minimis()
    {
        var estimate = Estimate(Express("GB"), On("2025-08-28"));

        AssertAmounts(estimate, "USD", duty: 0m, tax: 0m);
        Assert.Equal(["us-de-minimis-except-cn-hk", "us-no-import-tax"], RuleIds(estimate));
        Assert.Equal("US", estimate.Jurisdiction);
    }

    [Fact]
    public void From_29_August_2025_de_minimis_is_suspended_and_non_postal_goods_pay_IEEPA_plus_HTSUS()
    {
        var estimate = Estimate(Express("GB"), On("2025-08-29"));

        // (IEEPA GB 10% + HTSUS 6206 15%) of USD 100 = 25.00, on the goods alone (FOB).
        AssertAmounts(estimate, "USD", duty: 25.00m, tax: 0m);
        Assert.Equal(["us-de-minimis-suspended", "us-ad-valorem", "us-no-import-tax"], RuleIds(estimate));
        Assert.Equal(
            "Item 1 (HS 6206300000, origin GB): IEEPA GB 10% + HTSUS 6206 15% = 25% of USD 100.00",
            Line(estimate, "us-ad-valorem").Description);
        Assert.Contains("EO 14324", Line(estimate, "us-de-minimis-suspended").LegalSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Transport_is_not_part_of_the_US_customs_value()
    {
        var declaration = Express("GB");
        declaration.Totals.TransportCharges = Money(20m, "USD");

        var estimate = Estimate(declaration, On("2025-08-29"));

        AssertMoney("USD", 25.00m, estimate.Duty);
    }

    [Fact]
    public void Goods_of_China_keep_de_minimis_until_1_May_2025()
    {
        var estimate = Estimate(Express("CN"), On("2025-05-01"));

        AssertAmounts(estimate, "USD", duty: 0m, tax: 0m);
        Assert.Equal(["us-de-minimis", "us-no-import-tax"], RuleIds(estimate));
    }

    [Fact]
    public void From_2_May_2025_goods_of_China_are_excluded_from_de_minimis()
    {
        var estimate = Estimate(Express("CN"), On("2025-05-02"));

        // (IEEPA CN 30% + HTSUS 6206 15%) of USD 100 = 45.00.
        AssertAmounts(estimate, "USD", duty: 45.00m, tax: 0m);
        Assert.Equal(["us-de-minimis-except-cn-hk", "us-ad-valorem", "us-no-import-tax"], RuleIds(estimate));
        Assert.Equal(
            "Relief not available for item 1: goods of CN, HK origin are excluded; duty is due",
            estimate.Lines[0].Description);
    }

    [Theory]
    [InlineData("2025-05-02T03:59:00Z", 0)] // 23:59 EDT on 1 May
    [InlineData("2025-05-02T04:00:00Z", 45)] // 00:00 EDT on 2 May (the EO: 12:01 a.m.)
    public void The_effective_date_is_read_in_New_York_time(string acceptedAt, int duty)
    {
        var estimate = Estimate(Express("HK"), At(acceptedAt));

        AssertMoney("USD", duty, estimate.Duty);
    }

    [Fact]
    public void In_a_mixed_parcel_only_the_goods_of_China_lose_de_minimis()
    {
        var declaration = Sale("US", Item("6206300000", 100m, "USD", "GB"), Item("950300", 50m, "USD", "CN"));

        var estimate = Estimate(declaration, On("2025-06-15"));

        // Item 1 (GB) relieved; item 2 (CN): IEEPA 30% + HTSUS default 0% of USD 50 = 15.00.
        AssertAmounts(estimate, "USD", duty: 15.00m, tax: 0m);
        Assert.Equal(
            ["us-de-minimis-except-cn-hk", "us-de-minimis-except-cn-hk", "us-ad-valorem", "us-no-import-tax"],
            RuleIds(estimate));
        Assert.Equal("Consignment free of import duty (item 1): intrinsic value USD 150.00 does not exceed USD 800.00", estimate.Lines[0].Description);
        Assert.StartsWith("Item 2 (HS 950300, origin CN): IEEPA CN 30% + HTSUS default 0% = 30%", estimate.Lines[2].Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2025-04-04", "us-mfn-ad-valorem", 150.00)] // HTSUS 15% only, before the IEEPA duties
    [InlineData("2025-04-05", "us-ad-valorem", 250.00)] // IEEPA GB 10% + HTSUS 15%
    public void Above_USD_800_duty_is_due_with_the_tariff_in_force(string date, string ruleId, double duty)
    {
        var estimate = Estimate(Express("GB", 1000m), On(date));

        AssertMoney("USD", (decimal)duty, estimate.Duty);
        Assert.Equal([ruleId, "us-no-import-tax"], RuleIds(estimate));
    }

    [Theory]
    [InlineData("GB", 80)] // 10%: below 16%
    [InlineData("AU", 80)] // 15.99%: below 16%
    [InlineData("VN", 160)] // 16%: 16% to 25%, lower edge included
    [InlineData("TH", 160)] // 25%: 16% to 25%, upper edge included
    [InlineData("IN", 200)] // 25.01%: over 25%
    [InlineData("CN", 200)] // 30%
    public void A_postal_item_pays_the_specific_duty_of_its_origins_band(string origin, int amount)
    {
        var declaration = PostalSale("US", Item("6206300000", 150m, "USD", origin));

        var estimate = Estimate(declaration, On("2025-08-29"));

        AssertAmounts(estimate, "USD", duty: amount, tax: 0m);
        Assert.Equal(["us-de-minimis-suspended", "us-postal-specific-duty", "us-no-import-tax"], RuleIds(estimate));
    }

    [Fact]
    public void The_specific_duty_line_names_the_rate_and_the_band()
    {
        var estimate = Estimate(PostalSale("US", Item("6206300000", 150m, "USD", "VN")), On("2025-08-29"));

        Assert.Equal(
            "USD 160.00 per postal item (this parcel): highest effective rate IEEPA VN 16% is 16% to 25%",
            Line(estimate, "us-postal-specific-duty").Description);
    }

    [Fact]
    public void The_specific_duty_is_per_parcel_and_the_highest_origin_rate_decides_the_band()
    {
        var declaration = PostalSale("US",
            Item("6206300000", 20m, "USD", "GB"), Item("950300", 20m, "USD", "CN"), Item("392690", 20m, "USD", "GB"));

        var estimate = Estimate(declaration, On("2025-12-01"));

        // One parcel, three items: one specific duty, in CN's band (30% is over 25%).
        AssertAmounts(estimate, "USD", duty: 200m, tax: 0m);
        Assert.EndsWith("highest effective rate IEEPA CN 30% is over 25%", Line(estimate, "us-postal-specific-duty").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void The_specific_duty_is_offered_until_27_February_2026()
    {
        var estimate = Estimate(PostalSale("US", Item("6206300000", 150m, "USD", "GB")), On("2026-02-27"));

        AssertMoney("USD", 80m, estimate.Duty);
    }

    [Fact]
    public void From_28_February_2026_postal_items_pay_the_IEEPA_rate_ad_valorem_without_HTSUS()
    {
        var estimate = Estimate(PostalSale("US", Item("6206300000", 150m, "USD", "GB")), On("2026-02-28"));

        // IEEPA GB 10% of USD 150 = 15.00; no HTSUS rate on postal items.
        AssertAmounts(estimate, "USD", duty: 15.00m, tax: 0m);
        Assert.Equal(["us-de-minimis-suspended", "us-postal-ad-valorem", "us-no-import-tax"], RuleIds(estimate));
        Assert.Equal("Item 1 (HS 6206300000, origin GB): IEEPA GB 10% of USD 150.00", Line(estimate, "us-postal-ad-valorem").Description);
    }

    [Theory]
    [InlineData("100.00", 0)] // a bona fide gift up to USD 100 is exempt
    [InlineData("100.01", 200)] // above: the postal specific duty of CN's band
    public void After_29_August_2025_gifts_up_to_USD_100_are_still_exempt(string value, int duty)
    {
        var declaration = Gift("US", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture), "USD");

        var estimate = Estimate(declaration, On("2025-09-01"));

        AssertMoney("USD", duty, estimate.Duty);
        Assert.Equal(duty == 0 ? "us-gift-exemption" : "us-de-minimis-suspended", estimate.Lines[0].RuleId);
    }

    [Fact]
    public void A_gift_of_Chinese_origin_keeps_the_gift_exemption_in_May_2025()
    {
        var estimate = Estimate(Gift("US", 50m, "USD"), On("2025-05-15"));

        AssertMoney("USD", 0m, estimate.Duty);
        Assert.Equal("Gift free of import duty: intrinsic value USD 50.00 does not exceed USD 100.00", Line(estimate, "us-gift-exemption").Description);
    }

    [Fact]
    public void No_tax_is_collected_at_importation_and_a_line_says_so()
    {
        var estimate = Estimate(Express("GB"), On("2025-09-01"));

        var line = Line(estimate, "us-no-import-tax");
        AssertMoney("USD", 0m, line.Amount);
        AssertMoney("USD", 0m, estimate.Tax);
        Assert.Equal("No VAT or sales tax is collected at importation into the United States", line.Description);
    }

    [Fact]
    public void Puerto_Rico_is_in_the_US_customs_territory()
    {
        var estimate = Estimate(Sale("PR", Item("6206300000", 100m, "USD", "GB")), On("2025-09-01"));

        Assert.Equal("US", estimate.Jurisdiction);
        AssertMoney("USD", 25.00m, estimate.Duty);
    }
}

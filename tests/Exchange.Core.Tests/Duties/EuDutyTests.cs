using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;
using static Exchange.Core.Tests.Duties.DutyFixtures;

namespace Exchange.Core.Tests.Duties;

/// <summary>
/// EU duties and VAT with the default rules: relief up to EUR 150 until 30 June 2026, the EUR 3
/// per subheading from 1 July 2026 to 30 June 2028, the normal tariff after, VAT of the member
/// state. Test tariff: CET 6206 at 12%, else 4%. VAT: NL 21%, DE 19% (the default's rates).
/// </summary>
public sealed class EuDutyTests
{
    /// <summary>The Council's example: 1 silk blouse (6206 10) and 2 wool blouses (6206 20), EUR 100, transport EUR 5, to NL.</summary>
    private static Declaration Blouses()
    {
        var declaration = Sale("NL", Item("620610", 40m), Item("620620", 60m, quantity: 2));
        declaration.Totals.TransportCharges = Money(5m, "EUR");
        return declaration;
    }

    [Fact]
    public void One_silk_and_two_wool_blouses_are_two_subheadings_so_EUR_6_from_1_July_2026()
    {
        var estimate = Estimate(Blouses(), On("2026-07-01"));

        // Duty 2 x EUR 3; VAT 21% of (100 + 5 + 6) = 111 x 0.21 = 23.31.
        AssertAmounts(estimate, "EUR", duty: 6.00m, tax: 23.31m);
        var line = Line(estimate, "eu-flat-duty-per-subheading");
        Assert.Equal("EUR 3.00 x 2 distinct tariff subheadings (620610, 620620)", line.Description);
        AssertMoney("EUR", 6.00m, line.Amount);
        Assert.Contains("approved 11 Feb 2026", line.LegalSource, StringComparison.Ordinal);
        Assert.Equal("EU", estimate.Jurisdiction);
        AssertMoney("EUR", 100.00m, estimate.IntrinsicValue);
        Assert.Equal("", estimate.RatesNote);
    }

    [Fact]
    public void The_same_blouses_are_relieved_of_duty_on_30_June_2026()
    {
        var estimate = Estimate(Blouses(), On("2026-06-30"));

        // No duty; VAT 21% of (100 + 5) = 22.05.
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 22.05m);
        Assert.Equal(["eu-low-value-relief", "eu-vat"], RuleIds(estimate));
        var relief = Line(estimate, "eu-low-value-relief");
        Assert.Equal("Consignment free of import duty: intrinsic value EUR 100.00 does not exceed EUR 150.00", relief.Description);
        Assert.Contains("Art. 23(1) Reg. (EC) 1186/2009", relief.LegalSource, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-06-30T21:59:00Z", 0)] // 23:59 CEST on 30 June in Brussels
    [InlineData("2026-06-30T22:00:00Z", 6)] // 00:00 CEST on 1 July in Brussels
    public void The_effective_date_is_read_in_Brussels_time(string acceptedAt, int duty)
    {
        var estimate = Estimate(Blouses(), At(acceptedAt));

        AssertMoney("EUR", duty, estimate.Duty);
    }

    [Fact]
    public void The_flat_duty_still_applies_on_30_June_2028()
    {
        var estimate = Estimate(Blouses(), On("2028-06-30"));

        AssertAmounts(estimate, "EUR", duty: 6.00m, tax: 23.31m);
    }

    [Fact]
    public void From_1_July_2028_the_normal_tariff_applies_to_the_customs_value_with_transport()
    {
        var estimate = Estimate(Blouses(), On("2028-07-01"));

        // Transport 5 shared by value: 2 on the 40, 3 on the 60. 12% of 42 = 5.04, 12% of 63 = 7.56.
        // VAT 21% of (100 + 5 + 12.60) = 117.60 x 0.21 = 24.696 -> 24.70.
        AssertAmounts(estimate, "EUR", duty: 12.60m, tax: 24.70m);
        Assert.Equal(["eu-ad-valorem", "eu-ad-valorem", "eu-vat"], RuleIds(estimate));
        Assert.Equal(
            "Item 1 (HS 620610, origin CN): CET 6206 12% of EUR 42.00 (goods EUR 40.00 + transport and insurance EUR 2.00)",
            estimate.Lines[0].Description);
        AssertMoney("EUR", 5.04m, estimate.Lines[0].Amount);
        AssertMoney("EUR", 7.56m, estimate.Lines[1].Amount);
    }

    [Fact]
    public void Above_EUR_150_the_normal_tariff_applies_even_during_the_flat_duty_with_each_line_rounded()
    {
        var declaration = Sale("DE", Item("620610", 100m), Item("620620", 80m));
        declaration.Totals.TransportCharges = Money(10m, "EUR");

        var estimate = Estimate(declaration, On("2026-07-01"));

        // Transport 10 shared 100:80 -> 5.5555..., 4.4444...
        // 12% of 105.5555... = 12.6666... -> 12.67; 12% of 84.4444... = 10.1333... -> 10.13; duty 22.80.
        // VAT DE 19% of (180 + 10 + 22.80) = 212.80 x 0.19 = 40.432 -> 40.43.
        AssertAmounts(estimate, "EUR", duty: 22.80m, tax: 40.43m);
        AssertMoney("EUR", 12.67m, estimate.Lines[0].Amount);
        AssertMoney("EUR", 10.13m, estimate.Lines[1].Amount);
        Assert.Equal(
            "VAT 19% (DE) of EUR 212.80 (goods EUR 180.00 + transport EUR 10.00 + duty EUR 22.80): import VAT, collected at importation",
            Line(estimate, "eu-vat").Description);
    }

    [Theory]
    [InlineData("150.00", 3.00)] // "not exceeding EUR 150": the flat duty
    [InlineData("150.01", 18.00)] // 12% of 150.01 = 18.0012 -> 18.00
    public void The_EUR_150_ceiling_is_inclusive(string value, double duty)
    {
        var estimate = Estimate(Sale("NL", Item("620610", decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture))), On("2026-07-01"));

        AssertMoney("EUR", (decimal)duty, estimate.Duty);
    }

    [Fact]
    public void A_subheading_is_the_first_six_digits_and_items_without_a_code_count_one_each()
    {
        var declaration = Sale("NL",
            Item("620610", 10m), Item("6206100090", 10m), Item("", 10m), Item("", 10m));

        var estimate = Estimate(declaration, On("2026-07-01"));

        // 620610 once (the 10-digit code is the same subheading) + 2 items without a code = 3 x EUR 3.
        var line = Line(estimate, "eu-flat-duty-per-subheading");
        AssertMoney("EUR", 9.00m, line.Amount);
        Assert.Equal(
            "EUR 3.00 x 3 distinct tariff subheadings (620610; items 3 and 4 without an HS code, each counted on its own)",
            line.Description);
    }

    [Fact]
    public void The_flat_duty_is_for_sales_other_consignments_up_to_EUR_150_pay_the_normal_tariff()
    {
        var declaration = Sale("NL", Item("620610", 50m));
        declaration.Category = ItemCategory.CommercialSample;

        var estimate = Estimate(declaration, On("2026-07-01"));

        // 12% of 50 = 6.00, not EUR 3.
        Assert.Equal(["eu-ad-valorem", "eu-vat"], RuleIds(estimate));
        AssertMoney("EUR", 6.00m, estimate.Duty);
    }

    [Fact]
    public void With_an_IOSS_number_the_VAT_is_charged_by_the_seller_through_IOSS()
    {
        // The shared sample: NL, IOSS IM5280001234, EUR 39.98 (8518300000) + EUR 7.50 (392690), transport EUR 4.
        var declaration = SampleDeclarations.ExpressMarketplaceSale();

        var estimate = Estimate(declaration, On("2026-07-01"));

        // 2 subheadings (851830, 392690) = EUR 6; VAT 21% of (47.48 + 4 + 6) = 57.48 x 0.21 = 12.0708 -> 12.07.
        AssertAmounts(estimate, "EUR", duty: 6.00m, tax: 12.07m);
        Assert.Equal(
            "VAT 21% (NL) of EUR 57.48 (goods EUR 47.48 + transport EUR 4.00 + duty EUR 6.00): charged by the seller through IOSS IM5280001234; the importation is exempt",
            Line(estimate, "eu-vat").Description);
        Assert.Contains("369l", Line(estimate, "eu-vat").LegalSource, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_an_IOSS_number_the_same_VAT_is_import_VAT()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.IossNumber = "";

        var estimate = Estimate(declaration, On("2026-06-30"));

        // No duty; VAT 21% of (47.48 + 4) = 51.48 x 0.21 = 10.8108 -> 10.81.
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 10.81m);
        Assert.EndsWith(": import VAT, collected at importation", Line(estimate, "eu-vat").Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Above_the_IOSS_ceiling_the_VAT_is_import_VAT_even_with_an_IOSS_number()
    {
        var declaration = Sale("NL", Item("620610", 200m));
        declaration.IossNumber = "IM5280001234";

        var estimate = Estimate(declaration, On("2026-06-30"));

        // 12% of 200 = 24; VAT 21% of 224 = 47.04.
        AssertAmounts(estimate, "EUR", duty: 24.00m, tax: 47.04m);
        Assert.EndsWith(": import VAT, collected at importation", Line(estimate, "eu-vat").Description, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-06-30")]
    [InlineData("2026-07-01")]
    public void A_gift_between_private_persons_up_to_EUR_45_is_free_of_duty_and_VAT_before_and_after_the_change(string date)
    {
        // The shared postal gift: CN to DE, EUR 25, transport EUR 6.50, both natural persons.
        var estimate = Estimate(Gift("DE", 25m), On(date));

        AssertAmounts(estimate, "EUR", duty: 0m, tax: 0m);
        Assert.Equal(["eu-gift-relief", "eu-vat"], RuleIds(estimate));
        Assert.Equal(
            "Gift between private persons free of import duty and VAT: intrinsic value EUR 25.00 does not exceed EUR 45.00",
            Line(estimate, "eu-gift-relief").Description);
        Assert.Equal("No VAT: the consignment is relieved of it under eu-gift-relief", Line(estimate, "eu-vat").Description);
    }

    [Fact]
    public void A_gift_from_a_company_is_not_a_gift_between_private_persons()
    {
        var declaration = Gift("DE", 25m);
        declaration.Consignor.Type = PartyType.LegalPerson;

        var estimate = Estimate(declaration, On("2026-06-30"));

        // Low-value relief for the duty; VAT 19% of (25 + 6.50) = 5.985 -> 5.99 (half away from zero).
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 5.99m);
        Assert.Equal(["eu-low-value-relief", "eu-vat"], RuleIds(estimate));
    }

    [Fact]
    public void A_gift_above_EUR_45_pays_the_normal_tariff_from_1_July_2026_not_the_flat_duty()
    {
        var estimate = Estimate(Gift("DE", 50m), On("2026-07-01"));

        // HS 611710 at the default 4% of (50 + 6.50) = 2.26; VAT 19% of (50 + 6.50 + 2.26) = 58.76 x 0.19 = 11.1644 -> 11.16.
        AssertAmounts(estimate, "EUR", duty: 2.26m, tax: 11.16m);
        Assert.Equal(["eu-ad-valorem", "eu-vat"], RuleIds(estimate));
    }

    [Fact]
    public void VAT_is_rounded_half_away_from_zero()
    {
        var estimate = Estimate(Sale("NL", Item("620610", 12.50m)), On("2026-06-30"));

        // 21% of 12.50 = 2.625 -> 2.63 (banker's rounding would give 2.62).
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 2.63m);
    }

    [Fact]
    public void Insurance_is_part_of_the_customs_value_and_of_the_VAT_base()
    {
        var declaration = Sale("NL", Item("620610", 100m));
        declaration.Totals.TransportCharges = Money(10m, "EUR");
        declaration.Totals.Insurance = Money(2m, "EUR");

        var estimate = Estimate(declaration, On("2028-07-01"));

        // 12% of (100 + 10 + 2) = 13.44; VAT 21% of (112 + 13.44) = 125.44 x 0.21 = 26.3424 -> 26.34.
        AssertAmounts(estimate, "EUR", duty: 13.44m, tax: 26.34m);
    }
}

using Exchange.Core.Duties;
using Exchange.Core.Monetary;
using static Exchange.Core.Tests.Duties.DutyFixtures;

namespace Exchange.Core.Tests.Duties;

/// <summary>What the calculator does whatever the jurisdiction: currencies, coverage, rounding.</summary>
public sealed class DutyCalculatorTests
{
    [Fact]
    public void US_dollar_values_are_converted_to_euros_exactly()
    {
        // 1 EUR = 1.25 USD: USD 50 + USD 75 = EUR 40 + EUR 60; transport USD 6.25 = EUR 5.
        var declaration = Sale("NL", Item("620610", 50m, "USD"), Item("620620", 75m, "USD", quantity: 2));
        declaration.Totals.TransportCharges = Money(6.25m, "USD");

        var estimate = Estimate(declaration, On("2026-07-01"));

        // As for the same blouses in euros: duty 2 x 3, VAT 21% of (100 + 5 + 6) = 23.31.
        AssertMoney("EUR", 100.00m, estimate.IntrinsicValue);
        AssertAmounts(estimate, "EUR", duty: 6.00m, tax: 23.31m);
        Assert.Equal("1 EUR = 1.2500 USD (rates of 2026-07-01)", estimate.RatesNote);
    }

    [Fact]
    public void A_conversion_that_does_not_terminate_is_rounded_once_at_the_end_of_each_line()
    {
        var rates = new ExchangeRates("EUR", new Dictionary<string, decimal> { ["USD"] = 1.0850m }, new DateOnly(2026, 7, 1));
        var calculator = new DutyCalculator(Profile, rates);

        var estimate = calculator.Estimate(Sale("NL", Item("620610", 100m, "USD")), On("2026-06-30"))!;

        // USD 100 / 1.0850 = EUR 92.165898617511520737327188940 (shown 92.17);
        // VAT 21% of the unrounded value = 19.3548387096774... -> 19.35 (21% of 92.17 would be 19.3557 -> 19.36).
        AssertMoney("EUR", 92.17m, estimate.IntrinsicValue);
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 19.35m);
        Assert.Equal("1 EUR = 1.0850 USD (rates of 2026-07-01)", estimate.RatesNote);
    }

    [Theory]
    [InlineData("187.50", "eu-flat-duty-per-subheading")] // EUR 150.000: not exceeding EUR 150
    [InlineData("187.51", "eu-ad-valorem")] // EUR 150.008, to the cent 150.01: exceeds
    public void Thresholds_compare_the_converted_value_to_the_cent(string usd, string ruleId)
    {
        var value = decimal.Parse(usd, System.Globalization.CultureInfo.InvariantCulture);

        var estimate = Estimate(Sale("NL", Item("620610", value, "USD")), On("2026-07-01"));

        Assert.Equal(ruleId, estimate.Lines[0].RuleId);
    }

    [Fact]
    public void Euro_values_are_converted_to_US_dollars()
    {
        // EUR 80 = USD 100; (IEEPA GB 10% + HTSUS 15%) of 100 = 25.00.
        var estimate = Estimate(Sale("US", Item("6206300000", 80m, "EUR", "GB")), On("2025-09-01"));

        AssertMoney("USD", 100.00m, estimate.IntrinsicValue);
        AssertAmounts(estimate, "USD", duty: 25.00m, tax: 0m);
        Assert.Equal("1 EUR = 1.2500 USD (rates of 2026-07-01)", estimate.RatesNote);
    }

    [Fact]
    public void A_conversion_between_two_other_currencies_goes_through_the_base_and_names_both_rates()
    {
        // GBP 80 = EUR 100 = USD 125; 25% of 125 = 31.25.
        var estimate = Estimate(Sale("US", Item("6206300000", 80m, "GBP", "GB")), On("2025-09-01"));

        AssertMoney("USD", 125.00m, estimate.IntrinsicValue);
        AssertMoney("USD", 31.25m, estimate.Duty);
        Assert.Equal("1 EUR = 0.8000 GBP (rates of 2026-07-01); 1 EUR = 1.2500 USD (rates of 2026-07-01)", estimate.RatesNote);
    }

    [Fact]
    public void Transport_charges_in_another_currency_are_converted_and_noted()
    {
        var declaration = Sale("NL", Item("620610", 100m));
        declaration.Totals.TransportCharges = Money(12.50m, "USD");

        var estimate = Estimate(declaration, On("2026-06-30"));

        // Transport USD 12.50 = EUR 10; VAT 21% of 110 = 23.10.
        AssertAmounts(estimate, "EUR", duty: 0m, tax: 23.10m);
        Assert.Equal("1 EUR = 1.2500 USD (rates of 2026-07-01)", estimate.RatesNote);
    }

    [Fact]
    public void A_currency_the_rates_do_not_know_gives_no_estimate()
    {
        Assert.Null(Calculator.Estimate(Sale("NL", Item("620610", 1000m, "JPY")), On("2026-07-01")));
    }

    [Theory]
    [InlineData("CH")] // not configured
    [InlineData("GB")]
    public void A_destination_no_jurisdiction_covers_gives_no_estimate(string destination)
    {
        Assert.Null(Calculator.Estimate(Sale(destination, Item("620610", 10m)), On("2026-07-01")));
    }

    [Fact]
    public void A_consignment_within_the_jurisdiction_is_no_importation()
    {
        var declaration = Sale("NL", Item("620610", 10m));
        declaration.Transport.DepartureCountryCode = "DE";

        Assert.Null(Calculator.Estimate(declaration, On("2026-07-01")));
    }

    [Fact]
    public void Before_the_first_rule_the_estimate_says_what_it_could_not_estimate()
    {
        var estimate = Estimate(Sale("NL", Item("620610", 10m), Item("620620", 10m)), On("2021-06-30"));

        AssertAmounts(estimate, "EUR", duty: 0m, tax: 0m);
        var line = Line(estimate, "no-duty-rule");
        Assert.Equal("No duty rule in force on 2021-06-30 covers items 1 and 2: their duty is not estimated", line.Description);
    }

    [Theory]
    [InlineData("NL", "2026-06-30")]
    [InlineData("NL", "2026-07-01")]
    [InlineData("NL", "2028-07-01")]
    [InlineData("US", "2025-05-02")]
    [InlineData("US", "2025-08-29")]
    [InlineData("US", "2026-02-28")]
    public void Every_line_cites_its_legal_source(string destination, string date)
    {
        var declaration = PostalSale(destination, Item("620610", 40m, origin: "CN"), Item("620620", 60m, origin: "GB"));

        var estimate = Estimate(declaration, On(date));

        Assert.NotEmpty(estimate.Lines);
        Assert.All(estimate.Lines, line => Assert.False(string.IsNullOrWhiteSpace(line.LegalSource), line.RuleId));
    }

    [Fact]
    public void Rates_that_do_not_know_a_jurisdictions_currency_are_refused_at_construction()
    {
        var rates = new ExchangeRates("EUR", new Dictionary<string, decimal> { ["GBP"] = 0.8m }, new DateOnly(2026, 7, 1));

        var error = Assert.Throws<ArgumentException>(() => new DutyCalculator(Profile, rates));

        Assert.Contains("US (USD)", error.Message, StringComparison.Ordinal);
    }
}

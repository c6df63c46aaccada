using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Configuration;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class UndervaluationRuleTests
{
    private const string Rule = """
        {
          "id": "undervaluation", "kind": "UNDERVALUATION", "weight": 40, "referralType": "REQUEST_FOR_INFORMATION",
          "ratio": "0.3",
          "references": [
            { "subheading": "851713", "label": "smartphones", "unitValue": "150.00", "currency": "EUR" },
            { "subheading": "640411", "label": "trainers", "unitValue": "30", "currency": "USD", "unitCodes": ["PR"] }
          ]
        }
        """;

    private static readonly RiskEngine Engine = RiskFixtures.Engine(Rule);

    private static Declaration Phones(int count, string currency, long units, int nanos) => GiftWithItem(i =>
    {
        i.HsCode = "8517130000";
        i.Quantity = SampleDeclarations.Pieces(count);
        i.Value = SampleDeclarations.Money(currency, units, nanos);
    });

    [Fact]
    public void A_unit_value_just_below_the_ratio_of_the_reference_is_a_hit()
    {
        // Two phones for EUR 89.98: EUR 44.99 each, under 0.3 x EUR 150 = EUR 45.
        var assessment = Engine.Assess(Phones(2, "EUR", 89, 980_000_000), Quiet);

        var hit = SingleHit(assessment);
        Assert.Equal(RuleKind.Undervaluation, hit.Kind);
        Assert.Equal(40, hit.Weight);
        Assert.Equal(ReferralType.RequestForInformation, hit.ReferralType);
        Assert.Equal(["items[0].value"], hit.FieldPaths);
        Assert.Equal("items[0].value is EUR 44.99 per H87 of subheading 851713 (smartphones), 29.99% of the reference EUR 150.00, below 30%", hit.Reason);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal([ReferralType.RequestForInformation], assessment.ReferralTypes);
    }

    [Theory]
    [InlineData(90, 0)] // EUR 45.00 each: exactly the ratio, not below it
    [InlineData(90, 20_000_000)] // EUR 45.01 each
    public void A_unit_value_at_or_above_the_ratio_is_not_a_hit(long units, int nanos) =>
        Assert.Empty(Engine.Assess(Phones(2, "EUR", units, nanos), Quiet).Hits);

    [Fact]
    public void The_item_value_is_converted_to_the_reference_currency_first()
    {
        // USD 56.24 = EUR 44.992 (1 EUR = 1.25 USD): below EUR 45; USD 56.25 = EUR 45.00: not below.
        Assert.Single(Engine.Assess(Phones(1, "USD", 56, 240_000_000), Quiet).Hits);
        Assert.Empty(Engine.Assess(Phones(1, "USD", 56, 250_000_000), Quiet).Hits);
        // CNY 359.99 = EUR 44.99875 (1 EUR = 8 CNY).
        Assert.Single(Engine.Assess(Phones(1, "CNY", 359, 990_000_000), Quiet).Hits);
    }

    [Fact]
    public void A_reference_in_another_currency_compares_in_that_currency()
    {
        // Trainers: reference USD 30, threshold USD 9 per pair. EUR 7.19 = USD 8.9875.
        var trainers = GiftWithItem(i =>
        {
            i.HsCode = "640411";
            i.Quantity = new Quantity { Value = SampleDeclarations.Dec("1"), UnitCode = "PR" };
            i.Value = SampleDeclarations.Money("EUR", 7, 190_000_000);
        });
        Assert.Contains("USD 8.99 per PR of subheading 640411 (trainers)", SingleHit(Engine.Assess(trainers, Quiet)).Reason);

        trainers.Items[0].Value = SampleDeclarations.Money("EUR", 7, 200_000_000); // USD 9.00
        Assert.Empty(Engine.Assess(trainers, Quiet).Hits);
    }

    [Fact]
    public void Fractional_and_zero_padded_quantities_are_read_exactly()
    {
        var phones = Phones(1, "EUR", 89, 980_000_000);
        phones.Items[0].Quantity.Value = SampleDeclarations.Dec("2.000");
        Assert.Single(Engine.Assess(phones, Quiet).Hits);

        // 1.5 pieces at EUR 67.50 is EUR 45.00 each: not below.
        phones.Items[0].Quantity.Value = SampleDeclarations.Dec("1.5");
        phones.Items[0].Value = SampleDeclarations.Money("EUR", 67, 500_000_000);
        Assert.Empty(Engine.Assess(phones, Quiet).Hits);
    }

    [Fact]
    public void Items_in_another_unit_than_the_reference_are_not_compared()
    {
        var trainersByWeight = GiftWithItem(i =>
        {
            i.HsCode = "640411";
            i.Quantity = new Quantity { Value = SampleDeclarations.Dec("2"), UnitCode = "KGM" };
            i.Value = SampleDeclarations.Money("EUR", 1, 0);
        });
        Assert.Empty(Engine.Assess(trainersByWeight, Quiet).Hits);
    }

    [Fact]
    public void Items_without_an_hs_code_or_without_a_reference_cannot_be_checked()
    {
        Assert.Empty(Engine.Assess(GiftWithItem(i => { i.HsCode = ""; i.Value = SampleDeclarations.Money("EUR", 0, 10_000_000); }), Quiet).Hits);
        Assert.Empty(Engine.Assess(GiftWithItem(i => { i.HsCode = "851712"; i.Value = SampleDeclarations.Money("EUR", 1, 0); }), Quiet).Hits);
    }

    [Fact]
    public void A_currency_without_a_rate_is_skipped_rather_than_failing_the_assessment() =>
        Assert.Empty(Engine.Assess(Phones(1, "GBP", 1, 0), Quiet).Hits);

    [Fact]
    public void Every_undervalued_item_is_named_in_one_hit()
    {
        var declaration = Sale(d =>
        {
            d.Items[0].HsCode = "851713";
            d.Items[0].Value = SampleDeclarations.Money("EUR", 20, 0);
            d.Items[1].HsCode = "851713";
            d.Items[1].Value = SampleDeclarations.Money("EUR", 10, 0);
        });

        var hit = SingleHit(Engine.Assess(declaration, Quiet));

        Assert.Equal(["items[0].value", "items[1].value"], hit.FieldPaths);
        Assert.Equal(40, hit.Weight);
    }

    [Fact]
    public void The_engine_refuses_a_reference_currency_its_rates_cannot_convert()
    {
        var rules = RuleSet.Parse(File(Rule), "rules.json");
        var euroOnly = new ExchangeRates("EUR", new Dictionary<string, decimal>(), new DateOnly(2026, 7, 1));

        var error = Assert.Throws<ConfigurationFileException>(() => new RiskEngine(rules, euroOnly));

        Assert.Equal("rules.json", error.FileName);
        Assert.Equal(["$.rules[0].references[1].currency: USD has no exchange rate (rates based on EUR)"], error.Problems);
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class SplitShipmentRuleTests
{
    private static readonly RiskEngine Engine = RiskFixtures.Engine("""
        {
          "id": "split-shipment", "kind": "SPLIT_SHIPMENT", "weight": 30, "referralType": "REQUEST_FOR_INFORMATION",
          "windowHours": 72, "minConsignments": 3, "minTotalValue": "150.00", "currency": "EUR"
        }
        """);

    [Fact]
    public void The_window_comes_from_the_rule()
    {
        Assert.Equal(TimeSpan.FromHours(72), Engine.SplitShipmentWindow);
        Assert.Equal(TimeSpan.Zero, RiskFixtures.Engine("""{ "id": "known", "kind": "KNOWN_SHIPPER", "weight": -1 }""").SplitShipmentWindow);
    }

    [Fact]
    public void Enough_consignments_worth_enough_together_is_a_hit()
    {
        var hit = SingleHit(Engine.Assess(SampleDeclarations.PostalGift(), WithActivity(3, 15_000)));

        Assert.Equal("split-shipment", hit.RuleId);
        Assert.Equal(RuleKind.SplitShipment, hit.Kind);
        Assert.Equal(30, hit.Weight);
        Assert.Equal(["consignee"], hit.FieldPaths);
        Assert.Equal("the consignee received 3 consignments worth EUR 150.00 within 72 hours, this one included "
            + "(thresholds: 3 consignments and EUR 150.00)", hit.Reason);
    }

    [Theory]
    [InlineData(2, 90_000)] // one consignment short, however valuable
    [InlineData(3, 14_999)] // one cent short
    [InlineData(40, 14_999)]
    public void One_below_either_threshold_is_not_a_hit(int consignments, long valueCents) =>
        Assert.Empty(Engine.Assess(SampleDeclarations.PostalGift(), WithActivity(consignments, valueCents)).Hits);

    [Fact]
    public void A_threshold_in_another_currency_is_compared_after_conversion_from_the_base_currency()
    {
        // USD 150 = EUR 120 at 1.25.
        var engine = RiskFixtures.Engine("""
            { "id": "split", "kind": "SPLIT_SHIPMENT", "weight": 30, "windowHours": 24, "minConsignments": 2, "minTotalValue": "150", "currency": "USD" }
            """);

        Assert.Single(engine.Assess(SampleDeclarations.PostalGift(), WithActivity(2, 12_000)).Hits);
        Assert.Empty(engine.Assess(SampleDeclarations.PostalGift(), WithActivity(2, 11_999)).Hits);
        Assert.Equal(TimeSpan.FromHours(24), engine.SplitShipmentWindow);
    }

    [Fact]
    public void Alone_below_the_hold_threshold_the_consignment_is_released_with_the_hit()
    {
        var assessment = Engine.Assess(SampleDeclarations.PostalGift(), WithActivity(5, 50_000));
        Assert.Equal(30, assessment.Score);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
        Assert.Empty(assessment.ReferralTypes);
    }

    [Fact]
    public void No_activity_given_is_no_hit() =>
        Assert.Empty(Engine.Assess(SampleDeclarations.PostalGift(), new RiskContext(Now, null, null!)).Hits);

    [Fact]
    public void Activity_counts_are_taken_as_given_including_this_consignment() =>
        Assert.Single(Engine.Assess(SampleDeclarations.PostalGift(), new RiskContext(Now, null, new ConsigneeActivity(3, 20_000))).Hits);
}

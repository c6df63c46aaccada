using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class KnownShipperRuleTests
{
    private const string Trusted = """{ "id": "known-shipper", "kind": "KNOWN_SHIPPER", "weight": -30 }""";
    private const string Vague = """{ "id": "vague", "kind": "DATA_QUALITY", "weight": 45, "referralType": "REQUEST_FOR_INFORMATION", "vagueWords": ["gift"] }""";
    private const string Weapons = """
        { "id": "weapons", "kind": "PROHIBITED_GOODS", "weight": 10, "referralType": "DO_NOT_LOAD",
          "entries": [ { "prefixes": ["93"], "label": "arms", "outcome": "hold" } ] }
        """;
    private const string Enrolment = "programmes/eu-known-shipper/enrolments/cn-shenzhen-bright-gadgets";

    [Fact]
    public void An_enrolment_is_a_hit_with_a_negative_weight_naming_it()
    {
        var assessment = Engine(Trusted).Assess(SampleDeclarations.ExpressMarketplaceSale(), KnownShipper(Enrolment));

        var hit = SingleHit(assessment);
        Assert.Equal(RuleKind.KnownShipper, hit.Kind);
        Assert.Equal(-30, hit.Weight);
        Assert.Equal($"the seller or consignor is an enrolled known shipper ({Enrolment})", hit.Reason);
        Assert.Equal(ReferralType.Unspecified, hit.ReferralType);
        Assert.Equal(Enrolment, assessment.KnownShipperEnrolment);
    }

    [Fact]
    public void The_score_never_goes_below_zero() =>
        Assert.Equal(0, Engine(Trusted).Assess(SampleDeclarations.PostalGift(), KnownShipper(Enrolment)).Score);

    [Fact]
    public void It_lowers_a_score_below_the_hold_threshold()
    {
        var engine = Engine(Vague, Trusted);
        var gift = GiftWithItem(i => i.Description = "gift");

        Assert.Equal(DecisionOutcome.Hold, engine.Assess(gift, Quiet).RecommendedOutcome);

        var trusted = engine.Assess(gift, KnownShipper(Enrolment));
        Assert.Equal(15, trusted.Score);
        Assert.Equal(DecisionOutcome.Release, trusted.RecommendedOutcome);
        Assert.Equal(["vague", "known-shipper"], trusted.Hits.Select(h => h.RuleId));
    }

    [Fact]
    public void It_cannot_release_goods_a_rule_holds_whatever_the_score()
    {
        var assessment = Engine(Weapons, Trusted).Assess(GiftWithItem(i => i.HsCode = "930400"), KnownShipper(Enrolment));

        Assert.Equal(0, assessment.Score);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal([ReferralType.DoNotLoad], assessment.ReferralTypes);
    }

    [Fact]
    public void Without_an_enrolment_there_is_no_hit_and_no_enrolment_in_the_assessment()
    {
        var assessment = Engine(Trusted).Assess(SampleDeclarations.PostalGift(), Quiet);
        Assert.Empty(assessment.Hits);
        Assert.Equal("", assessment.KnownShipperEnrolment);
    }
}

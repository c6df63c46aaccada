using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Testing;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class OriginRoutingRuleTests
{
    private static readonly Core.Risk.RiskEngine Engine = RiskFixtures.Engine(
        """
        {
          "id": "origin-of-concern", "kind": "ORIGIN_ROUTING", "weight": 20, "referralType": "HRCM_SCREENING",
          "appliesTo": ["origin", "departure"],
          "countries": [ { "code": "KP", "label": "example concern" }, { "code": "MM", "label": "other concern", "weight": 25 } ]
        }
        """,
        """
        {
          "id": "routing-of-concern", "kind": "ORIGIN_ROUTING", "weight": 10, "referralType": "HRCM_SCREENING",
          "appliesTo": ["routing"],
          "countries": [ { "code": "KP", "label": "example concern" } ]
        }
        """);

    [Fact]
    public void An_origin_of_concern_is_a_hit_naming_every_item_from_there()
    {
        var declaration = Sale(d =>
        {
            d.Items[0].OriginCountryCode = "KP";
            d.Items[1].OriginCountryCode = "KP";
        });

        var hit = SingleHit(Engine.Assess(declaration, Quiet));

        Assert.Equal("origin-of-concern", hit.RuleId);
        Assert.Equal(RuleKind.OriginRouting, hit.Kind);
        Assert.Equal(20, hit.Weight);
        Assert.Equal(["items[0].origin_country_code", "items[1].origin_country_code"], hit.FieldPaths);
        Assert.Equal("items[0].origin_country_code, items[1].origin_country_code: origin of the goods KP is a country of concern (example concern)", hit.Reason);
    }

    [Fact]
    public void Departure_and_routing_are_hits_of_their_own_rules_with_their_own_weights()
    {
        var declaration = Sale(d =>
        {
            d.Transport.DepartureCountryCode = "MM";
            d.Transport.RoutingCountryCodes.Clear();
            d.Transport.RoutingCountryCodes.AddRange(["MM", "KP", "NL"]);
        });

        var assessment = Engine.Assess(declaration, Quiet);

        Assert.Equal(2, assessment.Hits.Count);
        Assert.Equal(("origin-of-concern", 25, "transport.departure_country_code"),
            (assessment.Hits[0].RuleId, assessment.Hits[0].Weight, assessment.Hits[0].FieldPaths.Single()));
        Assert.Equal(("routing-of-concern", 10, "transport.routing_country_codes[1]"),
            (assessment.Hits[1].RuleId, assessment.Hits[1].Weight, assessment.Hits[1].FieldPaths.Single()));
        Assert.Equal(35, assessment.Score);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
    }

    [Fact]
    public void Origin_and_departure_in_the_same_country_are_two_hits_that_can_hold()
    {
        var declaration = GiftWithItem(i => i.OriginCountryCode = "KP");
        declaration.Transport.DepartureCountryCode = "KP";

        var assessment = Engine.Assess(declaration, Quiet);

        Assert.Equal(["items[0].origin_country_code", "transport.departure_country_code"], assessment.Hits.Select(h => h.FieldPaths.Single()));
        Assert.Equal(40, assessment.Score);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal([ReferralType.HrcmScreening], assessment.ReferralTypes);
    }

    [Fact]
    public void Countries_not_listed_or_in_a_role_the_rule_does_not_check_are_not_hits()
    {
        Assert.Empty(Engine.Assess(SampleDeclarations.ExpressMarketplaceSale(), Quiet).Hits);
        // MM is listed for origin and departure only, not for routing.
        Assert.Empty(Engine.Assess(Sale(d => d.Transport.RoutingCountryCodes.Add("MM")), Quiet).Hits);
        Assert.Empty(Engine.Assess(GiftWithItem(i => i.OriginCountryCode = ""), Quiet).Hits);
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class ProhibitedGoodsRuleTests
{
    private static readonly Core.Risk.RiskEngine Engine = RiskFixtures.Engine("""
        {
          "id": "prohibited-goods", "kind": "PROHIBITED_GOODS", "weight": 100, "referralType": "DO_NOT_LOAD",
          "entries": [
            { "prefixes": ["93"], "label": "arms and ammunition", "outcome": "hold" },
            { "prefixes": ["9301"], "label": "military weapons", "outcome": "reject" },
            { "prefixes": ["3601", "3604"], "label": "explosives", "outcome": "hold", "weight": 90, "referralType": "HRCM_SCREENING" },
            { "prefixes": ["293941"], "label": "ephedrine", "outcome": "hold" }
          ]
        }
        """);

    [Fact]
    public void A_chapter_prefix_holds_with_the_entry_label_and_the_item_path()
    {
        var assessment = Engine.Assess(GiftWithItem(i => i.HsCode = "930320"), Quiet);

        var hit = SingleHit(assessment);
        Assert.Equal("prohibited-goods", hit.RuleId);
        Assert.Equal(RuleKind.ProhibitedGoods, hit.Kind);
        Assert.Equal(100, hit.Weight);
        Assert.Equal(ReferralType.DoNotLoad, hit.ReferralType);
        Assert.Equal(["items[0].hs_code"], hit.FieldPaths);
        Assert.Equal("items[0].hs_code 930320 is in prohibited chapter 93 (arms and ammunition)", hit.Reason);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal([ReferralType.DoNotLoad], assessment.ReferralTypes);
    }

    [Fact]
    public void The_most_specific_prefix_wins_so_heading_9301_rejects_inside_held_chapter_93()
    {
        var assessment = Engine.Assess(GiftWithItem(i => i.HsCode = "9301900000"), Quiet);

        var hit = SingleHit(assessment);
        Assert.Contains("heading 9301 (military weapons)", hit.Reason);
        Assert.Equal(DecisionOutcome.Reject, assessment.RecommendedOutcome);
        Assert.Empty(assessment.ReferralTypes);
    }

    [Theory]
    [InlineData("903180")] // measuring instruments: same digits as 9301, other order
    [InlineData("360690")] // lighter fuels, heading 3606: just past the listed explosives
    [InlineData("293940")] // the subheading next to ephedrine's
    [InlineData("360500")] // matches, heading 3605: next to the listed 3604
    public void Near_misses_of_a_listed_prefix_are_not_hits(string hsCode) =>
        Assert.Empty(Engine.Assess(GiftWithItem(i => i.HsCode = hsCode), Quiet).Hits);

    [Fact]
    public void A_subheading_prefix_matches_longer_national_codes()
    {
        var hit = SingleHit(Engine.Assess(GiftWithItem(i => i.HsCode = "2939410010"), Quiet));
        Assert.Contains("subheading 293941 (ephedrine)", hit.Reason);
    }

    [Fact]
    public void An_entry_may_override_the_weight_and_referral_of_its_rule()
    {
        var hit = SingleHit(Engine.Assess(GiftWithItem(i => i.HsCode = "360410"), Quiet));
        Assert.Equal(90, hit.Weight);
        Assert.Equal(ReferralType.HrcmScreening, hit.ReferralType);
    }

    [Fact]
    public void Items_of_one_entry_share_a_hit_and_each_entry_has_its_own_in_file_order()
    {
        var declaration = Sale(d =>
        {
            d.Items[0].HsCode = "360410";
            d.Items[1].HsCode = "930200";
            d.Items.Add(d.Items[0].Clone());
            d.Items[2].HsCode = "360100";
        });

        var hits = Engine.Assess(declaration, Quiet).Hits;

        Assert.Equal(2, hits.Count);
        Assert.Equal(["items[1].hs_code"], hits[0].FieldPaths);
        Assert.Equal(["items[0].hs_code", "items[2].hs_code"], hits[1].FieldPaths);
        Assert.Equal("items[0].hs_code 360410 is in prohibited heading 3604 (explosives); "
            + "items[2].hs_code 360100 is in prohibited heading 3601 (explosives)", hits[1].Reason);
    }

    [Fact]
    public void An_item_without_an_hs_code_is_not_checked()
    {
        var assessment = Engine.Assess(GiftWithItem(i => i.HsCode = ""), Quiet);
        Assert.Empty(assessment.Hits);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
    }
}

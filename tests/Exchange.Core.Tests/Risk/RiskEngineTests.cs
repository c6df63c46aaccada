using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Risk;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

/// <summary>Scoring, the decision at the thresholds, referral types, and what the engine writes into every assessment.</summary>
public sealed class RiskEngineTests
{
    private static readonly Declaration VagueGift = GiftWithItem(i => i.Description = "gift");

    private static string VagueRule(int weight, string referral = "REQUEST_FOR_INFORMATION", string id = "vague", string extra = "") =>
        $$"""{ "id": "{{id}}", "kind": "DATA_QUALITY", "weight": {{weight}}, "referralType": "{{referral}}", "vagueWords": ["gift"]{{extra}} }""";

    [Theory]
    [InlineData(39, DecisionOutcome.Release)]
    [InlineData(40, DecisionOutcome.Hold)]
    [InlineData(79, DecisionOutcome.Hold)]
    [InlineData(80, DecisionOutcome.Reject)]
    public void The_score_is_compared_with_the_hold_and_reject_thresholds_inclusively(int weight, DecisionOutcome expected)
    {
        var engine = new RiskEngine(RuleSet.Parse(File(hold: 40, reject: 80, VagueRule(weight)), "t"), Rates);
        var assessment = engine.Assess(VagueGift, Quiet);
        Assert.Equal(weight, assessment.Score);
        Assert.Equal(expected, assessment.RecommendedOutcome);
    }

    [Fact]
    public void Without_a_reject_threshold_any_score_only_holds() =>
        Assert.Equal(DecisionOutcome.Hold, Engine(VagueRule(100)).Assess(VagueGift, Quiet).RecommendedOutcome);

    [Fact]
    public void A_rule_outcome_forces_a_hold_or_a_rejection_whatever_the_score()
    {
        Assert.Equal(DecisionOutcome.Hold, Engine(VagueRule(1, extra: """, "outcome": "hold" """)).Assess(VagueGift, Quiet).RecommendedOutcome);
        Assert.Equal(DecisionOutcome.Reject, Engine(VagueRule(1, extra: """, "outcome": "reject" """)).Assess(VagueGift, Quiet).RecommendedOutcome);
    }

    [Fact]
    public void Referral_types_are_distinct_in_enum_order_whatever_the_order_of_the_hits()
    {
        var engine = Engine(
            VagueRule(20, "DO_NOT_LOAD", "a"),
            VagueRule(20, "REQUEST_FOR_INFORMATION", "b"),
            VagueRule(20, "DO_NOT_LOAD", "c"),
            VagueRule(20, "HRCM_SCREENING", "d"));

        var assessment = engine.Assess(VagueGift, Quiet);

        Assert.Equal(["a", "b", "c", "d"], assessment.Hits.Select(h => h.RuleId));
        Assert.Equal([ReferralType.RequestForInformation, ReferralType.HrcmScreening, ReferralType.DoNotLoad], assessment.ReferralTypes);
    }

    [Fact]
    public void A_hold_whose_hits_ask_for_no_referral_gets_a_request_for_information()
    {
        var assessment = Engine("""{ "id": "quiet", "kind": "DATA_QUALITY", "weight": 50, "vagueWords": ["gift"] }""").Assess(VagueGift, Quiet);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        Assert.Equal([ReferralType.RequestForInformation], assessment.ReferralTypes);
    }

    [Fact]
    public void Released_and_rejected_assessments_open_no_referral()
    {
        Assert.Empty(Engine(VagueRule(10, "HRCM_SCREENING")).Assess(VagueGift, Quiet).ReferralTypes);
        Assert.Empty(Engine(VagueRule(10, "HRCM_SCREENING", extra: """, "outcome": "reject" """)).Assess(VagueGift, Quiet).ReferralTypes);
    }

    [Fact]
    public void The_engine_writes_version_time_and_enrolment_and_leaves_the_callers_fields_empty()
    {
        var assessment = Engine(VagueRule(10)).Assess(VagueGift, KnownShipper("programmes/p/enrolments/e"));

        Assert.Equal("test-1", assessment.RuleSetVersion);
        Assert.Equal(Timestamp.FromDateTimeOffset(Now), assessment.AssessTime);
        Assert.Equal("programmes/p/enrolments/e", assessment.KnownShipperEnrolment);
        Assert.Equal("", assessment.Name);
        Assert.Equal(0, assessment.DeclarationRevision);
        Assert.Empty(assessment.FlaggedAgencies);
    }

    [Fact]
    public void A_clean_declaration_scores_zero_and_is_released()
    {
        var assessment = Engine(VagueRule(100)).Assess(SampleDeclarations.PostalGift(), Quiet);
        Assert.Empty(assessment.Hits);
        Assert.Equal(0, assessment.Score);
        Assert.Equal(DecisionOutcome.Release, assessment.RecommendedOutcome);
    }

    [Fact]
    public void A_dated_rule_applies_from_its_first_day_until_before_its_end_day()
    {
        var engine = Engine(VagueRule(10, extra: """, "effectiveFrom": "2026-07-01", "effectiveUntil": "2026-08-01" """));

        RiskContext At(string time) => new(DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), null, Quiet.ConsigneeActivity);

        Assert.Empty(engine.Assess(VagueGift, At("2026-06-30T23:59:59Z")).Hits);
        Assert.Single(engine.Assess(VagueGift, At("2026-07-01T00:00:00Z")).Hits);
        Assert.Single(engine.Assess(VagueGift, At("2026-07-31T23:59:59Z")).Hits);
        Assert.Empty(engine.Assess(VagueGift, At("2026-08-01T00:00:00Z")).Hits);
    }

    [Fact]
    public void Referral_texts_and_the_screening_method_come_from_the_file()
    {
        var engine = Engine(VagueRule(10));
        Assert.Equal("Please tell us more.", engine.ReferralText(ReferralType.RequestForInformation));
        Assert.Equal("Please screen it.", engine.ReferralText(ReferralType.HrcmScreening));
        Assert.Equal("Do not load it.", engine.ReferralText(ReferralType.DoNotLoad));
        Assert.Throws<ArgumentOutOfRangeException>(() => engine.ReferralText(ReferralType.Unspecified));
        Assert.Equal("EDD", engine.RecommendedScreeningMethod);
        Assert.Equal("test-1", engine.RuleSetVersion);
    }

    [Fact]
    public void Assessing_from_many_threads_at_once_gives_the_same_answers()
    {
        var engine = DefaultEngine;
        var declarations = new[] { SampleDeclarations.PostalGift(), SampleDeclarations.ExpressMarketplaceSale(), VagueGift };
        var expected = declarations.Select(d => engine.Assess(d, Quiet)).ToArray();

        var mismatches = 0;
        Parallel.For(0, 3_000, i =>
        {
            if (!engine.Assess(declarations[i % 3], Quiet).Equals(expected[i % 3]))
            {
                Interlocked.Increment(ref mismatches);
            }
        });

        Assert.Equal(0, mismatches);
    }
}

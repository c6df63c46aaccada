using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Reporting;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Reporting;

/// <summary>The measures row after each kind of write, from the declaration, its event and the row before.</summary>
public sealed class DeclarationMeasuresTests
{
    private const string Name = "filers/filer-a/declarations/d1";
    private static readonly DateTimeOffset Created = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
    private const long CreatedMicros = 1_796_025_600_000_000; // 2026-11-30T08:00:00Z

    private static Declaration Submitted()
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.Name = Name;
        declaration.Status = DeclarationStatus.Accepted;
        declaration.Revision = 1;
        declaration.CreateTime = Timestamp.FromDateTimeOffset(Created);
        declaration.UpdateTime = declaration.CreateTime;
        declaration.Items[0].OriginCountryCode = "US";
        return declaration;
    }

    private static DeclarationEvent Event(DeclarationEventType type, params Referral[] referrals) =>
        new() { Declaration = Name, Type = type, Referrals = { referrals } };

    private static Timestamp At(int seconds) => Timestamp.FromDateTimeOffset(Created.AddSeconds(seconds));

    private static DeclarationMeasures Accepted() =>
        DeclarationMeasures.Of(Submitted(), Event(DeclarationEventType.Accepted), null, null).Row;

    [Fact]
    public void A_submission_is_received_undecided_and_not_yet_assessed()
    {
        var change = DeclarationMeasures.Of(Submitted(), Event(DeclarationEventType.Accepted), null, null);

        Assert.Equal(new DeclarationMeasures(
            "filer-a", CreatedMicros, "EXPRESS", "US", CompleteData: null, FirstDecisionTime: null,
            DecisionOutcome.Unspecified, DecisionOutcome.Unspecified, Amended: false, ReferralCount: 0, AgencyHold: false,
            0, "", 0, ""), change.Row);
        Assert.Empty(change.Answers);
    }

    [Fact]
    public void An_amendment_marks_the_declaration_amended_and_its_groups_follow_the_new_content()
    {
        var amended = Submitted();
        amended.Channel = Channel.Postal;
        amended.Items[0].OriginCountryCode = "GB";

        var row = DeclarationMeasures.Of(amended, Event(DeclarationEventType.Amended), null, Accepted()).Row;

        Assert.True(row.Amended);
        Assert.Equal(("POSTAL", "GB"), (row.Channel, row.OriginCountry));
        Assert.Null(row.CompleteData);
        // Once amended, always: a later write does not clear it.
        Assert.True(DeclarationMeasures.Of(amended, Event(DeclarationEventType.Cancelled), null, row).Row.Amended);
    }

    [Fact]
    public void An_amendment_decided_in_the_same_write_still_marks_the_declaration_amended()
    {
        var decided = Submitted();
        decided.Status = DeclarationStatus.Assessed;
        decided.Decision = new Decision { Outcome = DecisionOutcome.Release, DecideTime = At(5) };
        var write = new Exchange.Core.Storage.DeclarationWrite(
            new Exchange.Core.Identity.DeclarationKey("filer-a", "d1"), decided, Event(DeclarationEventType.Decided), null, null, 2,
            EarlierEvents: [Event(DeclarationEventType.Amended)]);

        var row = DeclarationMeasures.ForWrite(write, Accepted()).Row;

        Assert.True(row.Amended);
        Assert.Equal(DecisionOutcome.Release, row.LatestOutcome);
    }

    [Fact]
    public void The_assessors_hold_sets_the_first_decision_completeness_referrals_and_estimate()
    {
        var held = Submitted();
        held.Status = DeclarationStatus.Held;
        held.Decision = new Decision { Outcome = DecisionOutcome.Hold, DecideTime = At(30) };
        held.Referrals.Add(new Referral { Name = Name + "/referrals/1", State = ReferralState.Open, CreateTime = At(30) });
        held.DutyEstimate = new DutyEstimate
        {
            Duty = SampleDeclarations.Money("EUR", 3, 0),
            Tax = SampleDeclarations.Money("EUR", 8, 410_000_000),
        };
        var assessment = new RiskAssessment { Hits = { new RuleHit { Kind = RuleKind.DataQuality }, new RuleHit { Kind = RuleKind.Undervaluation } } };

        var row = DeclarationMeasures.Of(held, Event(DeclarationEventType.Decided), assessment, Accepted()).Row;

        Assert.False(row.CompleteData);
        Assert.Equal(CreatedMicros + 30_000_000, row.FirstDecisionTime);
        Assert.Equal((DecisionOutcome.Hold, DecisionOutcome.Hold), (row.FirstOutcome, row.LatestOutcome));
        Assert.Equal(1, row.ReferralCount);
        Assert.Equal((3_000_000, "EUR", 8_410_000, "EUR"), (row.DutyMicros, row.DutyCurrency, row.TaxMicros, row.TaxCurrency));
    }

    [Fact]
    public void An_assessment_without_a_data_quality_hit_means_complete_advance_data_and_is_kept_once_set()
    {
        var released = Submitted();
        released.Decision = new Decision { Outcome = DecisionOutcome.Release, DecideTime = At(5) };
        var row = DeclarationMeasures.Of(released, Event(DeclarationEventType.Decided), new RiskAssessment(), Accepted()).Row;
        Assert.True(row.CompleteData);

        var later = new RiskAssessment { Hits = { new RuleHit { Kind = RuleKind.DataQuality } } };
        Assert.True(DeclarationMeasures.Of(released, Event(DeclarationEventType.Amended), later, row).Row.CompleteData);
    }

    [Fact]
    public void A_referral_answer_is_timed_from_the_referral_to_the_answer()
    {
        var held = Submitted();
        var referral = new Referral
        {
            Name = Name + "/referrals/1", State = ReferralState.Answered, CreateTime = At(30), RespondTime = At(30 + 95),
        };
        held.Referrals.Add(referral);
        var before = Accepted() with { ReferralCount = 1, FirstDecisionTime = CreatedMicros + 30_000_000, FirstOutcome = DecisionOutcome.Hold };

        var change = DeclarationMeasures.Of(held, Event(DeclarationEventType.ReferralAnswered, referral), null, before);

        Assert.Equal([new ReferralAnswer(Name + "/referrals/1", 95_000_000)], change.Answers);
        Assert.Equal(before, change.Row);
    }

    [Fact]
    public void A_later_decision_changes_the_latest_outcome_never_the_first()
    {
        var before = Accepted() with
        {
            FirstDecisionTime = CreatedMicros + 30_000_000, FirstOutcome = DecisionOutcome.Hold, LatestOutcome = DecisionOutcome.Hold,
        };
        var released = Submitted();
        released.Decision = new Decision { Outcome = DecisionOutcome.Release, DecideTime = At(600) };

        var row = DeclarationMeasures.Of(released, Event(DeclarationEventType.Decided), null, before).Row;

        Assert.Equal((CreatedMicros + 30_000_000, DecisionOutcome.Hold, DecisionOutcome.Release),
            (row.FirstDecisionTime, row.FirstOutcome, row.LatestOutcome));
    }

    [Fact]
    public void An_agency_hold_is_counted_from_its_placing_and_stays_after_it_is_lifted()
    {
        var held = Submitted();
        held.AgencyHolds.Add(new AgencyHold { Agency = "agencies/fda", CreateTime = At(60) });
        var placed = DeclarationMeasures.Of(held, Event(DeclarationEventType.AgencyHoldPlaced), null, Accepted()).Row;
        Assert.True(placed.AgencyHold);
        Assert.Null(placed.FirstDecisionTime);

        held.AgencyHolds[0].LiftTime = At(120);
        Assert.True(DeclarationMeasures.Of(held, Event(DeclarationEventType.AgencyHoldLifted), null, placed).Row.AgencyHold);
    }

    [Fact]
    public void A_cancellation_or_status_change_decides_nothing()
    {
        var cancelled = Submitted();
        cancelled.Status = DeclarationStatus.Cancelled;
        // A decision on the declaration counts only with the DECIDED event that made it.
        cancelled.Decision = new Decision { Outcome = DecisionOutcome.Release, DecideTime = At(1) };

        Assert.Equal(Accepted(), DeclarationMeasures.Of(cancelled, Event(DeclarationEventType.Cancelled), null, Accepted()).Row);
        Assert.Equal(Accepted(), DeclarationMeasures.Of(cancelled, Event(DeclarationEventType.StatusChanged), null, Accepted()).Row);
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Enforcement;

namespace Exchange.Core.Tests.Enforcement;

public sealed class DecisionsTests
{
    [Theory]
    [InlineData(DecisionOutcome.Release, DeclarationStatus.Assessed, "4")]
    [InlineData(DecisionOutcome.Hold, DeclarationStatus.Held, "5")]
    [InlineData(DecisionOutcome.Reject, DeclarationStatus.Rejected, "2")]
    [InlineData(DecisionOutcome.Seize, DeclarationStatus.Seized, "7")]
    [InlineData(DecisionOutcome.ReturnToSender, DeclarationStatus.ReturnedToSender, "2")]
    public void Each_outcome_has_its_status_and_edifact_7365_code(DecisionOutcome outcome, DeclarationStatus status, string code)
    {
        Assert.Equal(status, Decisions.StatusFor(outcome, new Declaration { Status = DeclarationStatus.Accepted }));
        Assert.Equal(code, Decisions.ProcessingIndicator(outcome));
    }

    [Fact]
    public void A_release_before_arrival_completes_the_assessment_and_on_or_after_arrival_releases()
    {
        var declaration = new Declaration { Status = DeclarationStatus.Held };
        Assert.Equal(DeclarationStatus.Assessed, Decisions.StatusFor(DecisionOutcome.Release, declaration));

        declaration.Clearance = new Clearance { ArriveTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 1_800_000_000 } };
        Assert.Equal(DeclarationStatus.Released, Decisions.StatusFor(DecisionOutcome.Release, declaration));
        Assert.Equal(Decisions.AutomaticReasons.ReleasedOnArrival, Decisions.AutomaticReasons.ReleaseOf(declaration));
    }

    [Fact]
    public void Officers_cannot_hold_only_the_assessment_does()
    {
        Assert.False(Decisions.IsOfficerOutcome(DecisionOutcome.Hold));
        Assert.False(Decisions.IsOfficerOutcome(DecisionOutcome.Unspecified));
        Assert.True(Decisions.IsOfficerOutcome(DecisionOutcome.Seize));
    }

    [Theory]
    [InlineData(DeclarationStatus.Held, DecisionOutcome.Seize, true)]
    [InlineData(DeclarationStatus.Held, DecisionOutcome.ReturnToSender, true)]
    [InlineData(DeclarationStatus.Held, DecisionOutcome.Release, true)]
    [InlineData(DeclarationStatus.Accepted, DecisionOutcome.Seize, false)]
    [InlineData(DeclarationStatus.Released, DecisionOutcome.Reject, false)]
    [InlineData(DeclarationStatus.Seized, DecisionOutcome.Release, false)]
    [InlineData(DeclarationStatus.ReturnedToSender, DecisionOutcome.Release, false)]
    [InlineData(DeclarationStatus.Assessed, DecisionOutcome.Reject, true)]
    [InlineData(DeclarationStatus.Assessed, DecisionOutcome.Release, false)] // nothing to release before arrival
    [InlineData(DeclarationStatus.Assessed, DecisionOutcome.Seize, false)]
    public void The_state_machine_decides_which_outcomes_are_legal(DeclarationStatus from, DecisionOutcome outcome, bool allowed) =>
        Assert.Equal(allowed, Decisions.Allowed(new Declaration { Status = from }, outcome));

    [Fact]
    public void Seized_and_returned_are_final()
    {
        Assert.True(DeclarationStatuses.IsFinal(DeclarationStatus.Seized));
        Assert.True(DeclarationStatuses.IsFinal(DeclarationStatus.ReturnedToSender));
        Assert.False(DeclarationStatuses.CanAmend(DeclarationStatus.Seized));
        Assert.Equal("RETURNED_TO_SENDER", DeclarationStatuses.Label(DeclarationStatus.ReturnedToSender));
    }

    [Fact]
    public void Release_waits_for_active_agency_holds_and_open_answerable_referrals_but_not_for_do_not_load()
    {
        var declaration = new Declaration();
        Assert.Null(Decisions.WhatBlocksRelease(declaration));

        declaration.Referrals.Add(new Referral { Name = "r/1", Type = ReferralType.DoNotLoad, State = ReferralState.Open });
        Assert.Null(Decisions.WhatBlocksRelease(declaration));

        declaration.Referrals.Add(new Referral { Name = "r/2", Type = ReferralType.RequestForInformation, State = ReferralState.Answered });
        Assert.Null(Decisions.WhatBlocksRelease(declaration));

        declaration.Referrals.Add(new Referral { Name = "r/3", Type = ReferralType.HrcmScreening, State = ReferralState.Open });
        Assert.Equal("r/3", Decisions.WhatBlocksRelease(declaration));

        declaration.AgencyHolds.Add(new AgencyHold { Agency = "agencies/nvwa" });
        Assert.Equal("agencies/nvwa", Decisions.WhatBlocksRelease(declaration));

        declaration.AgencyHolds[0].LiftTime = new Google.Protobuf.WellKnownTypes.Timestamp();
        Decisions.CloseReferrals(declaration);
        Assert.Null(Decisions.WhatBlocksRelease(declaration));
        Assert.All(declaration.Referrals, r => Assert.Equal(ReferralState.Closed, r.State));
    }

    [Fact]
    public void The_filer_view_hides_who_decided_and_acted()
    {
        var declaration = new Declaration { Decision = new Decision { Outcome = DecisionOutcome.Release, DecidedBy = "officers/x" } };
        var @event = new DeclarationEvent { Actor = "officers/x", Decision = declaration.Decision.Clone() };

        Assert.Equal("", FilerView.Of(declaration).Decision.DecidedBy);
        Assert.Equal("officers/x", declaration.Decision.DecidedBy); // the stored record is untouched
        Assert.Equal("", FilerView.Of(@event).Actor);
        Assert.Equal("", FilerView.Of(@event).Decision.DecidedBy);
    }
}

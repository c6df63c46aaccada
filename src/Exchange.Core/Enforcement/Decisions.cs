using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;

namespace Exchange.Core.Enforcement;

/// <summary>
/// What each decision outcome means, in one place: the status it moves a declaration to (a
/// release depends on arrival: <see cref="Lifecycles.StatusOnRelease"/>), the
/// UN/EDIFACT 7365 processing indicator it answers with (the table in decision.proto), and the
/// words the filer reads.
/// </summary>
public static class Decisions
{
    /// <summary>The status <paramref name="declaration"/> takes on with the outcome.</summary>
    public static DeclarationStatus StatusFor(DecisionOutcome outcome, Declaration declaration) => outcome switch
    {
        DecisionOutcome.Release => Lifecycles.StatusOnRelease(declaration),
        DecisionOutcome.Hold => DeclarationStatus.Held,
        DecisionOutcome.Reject => DeclarationStatus.Rejected,
        DecisionOutcome.Seize => DeclarationStatus.Seized,
        DecisionOutcome.ReturnToSender => DeclarationStatus.ReturnedToSender,
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a decision outcome."),
    };

    /// <summary>EDIFACT 7365: 4 goods released, 5 required for examination, 2 rejected with comment, 7 detained.</summary>
    public static string ProcessingIndicator(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Release => "4",
        DecisionOutcome.Hold => "5",
        DecisionOutcome.Reject => "2",
        DecisionOutcome.Seize => "7",
        DecisionOutcome.ReturnToSender => "2",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a decision outcome."),
    };

    /// <summary>The outcomes an officer may give (HOLD is the assessment's).</summary>
    public static bool IsOfficerOutcome(DecisionOutcome outcome) =>
        outcome is DecisionOutcome.Release or DecisionOutcome.Reject or DecisionOutcome.Seize or DecisionOutcome.ReturnToSender;

    public static string Label(DecisionOutcome outcome) => outcome switch
    {
        DecisionOutcome.Release => "RELEASE",
        DecisionOutcome.Hold => "HOLD",
        DecisionOutcome.Reject => "REJECT",
        DecisionOutcome.Seize => "SEIZE",
        DecisionOutcome.ReturnToSender => "RETURN_TO_SENDER",
        _ => "UNSPECIFIED",
    };

    /// <summary>The decision record, with the reason the filer reads and who decided (kept from filers by <see cref="FilerView"/>).</summary>
    public static Decision Make(DecisionOutcome outcome, string reason, string decidedBy, Google.Protobuf.WellKnownTypes.Timestamp at) => new()
    {
        Outcome = outcome,
        ProcessingIndicator = ProcessingIndicator(outcome),
        Reason = reason,
        DecideTime = at,
        DecidedBy = decidedBy,
    };

    /// <summary>Reasons of automatic decisions: they say what happens next, never why the rules fired.</summary>
    public static class AutomaticReasons
    {
        public const string Released = "Assessment complete: the goods are released when they arrive.";
        public const string ReleasedOnArrival = "Released: the goods have arrived and their assessment is complete.";

        /// <summary>The reason of an automatic release decision, before or after the goods arrived.</summary>
        public static string ReleaseOf(Declaration declaration) =>
            Lifecycles.HasArrived(declaration) ? ReleasedOnArrival : Released;
        public const string HeldForReferrals = "Held: answer the open referrals; customs decides after reviewing the answers.";
        public const string HeldForAgencies = "Held for review by a partner government agency; released when every agency hold is lifted.";
        public const string HeldForOfficer = "Held: a customs officer reviews this declaration before it can be released.";
        public const string Rejected = "Refused: the declared goods cannot be imported under the prohibitions and restrictions that apply.";
    }

    /// <summary>Whether the declaration is waiting on something other than an officer: an agency hold or an unanswered referral.</summary>
    public static string? WhatBlocksRelease(Declaration declaration)
    {
        foreach (var hold in declaration.AgencyHolds)
        {
            if (hold.LiftTime is null)
            {
                return hold.Agency;
            }
        }
        foreach (var referral in declaration.Referrals)
        {
            // A DO_NOT_LOAD cannot be answered: only the officer's decision ends it.
            if (referral.State == ReferralState.Open && referral.Type != ReferralType.DoNotLoad)
            {
                return referral.Name;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether the goods are released now without a new decision: their assessment is complete,
    /// they have arrived, nothing (agency hold, open referral) blocks them, and their release does
    /// not wait for a payment of duties and taxes.
    /// </summary>
    public static bool ReleasesNow(Declaration declaration) =>
        declaration.Status == DeclarationStatus.Assessed && Lifecycles.HasArrived(declaration) && WhatBlocksRelease(declaration) is null
        && !Revenue.DutyAssessments.AwaitsPayment(declaration);

    /// <summary>
    /// <paramref name="step"/> (an arrival, an agency lifting its hold, a payment) followed in the same write
    /// by the release it allows (<see cref="ReleasesNow"/>): a STATUS_CHANGED event, the release
    /// notice, by the node itself.
    /// </summary>
    public static Change ReleaseAfter(Change step)
    {
        var released = step.Next.Clone();
        released.Status = DeclarationStatus.Released;
        return new Change(released, DeclarationEventType.StatusChanged, AutomaticReasons.ReleasedOnArrival, Earlier: step, Actor: Actors.RiskEngine);
    }

    /// <summary>
    /// Whether a control result releases the goods: satisfactory, no agency hold active (an
    /// agency's own control is its to end), and a release is a legal move from where they stand.
    /// </summary>
    public static bool ReleasesAfterControl(Declaration controlled) =>
        controlled.Clearance?.ControlResult?.Outcome == ControlOutcome.Satisfactory
        && controlled.AgencyHolds.All(h => h.LiftTime is not null)
        && DeclarationStatuses.CanMove(controlled.Status, DeclarationStatus.Released);

    /// <summary>
    /// <paramref name="control"/> (a satisfactory control result) followed in the same write by the
    /// officer's release it amounts to: a DECIDED event that closes the referrals. Goods whose
    /// release waits for a payment are ASSESSED, and released when it is made.
    /// </summary>
    public static Change ReleaseAfterControl(Change control, string officer, string reason, Google.Protobuf.WellKnownTypes.Timestamp at)
    {
        var released = control.Next.Clone();
        released.Status = Lifecycles.StatusOnRelease(released);
        released.Decision = Make(DecisionOutcome.Release, reason, officer, at);
        CloseReferrals(released);
        return new Change(released, DeclarationEventType.Decided, reason, Earlier: control);
    }

    /// <summary>The referrals closed, as a decision ends them, and the agency requests still open with them.</summary>
    public static void CloseReferrals(Declaration declaration)
    {
        foreach (var referral in declaration.Referrals)
        {
            referral.State = ReferralState.Closed;
        }
        foreach (var request in declaration.AgencyRequests)
        {
            if (request.State == AgencyRequestState.Open)
            {
                request.State = AgencyRequestState.Closed;
            }
        }
    }

    /// <summary>Whether an officer may decide <paramref name="outcome"/> on <paramref name="declaration"/> as it stands.</summary>
    public static bool Allowed(Declaration declaration, DecisionOutcome outcome) =>
        DeclarationStatuses.CanMove(declaration.Status, StatusFor(outcome, declaration));
}

using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Declarations;

/// <summary>
/// The two lifecycles of a declaration, in one place (lifecycle.proto; docs/contract/lifecycle.md):
/// the safety and security risk analysis (ICS2 ENS: registered, referred, Do Not Load, assessment
/// complete, invalidated) and the clearance of the goods (lodged, arrived, released or not).
/// Both are derived from what the declaration records (status, referrals, agency holds, arrival),
/// so they can never disagree with it: every write stamps them (<see cref="Stamp"/>).
/// </summary>
public static class Lifecycles
{
    /// <summary>Whether the goods' arrival was notified.</summary>
    public static bool HasArrived(Declaration declaration) => declaration.Clearance?.ArriveTime is not null;

    /// <summary>Whether the goods were presented to customs for control after arrival.</summary>
    public static bool WasPresented(Declaration declaration) => declaration.Clearance?.PresentationTime is not null;

    /// <summary>
    /// Whether releasing the declaration now needs its goods presented first: they arrived, are
    /// held (by customs, an agency, or an officer's review) and have not been presented. Goods whose
    /// risk analysis simply completes after arrival need no control, and are released without.
    /// </summary>
    public static bool MustPresentBeforeRelease(Declaration declaration) =>
        HasArrived(declaration) && !WasPresented(declaration)
        && declaration.Status is DeclarationStatus.Held or DeclarationStatus.UnderReview;

    /// <summary>
    /// Whether the goods, arrived, can be presented for control: not released and not in a final
    /// status (held, or still in their risk analysis).
    /// </summary>
    public static bool CanPresent(Declaration declaration) =>
        HasArrived(declaration) && !DeclarationStatuses.IsFinal(declaration.Status) && declaration.Status != DeclarationStatus.Assessed;

    /// <summary>
    /// The status a decision to release gives: before arrival it completes the assessment and the
    /// goods wait to be released on arrival (ASSESSED); on or after arrival it releases them, unless
    /// their release waits for the payment of duties and taxes (ASSESSED, clearance
    /// AWAITING_PAYMENT: released when paid).
    /// </summary>
    public static DeclarationStatus StatusOnRelease(Declaration declaration) =>
        HasArrived(declaration) && !Revenue.DutyAssessments.AwaitsPayment(declaration) ? DeclarationStatus.Released : DeclarationStatus.Assessed;

    /// <summary>
    /// Whether the filer may invalidate the declaration now (ICS2 IE3Q04), arrival aside: before a
    /// decision holds or ends it, after a complete assessment, and under a Do Not Load (the filer
    /// invalidates and files again).
    /// </summary>
    public static bool CanInvalidate(Declaration declaration) => declaration.Status switch
    {
        DeclarationStatus.Accepted or DeclarationStatus.UnderReview or DeclarationStatus.Assessed => true,
        DeclarationStatus.Held => UnderDoNotLoad(declaration),
        _ => false,
    };

    /// <summary>Whether an open Do Not Load referral (ICS2 IE3Q01) stands on the declaration.</summary>
    public static bool UnderDoNotLoad(Declaration declaration) =>
        declaration.Referrals.Any(r => r is { Type: ReferralType.DoNotLoad, State: ReferralState.Open });

    /// <summary>The state of the safety and security risk analysis the declaration's record implies.</summary>
    public static SecurityAssessmentState SecurityStateOf(Declaration declaration) => declaration.Status switch
    {
        DeclarationStatus.Accepted or DeclarationStatus.UnderReview => SecurityAssessmentState.Registered,
        DeclarationStatus.Cancelled => SecurityAssessmentState.Invalidated,
        DeclarationStatus.Held when UnderDoNotLoad(declaration) => SecurityAssessmentState.DoNotLoad,
        // Held for referrals or an officer's review: the analysis has not completed. Held only by
        // partner agencies: it has; what waits is theirs, a clearance matter.
        DeclarationStatus.Held when HeldForSecurity(declaration) => SecurityAssessmentState.Referred,
        _ => SecurityAssessmentState.Complete,
    };

    /// <summary>The state of the clearance the declaration's record implies.</summary>
    public static ClearanceState ClearanceStateOf(Declaration declaration) => declaration.Status switch
    {
        DeclarationStatus.Released => ClearanceState.Released,
        DeclarationStatus.Rejected or DeclarationStatus.Seized or DeclarationStatus.ReturnedToSender
            or DeclarationStatus.Abandoned or DeclarationStatus.Destroyed => ClearanceState.NotReleased,
        DeclarationStatus.Cancelled => ClearanceState.Withdrawn,
        DeclarationStatus.Assessed when HasArrived(declaration) && Revenue.DutyAssessments.AwaitsPayment(declaration) => ClearanceState.AwaitingPayment,
        _ when WasPresented(declaration) => ClearanceState.Presented,
        _ => HasArrived(declaration) ? ClearanceState.Arrived : ClearanceState.Lodged,
    };

    /// <summary>
    /// Sets both lifecycles of <paramref name="declaration"/> from its record, as of
    /// <paramref name="now"/>: the states, the time the assessment completed (cleared when an
    /// amendment sends it back to be analysed again), the time of release, and the duty assessment
    /// once the goods have arrived with an estimate (Revenue.DutyAssessments).
    /// </summary>
    public static void Stamp(Declaration declaration, Timestamp now)
    {
        Revenue.DutyAssessments.Stamp(declaration, now);
        var security = declaration.SecurityAssessment ??= new SecurityAssessment();
        security.State = SecurityStateOf(declaration);
        switch (security.State)
        {
            case SecurityAssessmentState.Complete:
                security.CompleteTime ??= now;
                break;
            case SecurityAssessmentState.Invalidated:
                break; // when it completed, if it did, stays on record
            default:
                security.CompleteTime = null;
                break;
        }

        var clearance = declaration.Clearance ??= new Clearance();
        clearance.State = ClearanceStateOf(declaration);
        if (clearance.State == ClearanceState.Released)
        {
            clearance.ReleaseTime ??= now;
        }
    }

    /// <summary>Held with a referral still open or answered, or held with nothing an agency or referral explains (an officer reviews it).</summary>
    private static bool HeldForSecurity(Declaration declaration) =>
        declaration.Referrals.Any(r => r.State != ReferralState.Closed)
        || !declaration.AgencyHolds.Any(h => h.LiftTime is null);
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Declarations;

/// <summary>
/// The life cycle of a declaration, in one place: which status may follow which. The contract's
/// DeclarationStatus comment states the same table for callers.
/// </summary>
public static class DeclarationStatuses
{
    private static readonly Dictionary<DeclarationStatus, DeclarationStatus[]> Allowed = new()
    {
        [DeclarationStatus.Accepted] =
        [
            DeclarationStatus.UnderReview, DeclarationStatus.Assessed, DeclarationStatus.Released, DeclarationStatus.Held,
            DeclarationStatus.Rejected, DeclarationStatus.Cancelled,
        ],
        [DeclarationStatus.UnderReview] =
        [
            DeclarationStatus.Assessed, DeclarationStatus.Released, DeclarationStatus.Held, DeclarationStatus.Rejected,
            DeclarationStatus.Cancelled,
        ],
        // Back to ACCEPTED when amended (analysed again); RELEASED on arrival; HELD when an agency holds it.
        [DeclarationStatus.Assessed] =
        [
            DeclarationStatus.Accepted, DeclarationStatus.Released, DeclarationStatus.Held, DeclarationStatus.Rejected,
            DeclarationStatus.Cancelled,
        ],
        // And CANCELLED, but only under a Do Not Load: Lifecycles.CanInvalidate has that rule.
        // ABANDONED and DESTROYED only by a disposition (Enforcement.Dispositions).
        [DeclarationStatus.Held] =
        [
            DeclarationStatus.Assessed, DeclarationStatus.Released, DeclarationStatus.Rejected, DeclarationStatus.Seized,
            DeclarationStatus.ReturnedToSender, DeclarationStatus.Abandoned, DeclarationStatus.Destroyed,
        ],
    };

    /// <summary>RELEASED, REJECTED, CANCELLED, SEIZED, RETURNED_TO_SENDER, ABANDONED and DESTROYED end the life cycle: nothing may change after them.</summary>
    public static bool IsFinal(DeclarationStatus status) => !Allowed.ContainsKey(status);

    /// <summary>Whether a declaration in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool CanMove(DeclarationStatus from, DeclarationStatus to) =>
        Allowed.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>
    /// Whether the status still lets the filer amend: until a final decision (while HELD too, e.g.
    /// to correct what a referral asked about). Arrival ends it too (Lifecycles.HasArrived).
    /// </summary>
    public static bool CanAmend(DeclarationStatus status) =>
        status != DeclarationStatus.Unspecified && !IsFinal(status);

    /// <summary>The status as the contract spells it, e.g. "RELEASED".</summary>
    public static string Label(DeclarationStatus status) => status switch
    {
        DeclarationStatus.Accepted => "ACCEPTED",
        DeclarationStatus.UnderReview => "UNDER_REVIEW",
        DeclarationStatus.Released => "RELEASED",
        DeclarationStatus.Held => "HELD",
        DeclarationStatus.Rejected => "REJECTED",
        DeclarationStatus.Cancelled => "CANCELLED",
        DeclarationStatus.Seized => "SEIZED",
        DeclarationStatus.ReturnedToSender => "RETURNED_TO_SENDER",
        DeclarationStatus.Assessed => "ASSESSED",
        DeclarationStatus.Abandoned => "ABANDONED",
        DeclarationStatus.Destroyed => "DESTROYED",
        _ => "UNSPECIFIED",
    };
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Validation;

namespace Exchange.Core.Enforcement;

/// <summary>
/// A partner government agency's own request for information to the filer, and its decision on
/// goods it holds (may proceed / refuse): the rules of both, in one place. An agency acts only on
/// a declaration it holds, with an active hold of its own: holding the goods is what gives it the
/// standing to ask and to decide (docs/enforcement.md).
/// </summary>
public static class AgencyRequests
{
    /// <summary>The longest request text, as a referral's additional information.</summary>
    public const int MaxRequestText = 2000;

    /// <summary>The agency's active hold on the declaration, or null when it holds none.</summary>
    public static AgencyHold? ActiveHold(Declaration declaration, string agency) =>
        declaration.AgencyHolds.FirstOrDefault(h => h.Agency == agency && h.LiftTime is null);

    /// <summary>
    /// The agency's hold that lets it act: active (AGENCY_HOLD_REQUIRED otherwise) and not refused
    /// (AGENCY_REFUSED otherwise). A refusal leaves the hold active for an officer's decision, so
    /// it ends the agency's own part: no new request, no second refusal, no bare lift that would
    /// release goods it refused. The one way on is <see cref="RequireHoldToProceed"/>.
    /// </summary>
    public static AgencyHold RequireHold(Declaration declaration, string agency, string operation)
    {
        var hold = RequireHoldToProceed(declaration, agency, operation);
        RequireNotRefused(declaration, hold, operation);
        return hold;
    }

    /// <summary>The rule of <see cref="RequireHold"/> on a hold already found: AGENCY_REFUSED when its agency refused the goods.</summary>
    public static void RequireNotRefused(Declaration declaration, AgencyHold hold, string operation)
    {
        if (hold.Decision == AgencyDecision.Refuse)
        {
            throw new AgencyRefusedException(declaration.Name, hold.Agency, operation);
        }
    }

    /// <summary>
    /// The agency's active hold, refused or not, for a MAY_PROCEED decision: the agency may change
    /// its mind after refusing (and only so). AGENCY_HOLD_REQUIRED when it holds none.
    /// </summary>
    public static AgencyHold RequireHoldToProceed(Declaration declaration, string agency, string operation) =>
        ActiveHold(declaration, agency) ?? throw new AgencyHoldRequiredException(declaration.Name, agency, operation);

    /// <summary>A new OPEN request of <paramref name="agency"/> on <paramref name="declaration"/>, numbered after the last one.</summary>
    public static AgencyRequest Open(Declaration declaration, string agency, string text, Google.Protobuf.WellKnownTypes.Timestamp now) => new()
    {
        Name = $"{declaration.Name}/agencyRequests/{declaration.AgencyRequests.Count + 1}",
        Agency = agency,
        RequestText = text,
        State = AgencyRequestState.Open,
        CreateTime = now,
    };

    /// <summary>Closes the agency's open requests: its decision ends them.</summary>
    public static void CloseOpen(Declaration declaration, string agency)
    {
        foreach (var request in declaration.AgencyRequests)
        {
            if (request.Agency == agency && request.State == AgencyRequestState.Open)
            {
                request.State = AgencyRequestState.Closed;
            }
        }
    }

    /// <summary>Reads `filers/{filer}/declarations/{declaration}/agencyRequests/{agency_request}` of the calling filer.</summary>
    public static DeclarationKey? ReadName(CallerIdentity caller, string? name, List<FieldViolation> violations) =>
        RequestChecks.ReadDeclarationChildName(caller, name, "agencyRequests", violations);

    /// <summary>The state as the contract names it, e.g. ANSWERED.</summary>
    public static string Label(AgencyRequestState state) => state switch
    {
        AgencyRequestState.Open => "OPEN",
        AgencyRequestState.Answered => "ANSWERED",
        AgencyRequestState.Closed => "CLOSED",
        _ => "UNSPECIFIED",
    };
}

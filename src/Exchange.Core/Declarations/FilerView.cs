using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Declarations;

/// <summary>
/// What a filer may see of a declaration or event: everything except who inside the
/// administration decided or acted (the officer's identity stays in the audit trail) and the risk
/// findings partner administrations shared with their decisions. This administration's own risk
/// internals never reach a declaration in the first place; they live in the RiskAssessment.
/// </summary>
public static class FilerView
{
    public static Declaration Of(Declaration declaration)
    {
        if (declaration.Decision is not { DecidedBy.Length: > 0 } && !declaration.PartnerDecisions.Any(d => d.Findings.Count > 0))
        {
            return declaration;
        }
        var view = declaration.Clone();
        if (view.Decision is not null)
        {
            view.Decision.DecidedBy = "";
        }
        foreach (var partnerDecision in view.PartnerDecisions)
        {
            partnerDecision.Findings.Clear();
        }
        return view;
    }

    public static DeclarationEvent Of(DeclarationEvent @event)
    {
        if (@event.Actor.Length == 0 && @event.Decision is not { DecidedBy.Length: > 0 } && @event.PartnerDecision is not { Findings.Count: > 0 })
        {
            return @event;
        }
        var view = @event.Clone();
        view.Actor = "";
        if (view.Decision is not null)
        {
            view.Decision.DecidedBy = "";
        }
        view.PartnerDecision?.Findings.Clear();
        return view;
    }
}

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
    /// <summary>The filer's view of a declaration others may hold: <paramref name="declaration"/> itself when it shows nothing to hide, else a copy.</summary>
    public static Declaration Of(Declaration declaration) =>
        ShowsInternals(declaration) ? Hide(declaration.Clone()) : declaration;

    /// <summary>
    /// The filer's view made of <paramref name="declaration"/> itself, for a caller that owns it
    /// and hands it to the filer (no copy): only for a message no one else holds, such as the
    /// declaration a submission has just written (Declarations.DeclarationContent's ownership rule).
    /// </summary>
    public static Declaration Owned(Declaration declaration) =>
        ShowsInternals(declaration) ? Hide(declaration) : declaration;

    private static bool ShowsInternals(Declaration declaration) =>
        declaration.Decision is { DecidedBy.Length: > 0 } || declaration.PartnerDecisions.Any(d => d.Findings.Count > 0);

    private static Declaration Hide(Declaration view)
    {
        if (view.Decision is not null)
        {
            // A decision the declaration shares with an earlier revision is not changed under its holder.
            view.Decision = view.Decision.Clone();
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

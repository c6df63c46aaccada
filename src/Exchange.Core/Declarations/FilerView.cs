using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Declarations;

/// <summary>
/// What a filer may see of a declaration or event: everything except who inside the
/// administration decided or acted (the officer's identity stays in the audit trail). Risk
/// internals never reach a declaration in the first place; they live in the RiskAssessment.
/// </summary>
public static class FilerView
{
    public static Declaration Of(Declaration declaration)
    {
        if (declaration.Decision is not { DecidedBy.Length: > 0 })
        {
            return declaration;
        }
        var view = declaration.Clone();
        view.Decision.DecidedBy = "";
        return view;
    }

    public static DeclarationEvent Of(DeclarationEvent @event)
    {
        if (@event.Actor.Length == 0 && @event.Decision is not { DecidedBy.Length: > 0 })
        {
            return @event;
        }
        var view = @event.Clone();
        view.Actor = "";
        if (view.Decision is not null)
        {
            view.Decision.DecidedBy = "";
        }
        return view;
    }
}

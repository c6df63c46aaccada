namespace Exchange.Core.Identity;

/// <summary>A customs officer of the administration running the node, as authenticated by the host.</summary>
public sealed record OfficerIdentity(string OfficerId)
{
    /// <summary>`officers/{officer}`: how the audit trail names the officer.</summary>
    public string Name => "officers/" + OfficerId;
}

/// <summary>A partner government agency (food, drugs, product safety), as authenticated by the host.</summary>
public sealed record AgencyIdentity(string AgencyId)
{
    /// <summary>`agencies/{agency}`.</summary>
    public string Name => Prefix + AgencyId;

    public const string Prefix = "agencies/";
}

/// <summary>Names of who caused an event, as written into the audit trail (DeclarationEvent.actor).</summary>
public static class Actors
{
    /// <summary>The automatic assessment.</summary>
    public const string RiskEngine = "risk-engine";

    public static string Of(CallerIdentity filer) => ResourceNames.Filer(filer.FilerId);
}

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

/// <summary>A partner administration (another Exchange node), as authenticated by its certificate.</summary>
/// <param name="CountryCode">ISO 3166-1 alpha-2 code of the administration, as in <c>partners/{administration}</c>.</param>
public sealed record PartnerIdentity(string CountryCode)
{
    /// <summary>`partners/{administration}`.</summary>
    public string Name => Prefix + CountryCode;

    public const string Prefix = "partners/";

    /// <summary>
    /// The filer id under which this node records what the partner shared with it
    /// (<c>filers/partner-be/declarations/...</c>): the declarations' store is scoped by filer.
    /// </summary>
    public string SharingFilerId => SharingFilerPrefix + CountryCode.ToLowerInvariant();

    /// <summary>Filer ids starting so are reserved for partners' shared declarations: no filer may authenticate as one.</summary>
    public const string SharingFilerPrefix = "partner-";

    public static bool IsReservedFilerId(string filerId) => filerId.StartsWith(SharingFilerPrefix, StringComparison.Ordinal);

    /// <summary>Whether the text is an administration code: two upper-case ASCII letters.</summary>
    public static bool IsCountryCode(string? code) => code is { Length: 2 } && code.All(char.IsAsciiLetterUpper);
}

/// <summary>Names of who caused an event, as written into the audit trail (DeclarationEvent.actor).</summary>
public static class Actors
{
    /// <summary>The automatic assessment.</summary>
    public const string RiskEngine = "risk-engine";

    /// <summary>A caller that could not be identified (audit log).</summary>
    public const string Anonymous = "anonymous";

    public static string Of(CallerIdentity filer) => ResourceNames.Filer(filer.FilerId);
}

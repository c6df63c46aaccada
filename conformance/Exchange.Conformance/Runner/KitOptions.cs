namespace Exchange.Conformance.Runner;

/// <summary>What to check and how to reach it.</summary>
public sealed record KitOptions
{
    public const string DefaultFiler = "conformance-a";
    public const string DefaultOtherFiler = "conformance-b";
    public const string DefaultIdentityHeader = "x-exchange-filer";
    public const string DefaultOfficer = "conformance-officer";
    public const string DefaultOfficerHeader = "x-exchange-officer";
    public static readonly TimeSpan DefaultCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The node, e.g. http://127.0.0.1:5080 (h2c) or https://node.example:443.</summary>
    public required Uri Target { get; init; }

    /// <summary>The target as people write it, without the URL's trailing slash.</summary>
    public string TargetText => Target.ToString().TrimEnd('/');

    /// <summary>The filer the kit calls as; it submits declarations under <c>filers/{Filer}</c>.</summary>
    public string Filer { get; init; } = DefaultFiler;

    /// <summary>A second filer, to prove the first one's declarations are out of its reach.</summary>
    public string OtherFiler { get; init; } = DefaultOtherFiler;

    /// <summary>The metadata header that names the calling filer (the contract's development scheme).</summary>
    public string IdentityHeader { get; init; } = DefaultIdentityHeader;

    /// <summary>The customs officer the disposition checks call EnforcementService as.</summary>
    public string Officer { get; init; } = DefaultOfficer;

    /// <summary>The metadata header that names the calling officer (the development scheme's officer role).</summary>
    public string OfficerHeader { get; init; } = DefaultOfficerHeader;

    /// <summary>The deadline of every call; a check as a whole gets <see cref="CheckTimeout"/>.</summary>
    public TimeSpan CallTimeout { get; init; } = DefaultCallTimeout;

    /// <summary>Run only the checks whose id starts with one of these; empty means all.</summary>
    public IReadOnlyList<string> Only { get; init; } = [];

    /// <summary>A check makes several calls and reads streams: it is given a few call deadlines, then reported as an error.</summary>
    public TimeSpan CheckTimeout => CallTimeout * 4;
}

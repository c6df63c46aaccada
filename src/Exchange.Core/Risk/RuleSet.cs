using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Risk;

/// <summary>
/// An administration's risk rules, parsed and checked: the rules in file order, the score
/// thresholds of the decision, and the texts of the referrals addressed to filers. Immutable, so
/// one instance serves every assessment. The format of the file is documented in the embedded
/// default, Risk/default-risk-rules.json.
/// </summary>
public sealed class RuleSet
{
    private const string DefaultResourceName = "Exchange.Core.Risk.default-risk-rules.json";

    private static readonly Lazy<RuleSet> DefaultRules = new(() => Parse(ReadDefaultFile(), "embedded default-risk-rules.json"));

    internal RuleSet(
        string source,
        string version,
        int holdThreshold,
        int? rejectThreshold,
        string recommendedScreeningMethod,
        IReadOnlyDictionary<ReferralType, string> referralTexts,
        IReadOnlyList<RiskRule> rules)
    {
        Source = source;
        Version = version;
        HoldThreshold = holdThreshold;
        RejectThreshold = rejectThreshold;
        RecommendedScreeningMethod = recommendedScreeningMethod;
        ReferralTexts = referralTexts;
        Rules = rules;
    }

    /// <summary>The built-in rule set (an example an administration replaces with its own file).</summary>
    public static RuleSet Default => DefaultRules.Value;

    /// <summary>The version the file declares, written into every assessment it produces.</summary>
    public string Version { get; }

    /// <summary>Where the rules were read from (a file name, or the embedded default), for messages.</summary>
    public string Source { get; }

    /// <summary>A score at or above this holds the declaration.</summary>
    internal int HoldThreshold { get; }

    /// <summary>A score at or above this rejects the declaration; null when only rule outcomes reject.</summary>
    internal int? RejectThreshold { get; }

    internal string RecommendedScreeningMethod { get; }

    internal IReadOnlyDictionary<ReferralType, string> ReferralTexts { get; }

    internal IReadOnlyList<RiskRule> Rules { get; }

    /// <summary>
    /// Parses and checks a rules file. Throws <see cref="Configuration.ConfigurationFileException"/>
    /// listing every problem found, each with its JSON path, e.g. "$.rules[2].weight: ...".
    /// </summary>
    /// <param name="json">The content of the file.</param>
    /// <param name="source">Where it comes from (the file name), for the exception's message.</param>
    public static RuleSet Parse(string json, string source) => RuleSetReader.Read(json, source);

    /// <summary>Reads and parses the rules file at <paramref name="path"/> (see <see cref="Parse"/>).</summary>
    public static RuleSet FromFile(string path) => Parse(File.ReadAllText(path), path);

    private static string ReadDefaultFile()
    {
        using var stream = typeof(RuleSet).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from {typeof(RuleSet).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

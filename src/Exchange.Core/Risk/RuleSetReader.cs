using Exchange.Core.Configuration;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;

namespace Exchange.Core.Risk;

/// <summary>
/// Reads a rules file into a <see cref="RuleSet"/>: the top level and the settings every rule
/// shares here, the settings of each kind in the kind's own rule class. Collects every problem
/// before throwing, so an operator fixes the whole file in one go.
/// </summary>
internal static class RuleSetReader
{
    public const int MinWeight = -100;
    public const int MaxWeight = 100;
    public const int MaxThreshold = 10_000;
    public const int MaxReferralTextLength = 2000;

    private const int MaxIdLength = 63;

    /// <summary>The referral types by their names in the file (the proto names without the REFERRAL_TYPE_ prefix).</summary>
    public static readonly IReadOnlyDictionary<string, ReferralType> ReferralTypes = new Dictionary<string, ReferralType>(StringComparer.Ordinal)
    {
        ["REQUEST_FOR_INFORMATION"] = ReferralType.RequestForInformation,
        ["HRCM_SCREENING"] = ReferralType.HrcmScreening,
        ["DO_NOT_LOAD"] = ReferralType.DoNotLoad,
    };

    /// <summary>The outcomes a hit can force, by their names in the file.</summary>
    public static readonly IReadOnlyDictionary<string, HitOutcome> Outcomes = new Dictionary<string, HitOutcome>(StringComparer.Ordinal)
    {
        ["hold"] = HitOutcome.Hold,
        ["reject"] = HitOutcome.Reject,
    };

    private static readonly IReadOnlyDictionary<string, RuleKind> Kinds = new Dictionary<string, RuleKind>(StringComparer.Ordinal)
    {
        ["PROHIBITED_GOODS"] = RuleKind.ProhibitedGoods,
        ["UNDERVALUATION"] = RuleKind.Undervaluation,
        ["WATCH_LIST"] = RuleKind.WatchList,
        ["DATA_QUALITY"] = RuleKind.DataQuality,
        ["SPLIT_SHIPMENT"] = RuleKind.SplitShipment,
        ["ORIGIN_ROUTING"] = RuleKind.OriginRouting,
        ["KNOWN_SHIPPER"] = RuleKind.KnownShipper,
    };

    public static RuleSet Read(string json, string source) => ConfigFileObject.Read(json, source, (root, problems) =>
    {
        var version = root.String("version", required: true, maxLength: 64);
        var (hold, reject) = ReadThresholds(root);
        var screeningMethod = ReadScreeningMethod(root);
        var rules = ReadRules(root, problems);
        var referralTexts = ReadReferralTexts(root, rules);
        root.ReportUnknownProperties();
        // Only used when there is no problem, so every required value is there.
        return problems.Count > 0
            ? null!
            : new RuleSet(source, version!, hold!.Value, reject, screeningMethod!, referralTexts, rules);
    });

    private static (int? Hold, int? Reject) ReadThresholds(ConfigFileObject root)
    {
        var thresholds = root.Object("thresholds", required: true);
        if (thresholds is null)
        {
            return (null, null);
        }
        var hold = thresholds.Int("hold", required: true, 1, MaxThreshold);
        var reject = thresholds.Int("reject", required: false, 1, MaxThreshold);
        if (hold is not null && reject is not null && reject <= hold)
        {
            thresholds.Problem("reject", $"must be above the hold threshold {hold} (the thresholds are inverted); got {reject}");
        }
        thresholds.ReportUnknownProperties();
        return (hold, reject);
    }

    /// <summary>The ICS2 CL724 screening method code: 1 to 3 upper-case letters, as ScreeningResult.method.</summary>
    private static string? ReadScreeningMethod(ConfigFileObject root)
    {
        var method = root.String("recommendedScreeningMethod", required: true, maxLength: 20);
        if (method is { Length: <= 3 } && !method.AsSpan().ContainsAnyExceptInRange('A', 'Z'))
        {
            return method;
        }
        if (method is not null)
        {
            root.Problem("recommendedScreeningMethod", $"must be an ICS2 CL724 code of 1 to 3 upper-case letters, e.g. \"XRY\"; got \"{method}\"");
        }
        return null;
    }

    private static IReadOnlyDictionary<ReferralType, string> ReadReferralTexts(ConfigFileObject root, IReadOnlyList<RiskRule> rules)
    {
        var texts = new Dictionary<ReferralType, string>();
        var section = root.Object("referralTexts", required: true);
        if (section is null)
        {
            return texts;
        }
        foreach (var (name, _, _) in section.Properties())
        {
            if (!ReferralTypes.TryGetValue(name, out var type))
            {
                section.Problem(name, $"is not a referral type; expected {string.Join(", ", ReferralTypes.Keys)}");
                continue;
            }
            var text = section.String(name, required: true, MaxReferralTextLength);
            if (text is null)
            {
                continue;
            }
            // Filers must never learn which rule or list caught them (decision.proto): a text
            // that quotes a rule id is a configuration mistake.
            foreach (var rule in rules)
            {
                if (rule.Id.Length > 0 && NamesRule(text, rule.Id))
                {
                    section.Problem(name, $"must not name a risk rule, but it contains the rule id \"{rule.Id}\"");
                }
            }
            texts[type] = text;
        }
        foreach (var (name, type) in ReferralTypes)
        {
            if (!section.Has(name))
            {
                section.Problem(name, "is required (the text sent to the filer with a referral of this type)");
            }
        }
        section.ReportUnknownProperties();
        return texts;
    }

    private static List<RiskRule> ReadRules(ConfigFileObject root, List<string> problems)
    {
        var rules = new List<RiskRule>();
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        var onlyOnce = new Dictionary<RuleKind, string>();
        foreach (var (element, path) in root.Array("rules", required: true))
        {
            var rule = ConfigFileObject.Of(element, path, problems);
            if (rule is null)
            {
                continue;
            }
            // Without a known kind, which properties belong is unknown: only the kind is reported.
            if (ReadHeader(rule, ids, onlyOnce) is { } header)
            {
                rules.Add(ReadKind(header, rule));
                rule.ReportUnknownProperties();
            }
        }
        return rules;
    }

    private static RiskRule ReadKind(RuleHeader header, ConfigFileObject rule) => header.Kind switch
    {
        RuleKind.ProhibitedGoods => Rules.ProhibitedGoodsRule.Read(header, rule),
        RuleKind.Undervaluation => Rules.UndervaluationRule.Read(header, rule),
        RuleKind.WatchList => Rules.WatchListRule.Read(header, rule),
        RuleKind.DataQuality => Rules.DataQualityRule.Read(header, rule),
        RuleKind.SplitShipment => Rules.SplitShipmentRule.Read(header, rule),
        RuleKind.OriginRouting => Rules.OriginRoutingRule.Read(header, rule),
        RuleKind.KnownShipper => Rules.KnownShipperRule.Read(header, rule),
        _ => throw new InvalidOperationException($"No reader for rule kind {header.Kind}."),
    };

    /// <summary>
    /// The settings every rule has. Null when the rule cannot be read further (no usable kind);
    /// the kind's own settings are still checked when only a shared setting is wrong, so that
    /// every problem is reported.
    /// </summary>
    private static RuleHeader? ReadHeader(ConfigFileObject rule, Dictionary<string, string> ids, Dictionary<RuleKind, string> onlyOnce)
    {
        var id = rule.String("id", required: true, MaxIdLength);
        if (id is not null && !IsRuleId(id))
        {
            rule.Problem("id", $"must be lower-case letters, digits and '-' (a stable id such as \"prohibited-goods\"); got \"{id}\"");
        }
        else if (id is not null && !ids.TryAdd(id, rule.Path))
        {
            rule.Problem("id", $"\"{id}\" is already the id of {ids[id]}; rule ids must be unique");
        }

        var kind = rule.OneOf("kind", required: true, Kinds);
        if (kind is null)
        {
            return null;
        }
        if (kind is RuleKind.SplitShipment or RuleKind.KnownShipper && !onlyOnce.TryAdd(kind.Value, rule.Path))
        {
            rule.Problem("kind", $"only one {KindName(kind.Value)} rule is allowed; {onlyOnce[kind.Value]} is one already");
        }

        var favourable = kind == RuleKind.KnownShipper;
        var weight = favourable
            ? rule.Int("weight", required: true, MinWeight, -1)
            : rule.Int("weight", required: true, 1, MaxWeight);

        var referralType = favourable ? null : rule.OneOf("referralType", required: false, ReferralTypes);
        var outcome = favourable ? null : rule.OneOf("outcome", required: false, Outcomes);
        rule.String("description", required: false, maxLength: 500);

        var from = StartOfDay(rule.Date("effectiveFrom", required: false));
        var until = StartOfDay(rule.Date("effectiveUntil", required: false));
        if (from is not null && until is not null && until <= from)
        {
            rule.Problem("effectiveUntil", "must be after effectiveFrom (the dates are inverted)");
        }

        return new RuleHeader(id ?? "", kind.Value, weight ?? 0, referralType ?? ReferralType.Unspecified,
            outcome ?? HitOutcome.None, from, until, rule.Path);
    }

    /// <summary>Whether <paramref name="id"/> appears in <paramref name="text"/> as a word of its own (so rule "a" is not found in "are").</summary>
    private static bool NamesRule(string text, string id)
    {
        static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '-';
        for (var at = text.IndexOf(id, StringComparison.OrdinalIgnoreCase); at >= 0; at = text.IndexOf(id, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            var end = at + id.Length;
            if ((at == 0 || !IsIdChar(text[at - 1])) && (end == text.Length || !IsIdChar(text[end])))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Rules take effect and end at midnight UTC of their dates.</summary>
    private static DateTimeOffset? StartOfDay(DateOnly? date) =>
        date is { } day ? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero) : null;

    /// <summary>The name of <paramref name="kind"/> in the file, e.g. "SPLIT_SHIPMENT".</summary>
    public static string KindName(RuleKind kind) => Kinds.First(k => k.Value == kind).Key;

    private static bool IsRuleId(string id) =>
        (char.IsAsciiLetterLower(id[0]) || char.IsAsciiDigit(id[0]))
        && !id.AsSpan().ContainsAnyExcept(RuleIdCharacters);

    private static readonly System.Buffers.SearchValues<char> RuleIdCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
}

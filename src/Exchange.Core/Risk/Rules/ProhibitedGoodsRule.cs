using Exchange.Core.Configuration;
using System.Collections.Frozen;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Prohibited and restricted goods by HS chapter, heading or subheading (e.g. chapter 93 arms and
/// ammunition, subheading 293941 ephedrine): an item whose hs_code starts with a listed prefix is
/// a hit of that prefix's entry, with the entry's outcome ("hold" for an officer to decide,
/// "reject"). The most specific prefix wins, so an administration can reject heading 9301 while
/// holding the rest of chapter 93. One hit per matching entry, naming every item it caught.
/// </summary>
internal sealed class ProhibitedGoodsRule : RiskRule
{
    private readonly FrozenDictionary<int, Match> _byPrefixKey;
    private readonly int[] _prefixLengthsLongestFirst;
    private readonly int _entryCount;

    private ProhibitedGoodsRule(RuleHeader header, Dictionary<int, Match> byPrefixKey, int entryCount) : base(header)
    {
        _byPrefixKey = byPrefixKey.ToFrozenDictionary();
        _prefixLengthsLongestFirst = [.. byPrefixKey.Values.Select(m => m.Prefix.Length).Distinct().OrderDescending()];
        _entryCount = entryCount;
    }

    /// <summary>A listed prefix and the entry it belongs to.</summary>
    private sealed record Match(string Prefix, Entry Entry);

    /// <summary>One entry of the list: its goods, and what a hit on them does.</summary>
    private sealed record Entry(int Index, string Label, HitOutcome Outcome, int Weight, ReferralType ReferralType);

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        // Allocated only on a hit: most declarations carry no prohibited goods.
        List<(int Item, Match Match)>? found = null;
        for (var i = 0; i < declaration.Items.Count; i++)
        {
            if (declaration.Items[i]?.HsCode is not { Length: > 0 } code)
            {
                continue;
            }
            foreach (var length in _prefixLengthsLongestFirst)
            {
                if (HsPrefixes.TryKey(code, length, out var key) && _byPrefixKey.TryGetValue(key, out var match))
                {
                    (found ??= []).Add((i, match));
                    break;
                }
            }
        }
        if (found is null)
        {
            return;
        }

        for (var entry = 0; entry < _entryCount; entry++)
        {
            Entry? hitEntry = null;
            var reason = new StringBuilder();
            var paths = new List<string>();
            foreach (var (item, match) in found)
            {
                if (match.Entry.Index != entry)
                {
                    continue;
                }
                hitEntry = match.Entry;
                var path = $"items[{item}].hs_code";
                paths.Add(path);
                reason.Append(reason.Length == 0 ? "" : "; ")
                    .Append($"{path} {declaration.Items[item].HsCode} is in prohibited {HsPrefixes.LevelName(match.Prefix.Length)} {match.Prefix} ({match.Entry.Label})");
            }
            if (hitEntry is not null)
            {
                hits.Add(this, hitEntry.Weight, hitEntry.ReferralType, hitEntry.Outcome, reason.ToString(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paths));
            }
        }
    }

    public static ProhibitedGoodsRule Read(RuleHeader header, ConfigFileObject rule)
    {
        var byPrefixKey = new Dictionary<int, Match>();
        var entries = rule.Array("entries", required: true);
        for (var index = 0; index < entries.Count; index++)
        {
            var (element, path) = entries[index];
            var config = rule.ObjectAt(element, path);
            if (config is null)
            {
                continue;
            }
            var label = config.String("label", required: true) ?? "";
            var outcome = config.OneOf("outcome", required: true, RuleSetReader.Outcomes) ?? HitOutcome.Hold;
            var weight = config.Int("weight", required: false, 1, RuleSetReader.MaxWeight) ?? header.Weight;
            var referralType = config.OneOf("referralType", required: false, RuleSetReader.ReferralTypes) ?? header.ReferralType;
            var entry = new Entry(index, label, outcome, weight, referralType);
            foreach (var (prefix, prefixPath) in config.Strings("prefixes", required: true, maxLength: 10))
            {
                if (HsPrefixes.Check(prefix) is { } problem)
                {
                    rule.ProblemAt(prefixPath, problem);
                }
                else if (HsPrefixes.TryKey(prefix, prefix.Length, out var key) && !byPrefixKey.TryAdd(key, new Match(prefix, entry)))
                {
                    rule.ProblemAt(prefixPath, $"\"{prefix}\" is listed twice (also in entry \"{byPrefixKey[key].Entry.Label}\")");
                }
            }
            config.ReportUnknownProperties();
        }
        return new ProhibitedGoodsRule(header, byPrefixKey, entries.Count);
    }
}

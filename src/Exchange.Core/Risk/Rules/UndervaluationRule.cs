using Exchange.Core.Configuration;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Undervaluation, the main revenue risk of low-value consignments: an item whose declared unit
/// value (its value divided by its quantity, converted to the reference's currency) is below
/// <c>ratio</c> times the reference unit value of its HS subheading. Only items whose quantity is
/// in one of the reference's units are compared (a value per kilogram says nothing against a
/// value per piece), and items without an HS code cannot be compared. One hit naming every
/// undervalued item.
/// </summary>
internal sealed class UndervaluationRule : RiskRule
{
    private static readonly System.Buffers.SearchValues<char> UnitCodeCharacters = System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    private const decimal MaxAmount = 1_000_000_000m;

    private readonly decimal _ratio;
    private readonly FrozenDictionary<int, Reference> _bySubheading;

    private UndervaluationRule(RuleHeader header, decimal ratio, Dictionary<int, Reference> bySubheading) : base(header)
    {
        _ratio = ratio;
        _bySubheading = bySubheading.ToFrozenDictionary();
    }

    /// <summary>The reference unit value of one subheading, and its unit value below which a hit is scored.</summary>
    private sealed record Reference(string Subheading, string Label, decimal UnitValue, decimal Threshold, string Currency, string[] UnitCodes, string Path);

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        StringBuilder? reason = null;
        List<string>? paths = null;
        for (var i = 0; i < declaration.Items.Count; i++)
        {
            var item = declaration.Items[i];
            if (item?.HsCode is not { Length: > 0 } code
                || !HsPrefixes.TryKey(code, HsPrefixes.Subheading, out var key)
                || !_bySubheading.TryGetValue(key, out var reference)
                || item.Quantity is not { } quantity
                || System.Array.IndexOf(reference.UnitCodes, quantity.UnitCode) < 0
                || !TryParseCount(quantity.Value, out var count)
                || item.Value is not { } value || !rates.Knows(value.CurrencyCode))
            {
                continue;
            }
            // value / count < threshold, without the division (the hot path): count is positive.
            var converted = rates.Convert(ExactMoney.ToDecimal(value), value.CurrencyCode, reference.Currency);
            if (converted >= reference.Threshold * count)
            {
                continue;
            }
            var unitValue = converted / count;
            var path = $"items[{i}].value";
            (paths ??= []).Add(path);
            reason = (reason ??= new StringBuilder()).Append(reason.Length == 0 ? "" : "; ").Append(CultureInfo.InvariantCulture,
                $"{path} is {Amounts.Format(unitValue, reference.Currency)} per {quantity.UnitCode} of "
                + $"subheading {reference.Subheading} ({reference.Label}), {Percent(unitValue / reference.UnitValue)} of the reference "
                + $"{Amounts.Format(reference.UnitValue, reference.Currency)}, below {Percent(_ratio)}");
        }
        if (reason is not null)
        {
            hits.Add(this, reason.ToString(), System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paths));
        }
    }

    public override void CheckRates(ExchangeRates rates, List<string> problems)
    {
        foreach (var reference in _bySubheading.Values.OrderBy(r => r.Path, StringComparer.Ordinal))
        {
            if (!rates.Knows(reference.Currency))
            {
                problems.Add($"{reference.Path}.currency: {reference.Currency} has no exchange rate (rates based on {rates.BaseCurrency})");
            }
        }
    }

    public static UndervaluationRule Read(RuleHeader header, ConfigFileObject rule)
    {
        // A share of the reference value, e.g. "0.3": a declared unit value below 30% of it is a hit.
        var ratio = rule.Decimal("ratio", required: true, 0m, 1m, minExclusive: true);

        var bySubheading = new Dictionary<int, Reference>();
        foreach (var (element, path) in rule.Array("references", required: true))
        {
            var config = rule.ObjectAt(element, path);
            if (config is null)
            {
                continue;
            }
            var subheading = config.String("subheading", required: true, maxLength: 10);
            if (subheading is not null && (subheading.Length != HsPrefixes.Subheading || HsPrefixes.Check(subheading) is not null))
            {
                config.Problem("subheading", $"must be a 6-digit HS subheading, e.g. \"851713\"; got \"{Echo.Quote(subheading).Trim('"')}\"");
                subheading = null;
            }
            var label = config.String("label", required: true);
            var unitValue = config.Decimal("unitValue", required: true, 0m, MaxAmount, minExclusive: true);
            var currency = config.String("currency", required: true, maxLength: 3);
            if (currency is not null && !CurrencyCodes.IsActive(currency))
            {
                config.Problem("currency", $"\"{currency}\" is not an active ISO 4217 currency code");
                currency = null;
            }
            var unitCodes = ReadUnitCodes(config);
            config.ReportUnknownProperties();

            if (subheading is null || label is null || unitValue is null || currency is null || ratio is null)
            {
                continue;
            }
            HsPrefixes.TryKey(subheading, HsPrefixes.Subheading, out var key);
            var reference = new Reference(subheading, label, unitValue.Value, ratio.Value * unitValue.Value, currency, unitCodes, path);
            if (!bySubheading.TryAdd(key, reference))
            {
                config.Problem("subheading", $"\"{subheading}\" already has a reference at {bySubheading[key].Path}");
            }
        }
        return new UndervaluationRule(header, ratio ?? 1m, bySubheading);
    }

    /// <summary>The UN/ECE Recommendation 20 units the reference is per; "H87" (piece) when not given.</summary>
    private static string[] ReadUnitCodes(ConfigFileObject config)
    {
        if (!config.Has("unitCodes"))
        {
            return ["H87"];
        }
        var codes = new List<string>();
        foreach (var (code, path) in config.Strings("unitCodes", required: true, maxLength: 3))
        {
            if (code.AsSpan().ContainsAnyExcept(UnitCodeCharacters))
            {
                config.ProblemAt(path, $"must be a UN/ECE Recommendation 20 unit code of 1 to 3 upper-case letters or digits, e.g. \"H87\"; got \"{code}\"");
            }
            else
            {
                codes.Add(code);
            }
        }
        return [.. codes];
    }

    /// <summary>
    /// A positive quantity: small whole numbers ("1", "12", the usual case) are read directly,
    /// anything else exactly by <see cref="DecimalValues"/>.
    /// </summary>
    private static bool TryParseCount(Google.Type.Decimal? quantity, out decimal count)
    {
        if (quantity?.Value is { Length: > 0 and <= 9 } text && !text.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            var whole = 0;
            foreach (var c in text)
            {
                whole = (whole * 10) + (c - '0');
            }
            count = whole;
            return whole > 0;
        }
        return DecimalValues.TryParse(quantity, out count) && count > 0m;
    }

    private static string Percent(decimal share) =>
        (share * 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}

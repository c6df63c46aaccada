using System.Globalization;

namespace Exchange.Core.Duties;

/// <summary>What the keys of a rate table are.</summary>
internal enum RateKey
{
    /// <summary>Prefixes of the goods item's HS / CN / HTS code, 2 to 10 digits; the longest matching prefix wins.</summary>
    TariffCode,

    /// <summary>ISO 3166-1 alpha-2 code of the country of origin of the goods item.</summary>
    OriginCountry,

    /// <summary>ISO 3166-1 alpha-2 code of the country of destination (e.g. the member state of the VAT rate).</summary>
    DestinationCountry,
}

/// <summary>
/// A named table of percentage rates of a jurisdiction (a duty tariff by tariff-code prefix, a rate
/// by country of origin, VAT rates by member state), referenced by its rules by name so one table
/// serves several dated rules. Rates are exact percentages, e.g. 25.5 for 25.5%.
/// </summary>
internal sealed class RateTable(string id, RateKey keyedBy, decimal? defaultPercent, IReadOnlyDictionary<string, decimal> percents)
{
    public string Id { get; } = id;

    public RateKey KeyedBy { get; } = keyedBy;

    /// <summary>The rate for a key the table does not list; null when every key must be listed.</summary>
    public decimal? DefaultPercent { get; } = defaultPercent;

    public IReadOnlyDictionary<string, decimal> Percents { get; } = percents;

    /// <summary>
    /// The rate for <paramref name="key"/>: for tariff codes the longest listed prefix (a 10-digit
    /// code 6206100010 takes "620610" before "6206" before "62"), otherwise the exact key; the
    /// default when nothing matches; null when there is no default either.
    /// </summary>
    public RateMatch? Find(string key)
    {
        if (KeyedBy == RateKey.TariffCode)
        {
            for (var length = Math.Min(key.Length, 10); length >= 2; length--)
            {
                if (Percents.TryGetValue(key[..length], out var byPrefix))
                {
                    return new RateMatch(this, key[..length], byPrefix);
                }
            }
        }
        else if (Percents.TryGetValue(key, out var exact))
        {
            return new RateMatch(this, key, exact);
        }
        return DefaultPercent is { } fallback ? new RateMatch(this, null, fallback) : null;
    }
}

/// <summary>A rate found in a table, with the key that matched (null for the table's default).</summary>
internal readonly record struct RateMatch(RateTable Table, string? Key, decimal Percent)
{
    /// <summary>"CET 6206 12%", "IEEPA CN 30%", "IEEPA default 10%": which rate applied, for estimate lines.</summary>
    public override string ToString() =>
        $"{Table.Id} {Key ?? "default"} {DutyText.Percent(Percent)}";
}

/// <summary>How amounts and rates are written in estimate lines.</summary>
internal static class DutyText
{
    /// <summary>"EUR 3.00": rounded half away from zero to the cent, always two decimals.</summary>
    public static string Amount(decimal amount, string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"{currency} {Monetary.ExactMoney.ToCents(amount):0.00}");

    /// <summary>"21%", "25.5%".</summary>
    public static string Percent(decimal percent) =>
        string.Create(CultureInfo.InvariantCulture, $"{percent:0.####}%");

    /// <summary>"item 2", "items 1, 3 and 4".</summary>
    public static string Items(IEnumerable<int> numbers)
    {
        var list = numbers.Select(n => n.ToString(CultureInfo.InvariantCulture)).ToList();
        return list.Count switch
        {
            0 => "no items",
            1 => $"item {list[0]}",
            _ => $"items {string.Join(", ", list[..^1])} and {list[^1]}",
        };
    }
}

using System.Globalization;

namespace Exchange.Core.Monetary;

/// <summary>
/// The currency rates an administration configures for assessment and duty estimates: how many
/// units of each currency one unit of the base currency buys, as published on <see cref="AsOf"/>
/// (e.g. the ECB reference rates). Exact decimal arithmetic throughout.
/// </summary>
public sealed class ExchangeRates
{
    private readonly IReadOnlyDictionary<string, decimal> _perBaseUnit;

    /// <param name="baseCurrency">ISO 4217 code every rate is quoted against, e.g. "EUR".</param>
    /// <param name="perBaseUnit">Units of each currency per one base unit, e.g. USD 1.0850.</param>
    /// <param name="asOf">The publication date of the rates, shown in every estimate.</param>
    public ExchangeRates(string baseCurrency, IReadOnlyDictionary<string, decimal> perBaseUnit, DateOnly asOf)
    {
        foreach (var (currency, rate) in perBaseUnit)
        {
            if (rate <= 0m)
            {
                throw new ArgumentException($"The rate of {currency} must be positive; got {rate}.", nameof(perBaseUnit));
            }
        }
        BaseCurrency = baseCurrency;
        AsOf = asOf;
        var rates = new Dictionary<string, decimal>(perBaseUnit, StringComparer.Ordinal) { [baseCurrency] = 1m };
        _perBaseUnit = rates;
    }

    public string BaseCurrency { get; }

    public DateOnly AsOf { get; }

    public IEnumerable<string> Currencies => _perBaseUnit.Keys;

    public bool Knows(string currency) => _perBaseUnit.ContainsKey(currency);

    /// <summary>
    /// <paramref name="amount"/> in <paramref name="from"/> expressed in <paramref name="to"/>,
    /// unrounded (round once, at the end of a computation). Throws for an unknown currency:
    /// callers check <see cref="Knows"/> or rely on validation, which only admits ISO 4217 codes.
    /// </summary>
    public decimal Convert(decimal amount, string from, string to)
    {
        if (from == to)
        {
            return amount;
        }
        return amount / Rate(from) * Rate(to);
    }

    /// <summary>A line for humans, e.g. "1 EUR = 1.0850 USD (rates of 2026-07-01)".</summary>
    public string Describe(string currency) =>
        string.Create(CultureInfo.InvariantCulture, $"1 {BaseCurrency} = {Rate(currency):0.0000####} {currency} (rates of {AsOf:yyyy-MM-dd})");

    private decimal Rate(string currency) =>
        _perBaseUnit.TryGetValue(currency, out var rate)
            ? rate
            : throw new KeyNotFoundException($"No exchange rate configured for {currency}.");
}

using Google.Type;

namespace Exchange.Core.Monetary;

/// <summary>
/// google.type.Money to and from System.Decimal, exactly: units and nanos are integers, so no
/// amount ever passes through floating point.
/// </summary>
public static class ExactMoney
{
    private const decimal NanosPerUnit = 1_000_000_000m;

    /// <summary>The amount of <paramref name="money"/> as a decimal (0 for null).</summary>
    public static decimal ToDecimal(Money? money) =>
        money is null ? 0m : money.Units + money.Nanos / NanosPerUnit;

    /// <summary>
    /// A Money of <paramref name="amount"/> in <paramref name="currency"/>, rounded half away from
    /// zero to the nano (Money's precision).
    /// </summary>
    public static Money FromDecimal(decimal amount, string currency)
    {
        var rounded = decimal.Round(amount, 9, MidpointRounding.AwayFromZero);
        var units = decimal.Truncate(rounded);
        return new Money
        {
            CurrencyCode = currency,
            Units = (long)units,
            Nanos = (int)((rounded - units) * NanosPerUnit),
        };
    }

    /// <summary>The amount rounded to cents (half away from zero), the way duties and taxes are charged.</summary>
    public static decimal ToCents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}

using Google.Type;

namespace Exchange.Core.Validation;

/// <summary>
/// Amounts carried as google.type.Money: an ISO 4217 currency code, whole units and nanos
/// (10^-9 units). Conversion is exact, never through floating point, as the contract promises.
/// </summary>
public static class MoneyValues
{
    public const int MaxNanos = 999_999_999;
    private const decimal NanosPerUnit = 1_000_000_000m;

    /// <summary>
    /// Converts <paramref name="m"/> exactly to units + nanos / 10^9. False when it is null, when the
    /// nanos are outside -999,999,999..999,999,999, or when units and nanos have opposite signs
    /// (google.type.Money invariants). The currency code is not checked here.
    /// </summary>
    public static bool TryToDecimal(Money? m, out decimal value)
    {
        value = 0m;
        if (m is null || NanosProblem(m) is not null)
        {
            return false;
        }

        // Both terms are exact in System.Decimal: a long has at most 19 digits and the nanos
        // quotient has scale 9, so the sum has at most 28 significant digits.
        value = m.Units + (m.Nanos / NanosPerUnit);
        return true;
    }

    /// <summary>Whether an amount may be zero, or must be strictly positive.</summary>
    internal enum Sign
    {
        /// <summary>Greater than zero (item values: CN22/CN23 "Value").</summary>
        Positive,

        /// <summary>Zero or more (charges, insurance, totals).</summary>
        NotNegative,
    }

    /// <summary>
    /// Reports every problem of a present amount: its currency (.currency_code), its nanos (.nanos:
    /// range, sign, and no more decimals than the currency's ISO 4217 minor unit) and its sign (at
    /// the amount's own path).
    /// </summary>
    internal static void Check(Money m, string path, Sign sign, ViolationList violations)
    {
        if (CurrencyCodes.Check(m.CurrencyCode) is { } currencyProblem)
        {
            violations.Add(path + ".currency_code", currencyProblem);
        }

        if (NanosProblem(m) is { } nanosProblem)
        {
            violations.Add(path + ".nanos", nanosProblem);
            return;
        }

        TryToDecimal(m, out var value);
        if (CurrencyCodes.TryGetMinorUnits(m.CurrencyCode, out var digits) && m.Nanos % Pow10(9 - digits) != 0)
        {
            violations.Add(path + ".nanos", $"{m.CurrencyCode} has {digits} decimal(s) (ISO 4217 minor unit) but the amount "
                + $"is {Echo.Number(value)}: nanos must be a multiple of {Pow10(9 - digits)}");
        }

        if (sign == Sign.Positive && value <= 0m)
        {
            violations.Add(path, $"must be greater than zero; got {Echo.Amount(m.CurrencyCode, value)}");
        }
        else if (sign == Sign.NotNegative && value < 0m)
        {
            violations.Add(path, $"must not be negative; got {Echo.Amount(m.CurrencyCode, value)}");
        }
    }

    // google.type.Money: nanos in [-999,999,999, +999,999,999]; when units is positive, nanos is
    // zero or positive; when units is negative, nanos is zero or negative.
    private static string? NanosProblem(Money m)
    {
        if (m.Nanos is < -MaxNanos or > MaxNanos)
        {
            return $"must be between -999999999 and 999999999 (google.type.Money); got {m.Nanos}";
        }

        return (m.Units > 0 && m.Nanos < 0) || (m.Units < 0 && m.Nanos > 0)
            ? $"must have the same sign as units (google.type.Money); got units {m.Units} and nanos {m.Nanos}"
            : null;
    }

    private static int Pow10(int exponent)
    {
        var result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}

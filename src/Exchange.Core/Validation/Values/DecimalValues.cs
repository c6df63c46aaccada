using System.Globalization;

namespace Exchange.Core.Validation;

/// <summary>
/// Exact decimal values carried as google.type.Decimal strings (weights, quantities). Parsing is
/// exact and never goes through floating point: the contract promises exact decimals.
/// </summary>
public static class DecimalValues
{
    // WCO DM 131 (total gross weight) and the contract's weights and quantities: n..16,6, that is
    // at most 16 digits of which at most 6 after the decimal point.
    public const int MeasureMaxDigits = 16;
    public const int MeasureMaxFractionDigits = 6;

    // System.Decimal holds any 28 significant digits exactly (10^28 - 1 < 2^96), at scale <= 28.
    private const int ExactMaxDigits = 28;

    /// <summary>
    /// Parses a google.type.Decimal exactly into a System.Decimal. Accepted: an optional '+' or '-',
    /// ASCII digits with an optional '.' fraction, at least one digit (google.type.Decimal syntax
    /// without the exponent, which the contract does not use); no spaces, thousand separators or
    /// exponent. False when the value is null, malformed or cannot be held exactly (more than 28
    /// significant digits).
    /// </summary>
    public static bool TryParse(Google.Type.Decimal? d, out decimal value) => TryParse(d?.Value, out value);

    /// <summary>The same as <see cref="TryParse(Google.Type.Decimal?, out decimal)"/> for the bare string.</summary>
    public static bool TryParse(string? text, out decimal value)
    {
        value = 0m;
        if (!TryScan(text, out var shape) || shape.IntegerDigits + shape.FractionDigits > ExactMaxDigits)
        {
            return false;
        }

        // The scan proved the syntax, so this parse cannot fail; it is exact because the
        // significant digits fit in the 96-bit mantissa.
        return decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint,
            CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Why a required weight or quantity is invalid, or null when it is fine: it must be present, an
    /// exact decimal, greater than zero, and fit n..16,6 (at most 16 significant digits, at most 6
    /// decimals; leading zeros and trailing fractional zeros do not count).
    /// </summary>
    internal static string? CheckPositiveMeasure(Google.Type.Decimal? d, out decimal value)
    {
        value = 0m;
        if (!TryScan(d?.Value, out var shape))
        {
            return $"must be a decimal number such as 0.25 (digits, optional '.' and decimals; no exponent, "
                + $"spaces or thousand separators); got {Echo.Quote(d?.Value)}";
        }

        if (shape.FractionDigits > MeasureMaxFractionDigits)
        {
            return $"must have at most {MeasureMaxFractionDigits} decimals (WCO DM format n..16,6); got {shape.FractionDigits}";
        }

        if (shape.IntegerDigits + shape.FractionDigits > MeasureMaxDigits)
        {
            return $"must have at most {MeasureMaxDigits} digits (WCO DM format n..16,6); got {shape.IntegerDigits + shape.FractionDigits}";
        }

        if (!TryParse(d, out value) || value <= 0m)
        {
            return $"must be greater than zero; got {Echo.Quote(d?.Value)}";
        }

        return null;
    }

    private readonly record struct Shape(int IntegerDigits, int FractionDigits);

    /// <summary>
    /// Checks the syntax and counts the significant digits: integer digits without leading zeros,
    /// fraction digits without trailing zeros.
    /// </summary>
    private static bool TryScan(string? text, out Shape shape)
    {
        shape = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var i = text[0] is '+' or '-' ? 1 : 0;
        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var integer = text.AsSpan(integerStart, i - integerStart);
        var fraction = ReadOnlySpan<char>.Empty;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            fraction = text.AsSpan(fractionStart, i - fractionStart);
        }

        if (i != text.Length || integer.Length + fraction.Length == 0)
        {
            return false;
        }

        shape = new Shape(integer.TrimStart('0').Length, fraction.TrimEnd('0').Length);
        return true;
    }
}

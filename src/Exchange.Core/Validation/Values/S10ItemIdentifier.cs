namespace Exchange.Core.Validation;

/// <summary>
/// The UPU S10 item identifier (UPU standard S10-12, "Identification of postal items - 13 character
/// identifier"): 2 letters of service indicator, 8 serial digits, 1 check digit and the ISO 3166-1
/// alpha-2 code of the issuing postal operator, e.g. RB123456785GB.
/// </summary>
public static class S10ItemIdentifier
{
    public const int Length = 13;

    // UPU S10: weights applied to the 8 serial digits, left to right.
    private static readonly int[] Weights = [8, 6, 4, 2, 3, 5, 9, 7];

    /// <summary>
    /// The S10 check digit of an 8-digit serial number: S = sum of digit x weight (8,6,4,2,3,5,9,7),
    /// check = 11 - (S mod 11), where 10 becomes 0 and 11 becomes 5 (UPU S10).
    /// </summary>
    /// <exception cref="ArgumentException">The span is not exactly 8 ASCII digits.</exception>
    public static int ComputeCheckDigit(ReadOnlySpan<char> eightDigits)
    {
        if (eightDigits.Length != Weights.Length)
        {
            throw new ArgumentException("An S10 serial number has exactly 8 digits.", nameof(eightDigits));
        }

        var sum = 0;
        for (var i = 0; i < Weights.Length; i++)
        {
            var c = eightDigits[i];
            if (!char.IsAsciiDigit(c))
            {
                throw new ArgumentException("An S10 serial number has only the digits 0-9.", nameof(eightDigits));
            }

            sum += (c - '0') * Weights[i];
        }

        return (11 - (sum % 11)) switch
        {
            10 => 0,
            11 => 5,
            var check => check,
        };
    }

    /// <summary>True when <paramref name="value"/> is a well-formed S10 identifier with a correct check digit and a known country.</summary>
    public static bool IsValid(string? value) => Check(value) is null;

    /// <summary>Why <paramref name="value"/> is not a valid S10 identifier, or null when it is.</summary>
    public static string? Check(string? value)
    {
        if (!HasShape(value))
        {
            return "must be a UPU S10 item identifier: 2 upper-case letters, 8 digits, a check digit and a "
                + $"2-letter country code, e.g. RB123456785GB; got {Echo.Quote(value)}";
        }

        var expected = ComputeCheckDigit(value.AsSpan(2, 8));
        var given = value[10] - '0';
        if (given != expected)
        {
            return $"check digit is {given} but serial {value.Substring(2, 8)} gives {expected} (UPU S10); "
                + "check the identifier for a typing error";
        }

        var country = value.Substring(11, 2);
        return CountryCodes.IsAssigned(country)
            ? null
            : $"ends in {Echo.Quote(country)}, which is not an ISO 3166-1 country code of a postal operator (UPU S10)";
    }

    // The shape ^[A-Z]{2}[0-9]{8}[0-9][A-Z]{2}$, in ASCII only (a regex \d would also accept
    // non-ASCII digits, and $ a trailing newline).
    private static bool HasShape([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] string? value)
    {
        if (value is not { Length: Length })
        {
            return false;
        }

        for (var i = 0; i < Length; i++)
        {
            var ok = i is < 2 or >= 11 ? char.IsAsciiLetterUpper(value[i]) : char.IsAsciiDigit(value[i]);
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}

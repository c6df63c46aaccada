namespace Exchange.Core.Validation;

/// <summary>
/// A Harmonized System commodity code (WCO HS Convention): 6 to 10 digits without separators; the
/// first 6 are the international subheading (CN22/CN23 "HS tariff number", ICS2 house level at
/// least 6), longer codes add national subdivisions (e.g. the 10-digit HTSUS of Section 321 /
/// Type 86). The first two digits are the chapter, 01 to 97; chapter 77 is reserved by the HS for
/// possible future use and holds no goods.
/// </summary>
public static class HsCode
{
    public const int MinDigits = 6;
    public const int MaxDigits = 10;

    public static bool IsValid(string? value) => Check(value) is null;

    /// <summary>Why <paramref name="value"/> is not an HS code, or null when it is.</summary>
    public static string? Check(string? value)
    {
        if (value is null || value.Length is < MinDigits or > MaxDigits || value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            var length = value?.Length ?? 0;
            return $"must be 6 to 10 digits without dots or spaces, e.g. 611710; got {Echo.Quote(value)} ({length} characters)";
        }

        var chapter = ((value[0] - '0') * 10) + (value[1] - '0');
        if (chapter == 77)
        {
            return "chapter 77 is reserved in the Harmonized System and holds no goods; check the code";
        }

        return chapter is < 1 or > 97
            ? $"chapter {value.Substring(0, 2)} is not a Harmonized System chapter (01 to 97)"
            : null;
    }
}

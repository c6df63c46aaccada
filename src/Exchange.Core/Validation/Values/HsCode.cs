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

    /// <summary>The editions of the Harmonized System, by the year each entered into force (HS 1988 to HS 2028).</summary>
    public static readonly IReadOnlySet<string> Editions = new HashSet<string>(StringComparer.Ordinal)
    {
        "HS 1988", "HS 1992", "HS 1996", "HS 2002", "HS 2007", "HS 2012", "HS 2017", "HS 2022", "HS 2028",
    };

    public static bool IsValid(string? value) => Check(value) is null;

    /// <summary>
    /// Why <paramref name="value"/> is not a code of <paramref name="nomenclature"/>, or null when it
    /// is: HS 6 digits, CN 8, TARIC 10, HTSUS 10 (whose chapters 98 and 99 hold special provisions);
    /// unspecified, any HS code of 6 to 10 digits (<see cref="Check(string?)"/>).
    /// </summary>
    public static string? Check(string? value, Contracts.Declaration.V1.TariffNomenclature nomenclature)
    {
        var (digits, name) = nomenclature switch
        {
            Contracts.Declaration.V1.TariffNomenclature.Hs => (6, "an HS subheading"),
            Contracts.Declaration.V1.TariffNomenclature.Cn => (8, "a Combined Nomenclature code"),
            Contracts.Declaration.V1.TariffNomenclature.Taric => (10, "a TARIC code"),
            Contracts.Declaration.V1.TariffNomenclature.Htsus => (10, "an HTSUS number"),
            _ => (0, ""),
        };
        if (digits == 0)
        {
            return Check(value);
        }

        if (value is null || value.Length != digits || value.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return $"must be {name}: {digits} digits without dots or spaces; got {Echo.Quote(value)}";
        }

        return nomenclature == Contracts.Declaration.V1.TariffNomenclature.Htsus && value[0] == '9' && value[1] is '8' or '9'
            ? null
            : Check(value);
    }

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

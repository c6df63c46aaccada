namespace Exchange.Core.Risk;

/// <summary>
/// Harmonized System prefixes as integer keys, so an item's code is looked up at each level
/// (chapter, heading, subheading) without cutting substrings: the key of the first
/// <c>n</c> digits is <c>n * 1,000,000 + their value</c>, which keeps "93" (chapter),
/// "9301" (heading) and "930100" (subheading) apart.
/// </summary>
internal static class HsPrefixes
{
    public const int Chapter = 2;
    public const int Heading = 4;
    public const int Subheading = 6;

    /// <summary>The key of the first <paramref name="digits"/> digits of <paramref name="code"/>; false when it has fewer digits there.</summary>
    public static bool TryKey(string code, int digits, out int key)
    {
        key = 0;
        if (code.Length < digits)
        {
            return false;
        }
        var value = 0;
        for (var i = 0; i < digits; i++)
        {
            var d = code[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }
            value = (value * 10) + d;
        }
        key = (digits * 1_000_000) + value;
        return true;
    }

    /// <summary>"chapter", "heading" or "subheading" for a prefix of that many digits.</summary>
    public static string LevelName(int digits) => digits switch
    {
        Chapter => "chapter",
        Heading => "heading",
        _ => "subheading",
    };

    /// <summary>
    /// Why <paramref name="prefix"/> is not an HS chapter (2 digits), heading (4) or subheading (6),
    /// or null when it is one. Chapters run from 01 to 97; 77 is reserved and holds no goods.
    /// </summary>
    public static string? Check(string prefix)
    {
        if (prefix.Length is not (Chapter or Heading or Subheading) || prefix.AsSpan().ContainsAnyExceptInRange('0', '9'))
        {
            return $"must be an HS chapter (2 digits), heading (4) or subheading (6), digits only; got \"{Validation.Echo.Quote(prefix).Trim('"')}\"";
        }
        var chapter = ((prefix[0] - '0') * 10) + (prefix[1] - '0');
        return chapter is < 1 or > 97 or 77
            ? $"\"{prefix}\": chapter {prefix[..2]} is not a Harmonized System chapter (01 to 97, 77 reserved)"
            : null;
    }
}

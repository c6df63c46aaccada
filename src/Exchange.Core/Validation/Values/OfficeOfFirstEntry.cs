namespace Exchange.Core.Validation;

/// <summary>
/// A customs office reference number (WCO DM G004 office of first entry, an8; EU customs office
/// list COL): the ISO 3166-1 alpha-2 code of the office's country, then 6 upper-case letters or
/// digits, e.g. NL000396.
/// </summary>
internal static class OfficeOfFirstEntry
{
    public const int Length = 8;

    public static string? Check(string value)
    {
        var shaped = value.Length == Length
            && char.IsAsciiLetterUpper(value[0]) && char.IsAsciiLetterUpper(value[1])
            && value.AsSpan(2).All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
        if (!shaped)
        {
            return "must be a customs office reference of 8 characters: a country code and 6 upper-case letters "
                + $"or digits, e.g. NL000396; got {Echo.Quote(value)}";
        }

        var country = value.Substring(0, 2);
        return CountryCodes.IsAssigned(country)
            ? null
            : $"starts with {Echo.Quote(country)}, which is not an ISO 3166-1 country code";
    }

    private static bool All(this ReadOnlySpan<char> span, Func<char, bool> predicate)
    {
        foreach (var c in span)
        {
            if (!predicate(c))
            {
                return false;
            }
        }

        return true;
    }
}

namespace Exchange.Core.Validation;

/// <summary>
/// The EU Economic Operators Registration and Identification number (WCO DM R021 / R015 party
/// identifier, an..17): the ISO 3166-1 alpha-2 code of the issuing state followed by 1 to 15
/// upper-case letters or digits (the contract's `Party.eori`, after the EU EORI number structure:
/// issuing state, then a national identifier). The one prefix that is not an ISO code is XI:
/// EORI numbers for Northern Ireland under the Windsor Framework (UK HMRC "XI EORI").
/// </summary>
public static class Eori
{
    public const int MaxLength = 17;

    /// <summary>Northern Ireland's EORI prefix, used in EU systems though XI is not an ISO 3166-1 code.</summary>
    public const string NorthernIrelandPrefix = "XI";

    private static readonly System.Buffers.SearchValues<char> UpperAlphanumerics =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

    public static bool IsValid(string? value) => Check(value) is null;

    /// <summary>Why <paramref name="value"/> is not an EORI number, or null when it is.</summary>
    public static string? Check(string? value)
    {
        if (value is not { Length: >= 3 and <= MaxLength }
            || !char.IsAsciiLetterUpper(value[0]) || !char.IsAsciiLetterUpper(value[1])
            || value.AsSpan(2).ContainsAnyExcept(UpperAlphanumerics))
        {
            return "must be an EORI number: a 2-letter ISO 3166-1 country code and 1 to 15 upper-case letters "
                + $"or digits (at most 17 characters), e.g. NL123456789; got {Echo.Quote(value)}";
        }

        var country = value.Substring(0, 2);
        return CountryCodes.IsAssigned(country) || country == NorthernIrelandPrefix
            ? null
            : $"starts with {Echo.Quote(country)}, which is not an ISO 3166-1 country code";
    }
}

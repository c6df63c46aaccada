using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A customs office or port in a named list: an EU customs office reference (as
/// <see cref="OfficeOfFirstEntry"/>), a US Schedule D port (4 digits) or a UN/LOCODE (an ISO
/// 3166-1 country code and 3 upper-case letters or digits 2 to 9).
/// </summary>
internal static class OfficeReferences
{
    public static string? Check(OfficeScheme scheme, string code) => scheme switch
    {
        OfficeScheme.EuCustomsOffice => OfficeOfFirstEntry.Check(code),
        OfficeScheme.UsScheduleD => CodeValues.Digits(code, 4, "4701"),
        OfficeScheme.UnLocode => UnLocode(code),
        _ => null, // the scheme's own violation says what is wrong
    };

    private static string? UnLocode(string code)
    {
        var shaped = code.Length == 5
            && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1])
            && code.Skip(2).All(c => char.IsAsciiLetterUpper(c) || c is >= '2' and <= '9');
        if (!shaped)
        {
            return $"must be a UN/LOCODE: a country code and 3 upper-case letters or digits 2 to 9, e.g. NLAMS; got {Echo.Quote(code)}";
        }

        return CountryCodes.IsAssigned(code[..2]) ? null : $"starts with {Echo.Quote(code[..2])}, which is not an ISO 3166-1 country code";
    }
}

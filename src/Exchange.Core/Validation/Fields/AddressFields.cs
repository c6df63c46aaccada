using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A postal address (WCO DM 239 street an..70 per line, 241 city an..35, 245 postcode an..17, 243
/// sub-division an..35, 242 country a2). The contract allows 1 to 3 street lines.
/// </summary>
internal static class AddressFields
{
    public const int MaxStreetLines = 3;

    public static void Check(Address address, string path, ViolationList violations)
    {
        var linesPath = path + ".street_lines";
        if (address.StreetLines.Count == 0)
        {
            violations.Required(linesPath, "1 to 3 lines of street and number");
        }
        else if (address.StreetLines.Count > MaxStreetLines)
        {
            violations.Add(linesPath, $"must have at most {MaxStreetLines} lines; got {address.StreetLines.Count}");
        }

        for (var i = 0; i < Math.Min(address.StreetLines.Count, MaxStreetLines); i++)
        {
            IdentifyingText.Required(address.StreetLines[i], 1, 70, $"{linesPath}[{i}]", violations);
        }

        IdentifyingText.Required(address.City, 1, 35, path + ".city", violations);
        IdentifyingText.Optional(address.Postcode, 17, path + ".postcode", violations);
        IdentifyingText.Optional(address.Subdivision, 35, path + ".subdivision", violations);
        CountryField.Required(address.CountryCode, path + ".country_code", violations);
    }
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The declaration is for a cross-border consignment (WCO Cross-Border E-Commerce Framework of
/// Standards; the contract: the destination "Must differ from the country of departure").
/// </summary>
internal static class CrossBorderRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.Transport is not { } transport || !CountryCodes.IsAssigned(transport.DepartureCountryCode))
        {
            return;
        }

        if (transport.DestinationCountryCode == transport.DepartureCountryCode)
        {
            violations.Add(path + ".transport.destination_country_code",
                $"must differ from the country of departure ({transport.DepartureCountryCode}): the declaration is for a cross-border consignment");
        }
    }
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The Import One-Stop Shop covers distance sales of goods imported into the EU (EU VAT e-commerce
/// package 2021, Council Directive (EU) 2017/2455): an IOSS number is only meaningful when the
/// destination is an EU member state.
/// </summary>
internal static class IossDestinationRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        var destination = d.Transport?.DestinationCountryCode;
        if (d.IossNumber.Length == 0 || !CountryCodes.IsAssigned(destination) || CountryCodes.IsEuMemberState(destination))
        {
            return;
        }

        violations.Add(path + ".ioss_number",
            $"applies only to goods imported into an EU member state (EU Import One-Stop Shop); the destination is {destination}. Remove the IOSS number");
    }
}

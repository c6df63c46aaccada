using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The rules of a carrier's master consignment (consignment.proto), every violation named by its
/// path in one answer. Formats shared with the declaration (country codes, the office of first
/// entry, conveyance references) use the same rules as there.
/// </summary>
public static partial class ConsignmentValidator
{
    /// <summary>ICS2: the routing of an entry summary declaration has 2 to 99 countries.</summary>
    public const int MinRoutingCountries = 2;

    public const int MaxRoutingCountries = TransportFields.MaxRoutingCountries;

    /// <summary>A postal master filing carries at most 999 receptacles (ICS2 IE3F42).</summary>
    public const int MaxReceptacles = 999;

    [GeneratedRegex("^[A-Z]{2}[A-Z2-9]{3}$")]
    private static partial Regex LocodeShape();

    /// <param name="consignment">The consignment to check; null is reported as a violation.</param>
    /// <param name="path">The field path violations start at.</param>
    /// <param name="clock">The node's clock, for the times a carrier states (<see cref="PlausibleTimes"/>); null: the system clock.</param>
    public static IReadOnlyList<FieldViolation> Validate(Consignment? consignment, string path = "consignment", TimeProvider? clock = null)
    {
        var violations = new ViolationList();
        if (consignment is null)
        {
            violations.Required(path);
            return violations.ToReadOnlyList();
        }
        EnumValues.Required(consignment.TransportMode, path + ".transport_mode", violations);
        TextValues.Required(consignment.MasterTransportDocument, 1, 70, path + ".master_transport_document", violations);
        if (consignment.ActiveMeansOfTransport is { } means)
        {
            TextValues.Required(means.Identity, 1, 35, path + ".active_means_of_transport.identity", violations);
            CountryField.Optional(means.NationalityCountryCode, path + ".active_means_of_transport.nationality_country_code", violations);
        }
        TextValues.Optional(consignment.ConveyanceReference, 17, path + ".conveyance_reference", violations);

        var routing = consignment.RoutingCountryCodes;
        if (routing.Count is < MinRoutingCountries or > MaxRoutingCountries)
        {
            violations.Add(path + ".routing_country_codes",
                $"must list {MinRoutingCountries} to {MaxRoutingCountries} countries, from loading to arrival (ICS2 routing); got {routing.Count}");
        }
        for (var i = 0; i < Math.Min(routing.Count, MaxRoutingCountries); i++)
        {
            CountryField.Required(routing[i], $"{path}.routing_country_codes[{i}]", violations);
        }

        CheckLocode(consignment.PlaceOfLoading, path + ".place_of_loading", violations);
        CheckLocode(consignment.PlaceOfUnloading, path + ".place_of_unloading", violations);
        if (consignment.OfficeOfFirstEntry.Length == 0)
        {
            violations.Required(path + ".office_of_first_entry", "the customs office reference, e.g. NL000396");
        }
        else if (OfficeOfFirstEntry.Check(consignment.OfficeOfFirstEntry) is { } officeProblem)
        {
            violations.Add(path + ".office_of_first_entry", officeProblem);
        }
        if (consignment.ExpectedArrivalTime is { } expected
            && PlausibleTimes.CheckExpected(expected, (clock ?? TimeProvider.System).GetUtcNow()) is { } timeProblem)
        {
            violations.Add(path + ".expected_arrival_time", timeProblem);
        }

        var receptacles = consignment.ReceptacleIdentifiers;
        if (receptacles.Count > MaxReceptacles)
        {
            violations.Add(path + ".receptacle_identifiers", $"must list at most {MaxReceptacles} receptacles; got {receptacles.Count}");
        }
        for (var i = 0; i < Math.Min(receptacles.Count, MaxReceptacles); i++)
        {
            TextValues.Required(receptacles[i], 1, 35, $"{path}.receptacle_identifiers[{i}]", violations);
        }
        return violations.ToReadOnlyList();
    }

    /// <summary>A UN/LOCODE: the ISO 3166-1 country, then 3 letters or digits 2-9.</summary>
    private static void CheckLocode(string value, string path, ViolationList violations)
    {
        if (value.Length == 0)
        {
            return;
        }
        if (!LocodeShape().IsMatch(value))
        {
            violations.Add(path, $"must be a UN/LOCODE: a country code and 3 letters or digits 2-9, e.g. NLAMS; got {Echo.Quote(value)}");
        }
        else if (CountryCodes.Check(value[..2]) is { } problem)
        {
            violations.Add(path, problem);
        }
    }
}

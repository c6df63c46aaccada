using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// Transport details (WCO DM R011 carrier name an..70, R012 carrier id an..17, T022 mode, 149
/// conveyance reference an..17, G004 office of first entry an8, 064 itinerary countries; ICS2
/// routing countries, at most 99).
/// </summary>
internal static class TransportFields
{
    public const int MaxRoutingCountries = 99;

    public static void Check(Transport transport, string path, ViolationList violations, DateTimeOffset now)
    {
        IdentifyingText.Optional(transport.CarrierName, 70, path + ".carrier_name", violations);
        TextValues.Optional(transport.CarrierId, 17, path + ".carrier_id", violations);
        EnumValues.Optional(transport.Mode, path + ".mode", violations);
        TextValues.Optional(transport.ConveyanceReference, 17, path + ".conveyance_reference", violations);
        CountryField.Required(transport.DepartureCountryCode, path + ".departure_country_code", violations);
        CountryField.Required(transport.DestinationCountryCode, path + ".destination_country_code", violations);

        if (transport.OfficeOfFirstEntry.Length > 0 && OfficeOfFirstEntry.Check(transport.OfficeOfFirstEntry) is { } officeProblem)
        {
            violations.Add(path + ".office_of_first_entry", officeProblem);
        }

        if (transport.EntryOffice is { } office)
        {
            var officePath = path + ".entry_office";
            EnumValues.Required(office.Scheme, officePath + ".scheme", violations);
            if (office.Code.Length == 0)
            {
                violations.Required(officePath + ".code", "the office's code in its scheme, e.g. NL000396 or 4701");
            }
            else if (OfficeReferences.Check(office.Scheme, office.Code) is { } codeProblem)
            {
                violations.Add(officePath + ".code", codeProblem);
            }

            if (transport.OfficeOfFirstEntry.Length > 0)
            {
                violations.Add(officePath, "give the office of first entry once: entry_office or office_of_first_entry, not both");
            }
        }

        if (transport.ExpectedArrivalTime is { } arrival && PlausibleTimes.CheckExpected(arrival, now) is { } timeProblem)
        {
            violations.Add(path + ".expected_arrival_time", timeProblem);
        }

        var routing = transport.RoutingCountryCodes;
        if (routing.Count > MaxRoutingCountries)
        {
            violations.Add(path + ".routing_country_codes", $"must list at most {MaxRoutingCountries} countries (ICS2 routing countries); got {routing.Count}");
        }

        for (var i = 0; i < Math.Min(routing.Count, MaxRoutingCountries); i++)
        {
            CountryField.Required(routing[i], $"{path}.routing_country_codes[{i}]", violations);
        }

        // Beta (issue 16): places of acceptance (L011) and delivery (L003), the container
        // indicator (096), equipment (159) with seals (165).
        TransportEquipmentFields.Check(transport, path, violations);
    }
}

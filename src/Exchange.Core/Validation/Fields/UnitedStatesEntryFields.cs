using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The US entry (Entry Type 86): a required entry number (<see cref="UnitedStatesEntryNumber"/>)
/// and an optional Schedule D port of entry; only on a declaration whose destination is the US.
/// </summary>
internal static class UnitedStatesEntryFields
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.UsEntry is not { } entry)
        {
            return;
        }

        if (d.Transport is { DestinationCountryCode.Length: > 0 } transport && transport.DestinationCountryCode != "US")
        {
            violations.Add(path, $"is for consignments to the United States; transport.destination_country_code is {Echo.Quote(transport.DestinationCountryCode)}");
        }

        if (entry.EntryNumber.Length == 0)
        {
            violations.Required(path + ".entry_number", "the 3-character filer code, 7 digits and the check digit, e.g. ABC-1234567-8");
        }
        else if (UnitedStatesEntryNumber.Check(entry.EntryNumber) is { } numberProblem)
        {
            violations.Add(path + ".entry_number", numberProblem);
        }

        if (entry.PortOfEntry.Length > 0 && OfficeReferences.Check(OfficeScheme.UsScheduleD, entry.PortOfEntry) is { } portProblem)
        {
            violations.Add(path + ".port_of_entry", portProblem);
        }
    }
}

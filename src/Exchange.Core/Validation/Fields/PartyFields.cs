using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A party (WCO DM R020/R021 consignor, R014/R015 consignee; CN23 "From"/"To"): name an..70,
/// address, optional EORI (an..17), other tax id (an..17), and contact details.
/// </summary>
internal static class PartyFields
{
    public static void CheckRequired(Party? party, string path, ViolationList violations)
    {
        if (party is null)
        {
            violations.Required(path);
        }
        else
        {
            Check(party, path, violations);
        }
    }

    public static void Check(Party party, string path, ViolationList violations)
    {
        IdentifyingText.Required(party.Name, 1, 70, path + ".name", violations);
        EnumValues.Optional(party.Type, path + ".type", violations);

        if (party.Address is null)
        {
            violations.Required(path + ".address");
        }
        else
        {
            AddressFields.Check(party.Address, path + ".address", violations);
        }

        if (party.Eori.Length > 0 && Eori.Check(party.Eori) is { } eoriProblem)
        {
            violations.Add(path + ".eori", eoriProblem);
        }

        TextValues.Optional(party.TaxId, 17, path + ".tax_id", violations);

        if (party.Contact is not null)
        {
            ContactFields.Check(party.Contact, path + ".contact", violations);
        }

        PartyIdentifierFields.Check(party, path, violations);
    }
}

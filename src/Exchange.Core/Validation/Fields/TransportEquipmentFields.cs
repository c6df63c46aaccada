using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// What a transport carries beyond its carrier and route (beta): the places of acceptance (WCO DM
/// L011) and delivery (L003), a UN/LOCODE or a place name of at most 35 characters each; the
/// container indicator (096), a known value when given; 0 to 99 pieces of equipment (159), each
/// identifier of 1 to 35 characters and once, each with 0 to 99 seals (165) of 1 to 35 characters.
/// </summary>
internal static class TransportEquipmentFields
{
    public const int MaxEach = 99;
    private const int MaxText = 35;

    public static void Check(Transport transport, string path, ViolationList violations)
    {
        TextValues.Optional(transport.PlaceOfAcceptance, MaxText, path + ".place_of_acceptance", violations);
        TextValues.Optional(transport.PlaceOfDelivery, MaxText, path + ".place_of_delivery", violations);
        EnumValues.Optional(transport.ContainerIndicator, path + ".container_indicator", violations);

        var equipmentPath = path + ".equipment";
        if (transport.Equipment.Count > MaxEach)
        {
            violations.Add(equipmentPath, $"must hold at most {MaxEach} pieces of equipment; got {transport.Equipment.Count}");
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < transport.Equipment.Count; i++)
        {
            var equipment = transport.Equipment[i];
            var at = $"{equipmentPath}[{i}]";
            TextValues.Required(equipment.Identifier, 1, MaxText, at + ".identifier", violations);
            if (equipment.Identifier.Length > 0 && !seen.Add(equipment.Identifier))
            {
                violations.Add(at + ".identifier", $"repeats {Echo.Quote(equipment.Identifier)}; give each piece of equipment once");
            }

            if (equipment.SealIdentifiers.Count > MaxEach)
            {
                violations.Add(at + ".seal_identifiers", $"must hold at most {MaxEach} seals; got {equipment.SealIdentifiers.Count}");
                continue;
            }

            for (var j = 0; j < equipment.SealIdentifiers.Count; j++)
            {
                TextValues.Required(equipment.SealIdentifiers[j], 1, MaxText, $"{at}.seal_identifiers[{j}]", violations);
            }
        }
    }
}

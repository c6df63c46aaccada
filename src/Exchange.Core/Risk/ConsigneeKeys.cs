using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Risk;

/// <summary>
/// The key that says two declarations go to the same consignee, for the split-shipment rule: the
/// store indexes declarations by it and counts a consignee's recent consignments with it.
/// <para>
/// Format: <c>name|street|postcode|CC</c>, where name is the consignee's name, street the first
/// street line and postcode the postal code, each folded by <see cref="PartyNormaliser"/> (case,
/// diacritics, punctuation and spaces folded away: "Jan de Vries, Keizersgracht 100, 1015 AA"
/// and "JAN DE VRIES, Keizersgracht-100, 1015aa" share
/// <c>jandevries|keizersgracht100|1015aa|NL</c>), and CC the ISO 3166-1 country code in upper
/// case. A missing part is empty; the separators stay, so parts never run into each other.
/// </para>
/// <para>
/// The key is stored with every declaration: it must never change for the same input. Changing
/// the folding or the format is a data migration (every stored key recomputed), not a refactoring.
/// </para>
/// </summary>
public static class ConsigneeKeys
{
    private const char Separator = '|';

    /// <summary>The consignee key of <paramref name="consignee"/> (see the class summary for the format).</summary>
    public static string Of(Party consignee)
    {
        ArgumentNullException.ThrowIfNull(consignee);
        var address = consignee.Address;
        var street = address is { StreetLines.Count: > 0 } ? address.StreetLines[0] ?? "" : "";
        var postcode = address?.Postcode ?? "";
        var country = (address?.CountryCode ?? "").AsSpan().Trim();

        var capacity = (consignee.Name.Length + street.Length + postcode.Length) * PartyNormaliser.MaxGrowth + country.Length + 3;
        Span<char> key = capacity <= 512 ? stackalloc char[capacity] : new char[capacity];
        var length = PartyNormaliser.Fold(consignee.Name, key, keepWordBreaks: false);
        key[length++] = Separator;
        length += PartyNormaliser.Fold(street, key[length..], keepWordBreaks: false);
        key[length++] = Separator;
        length += PartyNormaliser.Fold(postcode, key[length..], keepWordBreaks: false);
        key[length++] = Separator;
        foreach (var c in country)
        {
            key[length++] = char.ToUpperInvariant(c);
        }
        return new string(key[..length]);
    }
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// Commercial items need the HS tariff number and the country of origin of every article (CN22/CN23
/// boxes "HS tariff number" and "Country of origin of goods", required "for commercial items"; La
/// Poste and ICS2 house level require a 6-digit HS code for commercial shipments). Commercial here
/// means the categories SALE_OF_GOODS and COMMERCIAL_SAMPLE, as the contract's ItemCategory says.
/// </summary>
internal static class CommercialItemDataRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.Category is not (ItemCategory.SaleOfGoods or ItemCategory.CommercialSample))
        {
            return;
        }

        var category = d.Category == ItemCategory.SaleOfGoods ? "ITEM_CATEGORY_SALE_OF_GOODS" : "ITEM_CATEGORY_COMMERCIAL_SAMPLE";
        for (var i = 0; i < Math.Min(d.Items.Count, DeclarationFields.MaxItems); i++)
        {
            if (d.Items[i] is not { } item)
            {
                continue;
            }

            if (item.HsCode.Length == 0)
            {
                violations.Required($"{path}.items[{i}].hs_code", $"the HS tariff number (6 to 10 digits) of every item of a {category} consignment");
            }

            if (item.OriginCountryCode.Length == 0)
            {
                violations.Required($"{path}.items[{i}].origin_country_code", $"the country of origin of every item of a {category} consignment");
            }
        }
    }
}

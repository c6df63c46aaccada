using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// Goods sold through a marketplace are a sale, not a gift: the CN22/CN23 instructions say "Gift"
/// is not acceptable for commercial items. A GIFT that names a marketplace is refused at the
/// category, the field that is most likely wrong.
/// </summary>
internal static class GiftWithoutMarketplaceRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.Category == ItemCategory.Gift && d.Marketplace is not null)
        {
            violations.Add(path + ".category",
                "ITEM_CATEGORY_GIFT is not acceptable for goods sold through a marketplace (CN22/CN23: \"Gift\" is not "
                + "acceptable for commercial items); use ITEM_CATEGORY_SALE_OF_GOODS, or remove the marketplace");
        }
    }
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A sale of goods names its seller (Section 321 Data Pilot "seller name and address"; the
/// contract's `seller`: "Required when the category is SALE_OF_GOODS").
/// </summary>
internal static class SaleRequiresSellerRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.Category == ItemCategory.SaleOfGoods && d.Seller is null)
        {
            violations.Required(path + ".seller", "the seller's name and address for ITEM_CATEGORY_SALE_OF_GOODS");
        }
    }
}

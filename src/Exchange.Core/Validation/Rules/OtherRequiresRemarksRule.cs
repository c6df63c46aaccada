using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The CN22/CN23 category "Other" must be explained (CN23 box 10 "Other" with its "Explanation";
/// the contract: "`remarks` must explain it").
/// </summary>
internal static class OtherRequiresRemarksRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (d.Category == ItemCategory.Other && string.IsNullOrWhiteSpace(d.Remarks))
        {
            violations.Required(path + ".remarks", "an explanation of what the consignment is, for ITEM_CATEGORY_OTHER (CN22/CN23 \"Explanation\")");
        }
    }
}

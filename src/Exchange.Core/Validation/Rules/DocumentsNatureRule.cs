using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The CN22/CN23 category "Documents" and the WCO Immediate Release Guidelines category 1
/// "Correspondence and documents" (UN/EDIFACT 7085 code 1) describe the same consignments, so each
/// implies the other. Reported at nature_of_cargo, the coded field derived from the category.
/// </summary>
internal static class DocumentsNatureRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        if (!EnumValues.IsKnown(d.Category) || !EnumValues.IsKnown(d.NatureOfCargo))
        {
            return;
        }

        var documentsCategory = d.Category == ItemCategory.Documents;
        var documentsNature = d.NatureOfCargo == NatureOfCargo.Documents;
        if (documentsCategory && !documentsNature)
        {
            violations.Add(path + ".nature_of_cargo",
                "must be NATURE_OF_CARGO_DOCUMENTS when the category is ITEM_CATEGORY_DOCUMENTS (WCO IRG category 1, EDIFACT 7085 code 1)");
        }
        else if (documentsNature && !documentsCategory)
        {
            violations.Add(path + ".nature_of_cargo",
                "NATURE_OF_CARGO_DOCUMENTS is only for the category ITEM_CATEGORY_DOCUMENTS (WCO IRG category 1); choose the low-value or high-value nature for goods");
        }
    }
}

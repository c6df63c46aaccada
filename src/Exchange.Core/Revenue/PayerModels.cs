using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Revenue;

/// <summary>
/// The rules of the payer model a declaration states (Declaration.payer_model,
/// guarantee_reference; docs/revenue.md).
/// </summary>
internal static partial class PayerModels
{
    private const int MaxGuaranteeReferenceLength = 35;

    public static void Check(Declaration d, string path, ViolationList violations)
    {
        EnumValues.Optional(d.PayerModel, path + ".payer_model", violations);
        // IOSS: the VAT is charged at sale under an IOSS number, which the declaration carries
        // (AEAT H7 manual, DE 13 16 000 000 role FR5; one per shipment).
        if (d.PayerModel == PayerModel.Ioss && d.IossNumber.Length == 0)
        {
            violations.Add(path + ".payer_model", "IOSS needs the IOSS number the VAT was charged under (ioss_number)");
        }
        if (d.GuaranteeReference.Length > 0 && !GuaranteeReference().IsMatch(d.GuaranteeReference))
        {
            violations.Add(path + ".guarantee_reference",
                $"must be 1 to {MaxGuaranteeReferenceLength} letters, digits, '-' or '/'; got {Echo.Quote(d.GuaranteeReference)}");
        }
        else if (d.GuaranteeReference.Length > 0 && d.PayerModel == PayerModel.CollectOnDelivery)
        {
            violations.Add(path + ".guarantee_reference",
                "a guarantee secures a deferred account (IOSS, delivered duty paid); goods collected on delivery are released against payment");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9/-]{1,35}$")]
    private static partial Regex GuaranteeReference();
}

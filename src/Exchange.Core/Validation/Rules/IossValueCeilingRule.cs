using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// IOSS is only for consignments of an intrinsic value up to EUR 150 (EU VAT e-commerce package,
/// in force since 1 July 2021; AEAT "Guide on VAT changes (2021)" section 3.1.4). The intrinsic
/// value is the goods' invoice total, without transport and insurance. Checked when the total is in
/// EUR; a conversion from another currency would need the customs exchange rate of the day.
/// </summary>
internal static class IossValueCeilingRule
{
    public const decimal CeilingEur = 150m;

    public static void Check(Declaration d, string path, ViolationList violations)
    {
        var invoice = d.Totals?.InvoiceTotal;
        if (d.IossNumber.Length == 0 || invoice?.CurrencyCode != "EUR" || !MoneyValues.TryToDecimal(invoice, out var total))
        {
            return;
        }

        if (total > CeilingEur)
        {
            violations.Add(path + ".ioss_number",
                $"applies only up to an intrinsic value of EUR 150 (EU IOSS ceiling since 1 July 2021); the invoice total is "
                + $"{Echo.Amount("EUR", total)}. Declare the consignment without an IOSS number");
        }
    }
}

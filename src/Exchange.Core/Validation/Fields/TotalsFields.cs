using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// Consignment totals (CN23 "Total value", "Total gross weight", "Postal charges/Fees"; WCO DM 117
/// freight cost, 131 total gross weight n..16,6). How they relate to the items is checked by
/// <see cref="InvoiceTotalRule"/>, <see cref="ItemCurrencyRule"/> and <see cref="GrossWeightRule"/>.
/// </summary>
internal static class TotalsFields
{
    public static void Check(ConsignmentTotals totals, string path, ViolationList violations)
    {
        if (totals.InvoiceTotal is null)
        {
            violations.Required(path + ".invoice_total");
        }
        else
        {
            MoneyValues.Check(totals.InvoiceTotal, path + ".invoice_total", MoneyValues.Sign.NotNegative, violations);
        }

        // Charges and insurance: "Zero or more" (contract; CN23 box 9).
        if (totals.TransportCharges is not null)
        {
            MoneyValues.Check(totals.TransportCharges, path + ".transport_charges", MoneyValues.Sign.NotNegative, violations);
        }

        if (totals.Insurance is not null)
        {
            MoneyValues.Check(totals.Insurance, path + ".insurance", MoneyValues.Sign.NotNegative, violations);
        }

        GoodsItemFields.CheckMeasure(totals.GrossWeightKg, path + ".gross_weight_kg", violations);
    }
}

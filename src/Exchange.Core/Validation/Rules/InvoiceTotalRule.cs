using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// The invoice total equals the exact sum of the items' values (CN23 box 6 "Total value" = sum of
/// box 5; the contract: "it must equal the sum of the items' values"). Checked only when every
/// amount is readable and in the invoice currency; otherwise the other rules already explain why.
/// </summary>
internal static class InvoiceTotalRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        var invoice = d.Totals?.InvoiceTotal;
        if (invoice is null || !CurrencyCodes.IsActive(invoice.CurrencyCode) || !MoneyValues.TryToDecimal(invoice, out var total)
            || d.Items.Count is 0 or > DeclarationFields.MaxItems)
        {
            return;
        }

        // At most 999 values of at most 9.3e18 each: the sum stays far below decimal's 7.9e28.
        var sum = 0m;
        foreach (var item in d.Items)
        {
            if (item?.Value is not { } value || value.CurrencyCode != invoice.CurrencyCode || !MoneyValues.TryToDecimal(value, out var amount))
            {
                return;
            }

            sum += amount;
        }

        if (sum != total)
        {
            violations.Add(path + ".totals.invoice_total",
                $"must equal the sum of the item values: invoice total is {Echo.Amount(invoice.CurrencyCode, total)}, "
                + $"the items sum to {Echo.Amount(invoice.CurrencyCode, sum)}");
        }
    }
}

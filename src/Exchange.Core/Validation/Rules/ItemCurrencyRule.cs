using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// All item values are in the currency of the invoice total (CN23 "Total value" is the sum of the
/// items' values, which only adds up in one currency; the contract: "Its currency is that of the
/// items"). Compared only where both codes are valid ISO 4217 codes, which are checked elsewhere.
/// </summary>
internal static class ItemCurrencyRule
{
    public static void Check(Declaration d, string path, ViolationList violations)
    {
        var currency = d.Totals?.InvoiceTotal?.CurrencyCode;
        if (!CurrencyCodes.IsActive(currency))
        {
            return;
        }

        for (var i = 0; i < Math.Min(d.Items.Count, DeclarationFields.MaxItems); i++)
        {
            var itemCurrency = d.Items[i]?.Value?.CurrencyCode;
            if (CurrencyCodes.IsActive(itemCurrency) && itemCurrency != currency)
            {
                violations.Add($"{path}.items[{i}].value.currency_code",
                    $"must be {currency}, the currency of totals.invoice_total; got {itemCurrency}. Convert the item's value to {currency}");
            }
        }
    }
}

using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Monetary;

/// <summary>
/// The intrinsic value of a consignment: the price of the goods themselves, without transport and
/// insurance (the basis of the EUR 150 ceiling, Art. 23(1) Reg. 1186/2009, and of the US $800 de
/// minimis): the sum of the items' values.
/// </summary>
public static class IntrinsicValue
{
    /// <summary>
    /// The sum of the item values converted to <paramref name="currency"/>, unrounded. Items in a
    /// currency the administration has no rate for (any ISO 4217 code is a valid declaration;
    /// the rates file need not list them all) count as 0: a declaration must never be refused or
    /// fail because of the node's rate table. The duty estimate and the risk rules skip them too.
    /// </summary>
    public static decimal Of(Declaration declaration, ExchangeRates rates, string currency)
    {
        var total = 0m;
        foreach (var item in declaration.Items)
        {
            if (item.Value is { } value && rates.Knows(value.CurrencyCode))
            {
                total += rates.Convert(ExactMoney.ToDecimal(value), value.CurrencyCode, currency);
            }
        }
        return total;
    }

    /// <summary>
    /// The intrinsic value in whole cents of the rates' base currency (what the store indexes),
    /// saturated at long.MaxValue: validation sets no upper bound on values, and an absurd one must
    /// still index (it certainly crosses every threshold) rather than fail the write.
    /// </summary>
    public static long InBaseCents(Declaration declaration, ExchangeRates rates)
    {
        var cents = ExactMoney.ToCents(Of(declaration, rates, rates.BaseCurrency)) * 100m;
        return cents >= long.MaxValue ? long.MaxValue : cents <= 0 ? 0 : (long)cents;
    }
}

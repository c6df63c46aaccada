using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation.Rules;

public class ItemCurrencyRuleTests
{
    [Fact]
    public void Each_item_in_another_currency_is_reported_at_its_currency_code()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d => d.Totals.InvoiceTotal.CurrencyCode = "USD"),
            "declaration.items[0].value.currency_code",
            "declaration.items[1].value.currency_code");
        Assert.Equal("must be USD, the currency of totals.invoice_total; got EUR. Convert the item's value to USD", violations[0].Description);
    }

    [Fact]
    public void All_in_one_other_currency_is_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d =>
        {
            d.Items[0].Value = Money("CNY", 199, 0);
            d.Totals.InvoiceTotal = Money("CNY", 199, 0);
        }));

    [Fact]
    public void An_unknown_item_currency_is_reported_once_by_the_money_rule() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d => d.Items[0].Value.CurrencyCode = "XYZ"), "declaration.items[0].value.currency_code");

    [Fact]
    public void The_transport_charges_may_be_in_another_currency() =>
        ValidationAssert.IsValid(Samples.Postal(d => d.Totals.TransportCharges = Money("CNY", 50, 0)));
}

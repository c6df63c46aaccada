using Exchange.Core.Validation;
using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation.Rules;

public class InvoiceTotalRuleTests
{
    [Fact]
    public void A_total_that_differs_from_the_sum_of_the_items_is_reported_with_both_figures()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d => d.Totals.InvoiceTotal = Money("EUR", 47, 470_000_000)),
            "declaration.totals.invoice_total");
        Assert.Equal("must equal the sum of the item values: invoice total is EUR 47.47, the items sum to EUR 47.48", violations[0].Description);
    }

    [Fact]
    public void The_sum_is_exact_to_the_nano()
    {
        ValidationAssert.IsValid(Samples.Postal(d =>
        {
            d.Items[0].Value = Money("XAU", 0, 100_000_001);
            d.Items.Add(d.Items[0].Clone());
            d.Items[1].Value = Money("XAU", 0, 200_000_002);
            d.Totals.InvoiceTotal = Money("XAU", 0, 300_000_003);
            d.Totals.TransportCharges = null;
            d.Totals.GrossWeightKg = Dec("0.5");
        }));
        ValidationAssert.ReportsExactly(Samples.Postal(d => d.Totals.InvoiceTotal = Money("EUR", 25, 10_000_000)),
            "declaration.totals.invoice_total");
    }

    [Fact]
    public void A_negative_total_is_reported_both_as_negative_and_as_not_the_sum()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Postal(d => d.Totals.InvoiceTotal = Money("EUR", -25, 0)),
            "declaration.totals.invoice_total", "declaration.totals.invoice_total");
        Assert.Contains(violations, v => v.Description.StartsWith("must not be negative", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Description.StartsWith("must equal the sum", StringComparison.Ordinal));
    }

    [Fact]
    public void Sums_of_the_largest_amounts_do_not_overflow()
    {
        var declaration = Samples.Postal(d =>
        {
            var item = d.Items[0];
            item.Value = Money("EUR", long.MaxValue, 990_000_000);
            d.Items.Clear();
            d.Items.Add(Enumerable.Range(0, 999).Select(_ => item.Clone()));
            d.Totals.InvoiceTotal = Money("EUR", long.MaxValue, 0);
            d.Totals.GrossWeightKg = Dec("250");
        });
        var violations = ValidationAssert.ReportsExactly(declaration, "declaration.totals.invoice_total");
        Assert.Contains("the items sum to EUR 9214148664817921032182.01", violations[0].Description);
    }

    [Fact]
    public void Not_checked_while_an_item_value_is_unreadable() =>
        ValidationAssert.ReportsExactly(Samples.Express(d => d.Items[1].Value.Nanos = -3), "declaration.items[1].value.nanos");

    [Fact]
    public void The_validator_exposes_the_same_exact_conversion()
    {
        Assert.True(MoneyValues.TryToDecimal(Money("EUR", 39, 980_000_000), out var a));
        Assert.True(MoneyValues.TryToDecimal(Money("EUR", 7, 500_000_000), out var b));
        Assert.Equal(47.48m, a + b);
    }
}

using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation.Rules;

public class GrossWeightRuleTests
{
    [Fact]
    public void A_gross_weight_below_the_sum_of_net_weights_is_reported_with_both_figures()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d => d.Totals.GrossWeightKg = Dec("0.169999")),
            "declaration.totals.gross_weight_kg");
        Assert.Equal("must not be less than the sum of the items' net weights: gross 0.169999 kg, net weights sum to 0.17 kg",
            violations[0].Description);
    }

    [Theory]
    [InlineData("0.17")] // equal: no packaging is allowed
    [InlineData("0.170000")]
    [InlineData("12")]
    public void A_gross_weight_at_or_above_the_sum_is_valid(string gross) =>
        ValidationAssert.IsValid(Samples.Express(d => d.Totals.GrossWeightKg = Dec(gross)));

    [Fact]
    public void Not_checked_while_a_net_weight_is_invalid() =>
        ValidationAssert.ReportsExactly(Samples.Express(d => d.Items[0].NetWeightKg = Dec("999999999999999999999")),
            "declaration.items[0].net_weight_kg");
}

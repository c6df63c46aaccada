using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Validation.Rules;

public class IossDestinationRuleTests
{
    [Theory]
    [InlineData("CH")]
    [InlineData("GB")]
    [InlineData("NO")]
    public void An_IOSS_number_for_a_destination_outside_the_EU_is_refused(string destination)
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d => d.Transport.DestinationCountryCode = destination),
            "declaration.ioss_number");
        Assert.Contains($"the destination is {destination}", violations[0].Description);
    }

    [Theory]
    [InlineData("DE")]
    [InlineData("BG")]
    [InlineData("GR")]
    public void An_IOSS_number_for_an_EU_member_state_is_valid(string destination) =>
        ValidationAssert.IsValid(Samples.Express(d => d.Transport.DestinationCountryCode = destination));

    [Fact]
    public void Without_an_IOSS_number_any_destination_is_valid() =>
        ValidationAssert.IsValid(Samples.Express(d => { d.IossNumber = ""; d.Transport.DestinationCountryCode = "CH"; }));
}

public class IossValueCeilingRuleTests
{
    [Fact]
    public void An_IOSS_consignment_above_EUR_150_is_refused()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Express(d =>
            {
                d.Items[0].Value = Money("EUR", 142, 510_000_000);
                d.Totals.InvoiceTotal = Money("EUR", 150, 10_000_000);
            }),
            "declaration.ioss_number");
        Assert.Contains("EUR 150.01", violations[0].Description);
    }

    [Fact]
    public void Exactly_EUR_150_is_valid() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.Items[0].Value = Money("EUR", 142, 500_000_000);
            d.Totals.InvoiceTotal = Money("EUR", 150, 0);
        }));

    [Fact]
    public void Transport_charges_do_not_count_towards_the_intrinsic_value() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.Items[0].Value = Money("EUR", 142, 500_000_000);
            d.Totals.InvoiceTotal = Money("EUR", 150, 0);
            d.Totals.TransportCharges = Money("EUR", 30, 0);
            d.Totals.Insurance = Money("EUR", 5, 0);
        }));

    [Fact]
    public void A_total_in_another_currency_is_not_converted() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.Items[0].Value = Money("USD", 192, 500_000_000);
            d.Items[1].Value = Money("USD", 7, 500_000_000);
            d.Totals.InvoiceTotal = Money("USD", 200, 0);
        }));

    [Fact]
    public void Above_EUR_150_without_an_IOSS_number_is_valid() =>
        ValidationAssert.IsValid(Samples.Express(d =>
        {
            d.IossNumber = "";
            d.Items[0].Value = Money("EUR", 992, 500_000_000);
            d.Totals.InvoiceTotal = Money("EUR", 1000, 0);
        }));
}

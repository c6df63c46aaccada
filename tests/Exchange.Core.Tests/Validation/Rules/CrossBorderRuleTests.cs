namespace Exchange.Core.Tests.Validation.Rules;

public class CrossBorderRuleTests
{
    [Fact]
    public void The_destination_must_differ_from_the_departure()
    {
        var violations = ValidationAssert.ReportsExactly(Samples.Postal(d => d.Transport.DestinationCountryCode = "CN"),
            "declaration.transport.destination_country_code");
        Assert.Contains("(CN)", violations[0].Description);
    }

    [Fact]
    public void Different_countries_are_valid() =>
        ValidationAssert.IsValid(Samples.Postal(d => d.Transport.DestinationCountryCode = "AT"));

    [Fact]
    public void Two_equal_invalid_codes_are_reported_only_as_invalid() =>
        ValidationAssert.ReportsExactly(Samples.Postal(d =>
            {
                d.Transport.DepartureCountryCode = "XX";
                d.Transport.DestinationCountryCode = "XX";
            }),
            "declaration.transport.departure_country_code",
            "declaration.transport.destination_country_code");
}

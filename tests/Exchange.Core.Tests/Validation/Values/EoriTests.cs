using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class EoriTests
{
    [Theory]
    [InlineData("NL123456789")]
    [InlineData("DE1234567890123")]
    [InlineData("GB123456789000")]
    [InlineData("FR1")] // 1 character after the country
    [InlineData("FRABCDEFGHIJ12345")] // 15 after the country, 17 in all
    [InlineData("XI123456789000")] // Northern Ireland (Windsor Framework), not an ISO code but a real EORI prefix
    public void Accepts_a_country_code_and_1_to_15_letters_or_digits(string value) => Assert.True(Eori.IsValid(value));

    [Theory]
    [InlineData("")]
    [InlineData("NL")] // nothing after the country
    [InlineData("FRABCDEFGHIJ123456")] // 18 characters
    [InlineData("nl123456789")]
    [InlineData("NL12345678a")]
    [InlineData("NL 123456789")]
    [InlineData("NL12345-6789")]
    [InlineData("1L123456789")]
    public void Refuses_malformed_numbers(string value)
    {
        Assert.False(Eori.IsValid(value));
        Assert.StartsWith("must be an EORI number", Eori.Check(value));
    }

    [Theory]
    [InlineData("XK123456789")] // user-assigned, not ISO 3166-1
    [InlineData("EL123456789")] // the EU VAT prefix of Greece, not its ISO code (GR)
    [InlineData("QQ123456789")]
    public void Refuses_a_country_prefix_that_is_not_an_ISO_code(string value)
    {
        Assert.False(Eori.IsValid(value));
        Assert.Contains("not an ISO 3166-1 country code", Eori.Check(value));
    }
}

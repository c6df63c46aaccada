using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Codes;

public class CurrencyCodesTests
{
    [Fact]
    public void Holds_the_178_codes_of_ISO_4217_list_one()
    {
        Assert.Equal(178, CurrencyCodes.MinorUnits.Count);
        Assert.Equal(165, CurrencyCodes.MinorUnits.Count(c => c.Value is not null));
        Assert.All(CurrencyCodes.MinorUnits.Keys, code => Assert.Matches("^[A-Z]{3}$", code));
    }

    [Theory]
    [InlineData("EUR", 2)]
    [InlineData("USD", 2)]
    [InlineData("CNY", 2)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("XOF", 0)]
    [InlineData("BHD", 3)]
    [InlineData("KWD", 3)]
    [InlineData("TND", 3)]
    [InlineData("CLF", 4)]
    [InlineData("UYW", 4)]
    [InlineData("XCG", 2)] // Caribbean guilder, replaced ANG on 2025-03-31
    [InlineData("ZWG", 2)]
    [InlineData("XAD", 2)]
    public void Knows_the_minor_unit_of_each_currency(string code, int digits)
    {
        Assert.True(CurrencyCodes.IsActive(code));
        Assert.True(CurrencyCodes.TryGetMinorUnits(code, out var actual));
        Assert.Equal(digits, actual);
        Assert.Null(CurrencyCodes.Check(code));
    }

    [Theory]
    [InlineData("XAU")]
    [InlineData("XDR")]
    [InlineData("XTS")]
    [InlineData("XXX")]
    public void Lists_codes_whose_minor_unit_is_not_applicable(string code)
    {
        Assert.True(CurrencyCodes.IsActive(code));
        Assert.False(CurrencyCodes.TryGetMinorUnits(code, out _));
    }

    [Theory]
    [InlineData("BGN")] // Bulgaria adopted the euro on 2026-01-01
    [InlineData("HRK")]
    [InlineData("ANG")]
    [InlineData("ZWL")]
    [InlineData("SLL")]
    [InlineData("CUC")]
    [InlineData("DEM")]
    [InlineData("ABC")]
    public void Refuses_withdrawn_and_unknown_codes(string code)
    {
        Assert.False(CurrencyCodes.IsActive(code));
        Assert.False(CurrencyCodes.TryGetMinorUnits(code, out _));
        Assert.Equal($"\"{code}\" is not an active ISO 4217 currency code", CurrencyCodes.Check(code));
    }

    [Theory]
    [InlineData("eur")]
    [InlineData("EURO")]
    [InlineData("€")]
    [InlineData("")]
    [InlineData(null)]
    public void Explains_the_expected_form_for_malformed_codes(string? code) =>
        Assert.StartsWith("must be an ISO 4217 currency code in upper case", CurrencyCodes.Check(code));
}

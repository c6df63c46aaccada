using Exchange.Core.Validation;
using Google.Type;

namespace Exchange.Core.Tests.Validation.Values;

public class MoneyValuesTests
{
    private static Money M(string currency, long units, int nanos) => new() { CurrencyCode = currency, Units = units, Nanos = nanos };

    [Theory]
    [InlineData(47, 480_000_000, "47.48")]
    [InlineData(0, 0, "0")]
    [InlineData(-1, -500_000_000, "-1.5")]
    [InlineData(0, -5, "-0.000000005")]
    [InlineData(0, 999_999_999, "0.999999999")]
    [InlineData(long.MaxValue, 999_999_999, "9223372036854775807.999999999")]
    [InlineData(long.MinValue, -999_999_999, "-9223372036854775808.999999999")]
    public void Converts_exactly(long units, int nanos, string expected)
    {
        Assert.True(MoneyValues.TryToDecimal(M("EUR", units, nanos), out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData(0, 1_000_000_000)]
    [InlineData(0, -1_000_000_000)]
    [InlineData(0, int.MaxValue)]
    [InlineData(0, int.MinValue)]
    [InlineData(1, -1)] // signs differ
    [InlineData(-1, 1)]
    public void Refuses_to_convert_broken_amounts(long units, int nanos) =>
        Assert.False(MoneyValues.TryToDecimal(M("EUR", units, nanos), out _));

    [Fact]
    public void Refuses_to_convert_null() => Assert.False(MoneyValues.TryToDecimal(null, out _));

    [Theory]
    [InlineData("EUR", 10, 500_000_000)]
    [InlineData("EUR", 0, 10_000_000)]
    [InlineData("JPY", 1500, 0)]
    [InlineData("BHD", 1, 123_000_000)]
    [InlineData("CLF", 1, 123_400_000)]
    [InlineData("XAU", 1, 123_456_789)] // minor unit N.A.: no limit
    public void Accepts_amounts_within_the_minor_unit(string currency, long units, int nanos) =>
        Assert.Empty(Check(M(currency, units, nanos), MoneyValues.Sign.Positive));

    [Theory]
    [InlineData("EUR", 10, 5)]
    [InlineData("EUR", 0, 1_000_000)]
    [InlineData("JPY", 1500, 500_000_000)]
    [InlineData("BHD", 1, 123_400_000)]
    public void Refuses_more_decimals_than_the_currency_has(string currency, long units, int nanos)
    {
        var violation = Assert.Single(Check(M(currency, units, nanos), MoneyValues.Sign.Positive));
        Assert.Equal("price.nanos", violation.Field);
        Assert.Contains("ISO 4217 minor unit", violation.Description);
    }

    [Fact]
    public void Reports_an_unknown_currency_at_currency_code()
    {
        var violation = Assert.Single(Check(M("eur", 10, 0), MoneyValues.Sign.Positive));
        Assert.Equal("price.currency_code", violation.Field);
    }

    [Fact]
    public void Reports_out_of_range_nanos_once_at_nanos()
    {
        var violation = Assert.Single(Check(M("EUR", 0, -1_500_000_000), MoneyValues.Sign.Positive));
        Assert.Equal("price.nanos", violation.Field);
        Assert.Contains("between -999999999 and 999999999", violation.Description);
    }

    [Fact]
    public void Reports_mixed_signs_at_nanos()
    {
        var violation = Assert.Single(Check(M("EUR", 5, -10_000_000), MoneyValues.Sign.NotNegative));
        Assert.Equal("price.nanos", violation.Field);
        Assert.Contains("same sign as units", violation.Description);
    }

    [Theory]
    [InlineData(0, 0, true, "must be greater than zero; got EUR 0")]
    [InlineData(-1, 0, true, "must be greater than zero; got EUR -1")]
    [InlineData(0, -10_000_000, false, "must not be negative; got EUR -0.01")]
    public void Reports_the_sign_at_the_amount(long units, int nanos, bool positive, string expected)
    {
        var sign = positive ? MoneyValues.Sign.Positive : MoneyValues.Sign.NotNegative;
        var violation = Assert.Single(Check(M("EUR", units, nanos), sign));
        Assert.Equal("price", violation.Field);
        Assert.Equal(expected, violation.Description);
    }

    [Fact]
    public void Accepts_zero_where_zero_is_allowed() =>
        Assert.Empty(Check(M("EUR", 0, 0), MoneyValues.Sign.NotNegative));

    private static IReadOnlyList<FieldViolation> Check(Money money, MoneyValues.Sign sign)
    {
        var violations = new ViolationList();
        MoneyValues.Check(money, "price", sign, violations);
        return violations.ToReadOnlyList();
    }
}

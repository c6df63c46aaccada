using Exchange.Core.Validation;
using GDecimal = Google.Type.Decimal;

namespace Exchange.Core.Tests.Validation.Values;

public class DecimalValuesTests
{
    [Theory]
    [InlineData("0.25", "0.25")]
    [InlineData("1", "1")]
    [InlineData("+1.5", "1.5")]
    [InlineData("-2.50", "-2.50")]
    [InlineData("007", "7")]
    [InlineData(".5", "0.5")] // google.type.Decimal allows an empty integer part
    [InlineData("5.", "5")] // and an empty fraction
    [InlineData("-0", "0")]
    [InlineData("1234567890123456789012345678", "1234567890123456789012345678")] // 28 digits: exact
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    public void Parses_exactly(string text, string expected)
    {
        Assert.True(DecimalValues.TryParse(new GDecimal { Value = text }, out var value));
        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Fact]
    public void Parses_without_floating_point_error()
    {
        Assert.True(DecimalValues.TryParse("0.1", out var a));
        Assert.True(DecimalValues.TryParse("0.2", out var b));
        Assert.Equal(0.3m, a + b);
    }

    [Fact]
    public void Ignores_any_number_of_leading_zeros()
    {
        Assert.True(DecimalValues.TryParse(new string('0', 100_000) + "1.5", out var value));
        Assert.Equal(1.5m, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("+")]
    [InlineData("-")]
    [InlineData(".")]
    [InlineData("1e3")] // exponent
    [InlineData("1E-2")]
    [InlineData("1,5")] // decimal comma
    [InlineData("1,000.5")] // thousand separator
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.2.3")]
    [InlineData("+-1")]
    [InlineData("--1")]
    [InlineData("0x10")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("\u0661")] // ARABIC-INDIC DIGIT ONE
    [InlineData("12345678901234567890123456789")] // 29 significant digits: not exact in System.Decimal
    [InlineData("0.00000000000000000000000000001")] // scale 29
    public void Refuses_what_is_not_an_exact_plain_decimal(string text) =>
        Assert.False(DecimalValues.TryParse(new GDecimal { Value = text }, out _));

    [Fact]
    public void Refuses_null() => Assert.False(DecimalValues.TryParse((GDecimal?)null, out _));

    [Theory]
    [InlineData("0.123456")]
    [InlineData("0.1234560")] // trailing zeros are not significant
    [InlineData("1234567890.123456")] // 16 digits
    [InlineData("9999999999999999")]
    [InlineData("000000000000000000001")]
    public void Accepts_positive_measures_of_format_n16_6(string text) =>
        Assert.Null(DecimalValues.CheckPositiveMeasure(new GDecimal { Value = text }, out _));

    [Theory]
    [InlineData("0.1234567", "at most 6 decimals")]
    [InlineData("12345678901.123456", "at most 16 digits")]
    [InlineData("99999999999999999", "at most 16 digits")]
    [InlineData("0", "greater than zero")]
    [InlineData("-0.5", "greater than zero")]
    [InlineData("0.000", "greater than zero")]
    [InlineData("1,5", "must be a decimal number")]
    public void Explains_why_a_measure_is_refused(string text, string expected) =>
        Assert.Contains(expected, DecimalValues.CheckPositiveMeasure(new GDecimal { Value = text }, out _));
}

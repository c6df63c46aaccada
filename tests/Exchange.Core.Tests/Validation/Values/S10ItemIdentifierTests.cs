using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class S10ItemIdentifierTests
{
    // Worked examples of the UPU S10 check digit (standards.md, section 2).
    [Theory]
    [InlineData("12345678", 5)] // S = 204, r = 6
    [InlineData("00000000", 5)] // r = 0 -> 11 -> 5
    [InlineData("00000008", 0)] // r = 1 -> 10 -> 0
    [InlineData("00000001", 4)] // S = 7, r = 7
    public void Computes_the_check_digit(string serial, int expected) =>
        Assert.Equal(expected, S10ItemIdentifier.ComputeCheckDigit(serial));

    [Theory]
    [InlineData("1234567")]
    [InlineData("123456789")]
    [InlineData("1234567A")]
    [InlineData("1234567\u0661")] // ARABIC-INDIC DIGIT ONE is a digit to char.IsDigit, not to S10
    public void Check_digit_refuses_anything_but_8_ascii_digits(string serial) =>
        Assert.Throws<ArgumentException>(() => S10ItemIdentifier.ComputeCheckDigit(serial));

    [Theory]
    [InlineData("RB123456785GB")]
    [InlineData("RB123456785US")]
    [InlineData("RB123456785CN")]
    [InlineData("EE000000005DE")]
    [InlineData("CP000000080FR")]
    public void Accepts_valid_identifiers(string value)
    {
        Assert.True(S10ItemIdentifier.IsValid(value));
        Assert.Null(S10ItemIdentifier.Check(value));
    }

    [Fact]
    public void Refuses_a_wrong_check_digit_and_says_which_digit_was_expected()
    {
        Assert.False(S10ItemIdentifier.IsValid("RB123456786US"));
        var problem = S10ItemIdentifier.Check("RB123456786US");
        Assert.Contains("check digit is 6", problem);
        Assert.Contains("gives 5", problem);
    }

    [Fact]
    public void Refuses_an_unknown_country()
    {
        Assert.False(S10ItemIdentifier.IsValid("RB123456785XX"));
        Assert.Contains("\"XX\"", S10ItemIdentifier.Check("RB123456785XX"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("rb123456785gb")] // lower case
    [InlineData("RB12345678GB")] // 12 characters
    [InlineData("RB1234567855GB")] // 14 characters
    [InlineData("R1123456785GB")]
    [InlineData("RB123456785G1")]
    [InlineData("RB 123456785GB")]
    [InlineData("RB123456785GB\n")] // a regex with $ would accept this
    [InlineData("RB12345678\u0665GB")] // non-ASCII digit in the check position
    public void Refuses_malformed_identifiers(string? value)
    {
        Assert.False(S10ItemIdentifier.IsValid(value));
        Assert.StartsWith("must be a UPU S10 item identifier", S10ItemIdentifier.Check(value));
    }

    [Fact]
    public void Exactly_one_check_digit_fits_each_serial()
    {
        var random = new Random(10);
        for (var n = 0; n < 200; n++)
        {
            var serial = random.Next(0, 100_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
            var valid = Enumerable.Range(0, 10).Count(digit => S10ItemIdentifier.IsValid($"RR{serial}{digit}DE"));
            Assert.Equal(1, valid);
        }
    }
}

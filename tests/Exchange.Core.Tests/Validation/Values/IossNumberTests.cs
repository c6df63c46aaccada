using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class IossNumberTests
{
    [Theory]
    [InlineData("IM0123456789")]
    [InlineData("IM5280001234")]
    public void Accepts_IM_and_10_digits(string value)
    {
        Assert.True(IossNumber.IsValid(value));
        Assert.Null(IossNumber.Check(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("IM")]
    [InlineData("im0123456789")]
    [InlineData("IM012345678")] // 9 digits
    [InlineData("IM01234567890")] // 11 digits
    [InlineData("IN0123456789")]
    [InlineData("IM01234S6789")]
    [InlineData("IM 0123456789")]
    [InlineData("IM０１２３４５６７８９")] // full-width digits
    [InlineData("EU372000041")] // a non-Union OSS number is not an IOSS number
    public void Refuses_anything_else(string? value)
    {
        Assert.False(IossNumber.IsValid(value));
        Assert.Contains("\"IM\" followed by 10 digits", IossNumber.Check(value));
    }
}

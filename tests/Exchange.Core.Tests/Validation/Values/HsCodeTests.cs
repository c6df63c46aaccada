using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class HsCodeTests
{
    [Theory]
    [InlineData("611710")]
    [InlineData("8518300000")]
    [InlineData("0101210")] // 7 digits: the contract allows 6 to 10
    [InlineData("01012100")]
    [InlineData("970121")] // last chapter
    [InlineData("7801000000")] // chapter 78, just after the reserved 77
    public void Accepts_6_to_10_digits_of_a_real_chapter(string value)
    {
        Assert.True(HsCode.IsValid(value));
        Assert.Null(HsCode.Check(value));
    }

    [Theory]
    [InlineData("61171")]
    [InlineData("85183000001")]
    [InlineData("8517.12")]
    [InlineData("8517 12")]
    [InlineData("61171A")]
    [InlineData("６１１７１０")] // full-width digits
    [InlineData("")]
    public void Refuses_anything_but_6_to_10_ascii_digits(string value)
    {
        Assert.False(HsCode.IsValid(value));
        Assert.Contains($"({value.Length} characters)", HsCode.Check(value));
    }

    [Fact]
    public void Refuses_the_reserved_chapter_77() =>
        Assert.Contains("chapter 77 is reserved", HsCode.Check("770100"));

    [Theory]
    [InlineData("000000", "00")]
    [InlineData("9801000000", "98")]
    [InlineData("990380", "99")]
    public void Refuses_chapters_outside_01_to_97(string value, string chapter) =>
        Assert.Equal($"chapter {chapter} is not a Harmonized System chapter (01 to 97)", HsCode.Check(value));
}

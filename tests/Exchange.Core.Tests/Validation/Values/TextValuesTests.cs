using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Validation.Values;

public class TextValuesTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("abc", 3)]
    [InlineData("Straße", 6)]
    [InlineData("😀", 1)] // one code point, two UTF-16 units
    [InlineData("a😀b", 3)]
    public void Counts_unicode_characters(string value, int expected) =>
        Assert.Equal(expected, TextValues.CountCharacters(value));

    // Unpaired surrogates are built in code: attribute arguments are stored as UTF-8, which would
    // turn them into U+FFFD before the test sees them.
    [Fact]
    public void Counts_an_unpaired_surrogate_as_one_character() =>
        Assert.Equal(3, TextValues.CountCharacters("a" + '\uD800' + "b"));

    [Fact]
    public void Counts_70_emoji_as_70_characters()
    {
        var name = string.Concat(Enumerable.Repeat("😀", 70));
        Assert.Null(TextValues.Check(name, 1, 70));
        Assert.Equal("must be at most 70 characters; got 71", TextValues.Check(name + "x", 1, 70));
    }

    [Theory]
    [InlineData("ab", "must be 3 to 512 characters; got 2")]
    [InlineData("abc", null)]
    public void Checks_the_minimum_length(string value, string? expected) =>
        Assert.Equal(expected, TextValues.Check(value, 3, 512));

    [Theory]
    [InlineData("line 1\nline 2", "U+000A at position 7")]
    [InlineData("\ttab", "U+0009 at position 1")]
    [InlineData("nul\0", "U+0000 at position 4")]
    [InlineData("del\u007F", "U+007F")]
    [InlineData("c1\u0085", "U+0085")] // NEXT LINE, a C1 control
    public void Refuses_control_characters(string value, string expected)
    {
        var problem = TextValues.Check(value, 1, 70);
        Assert.StartsWith("must not contain control characters", problem);
        Assert.Contains(expected, problem);
    }

    [Theory]
    [InlineData("a", '\uD800', "b")]
    [InlineData("", '\uDC00', "")]
    [InlineData("end", '\uD83D', "")]
    public void Refuses_unpaired_surrogates(string before, char surrogate, string after) =>
        Assert.StartsWith("must be valid Unicode; found an unpaired surrogate", TextValues.Check(before + surrogate + after, 1, 70));

    [Fact]
    public void Refuses_a_low_surrogate_before_a_high_one() =>
        Assert.Contains("U+DE00 at position 1", TextValues.Check("\uDE00\uD83D", 1, 70));

    [Theory]
    [InlineData("Zoë Ångström-Łukasiewicz")]
    [InlineData("李伟")]
    [InlineData("O'Brien & Sons, Ltd.")]
    [InlineData("👩‍💻 Studio")] // zero-width joiner is a format character, not a control character
    public void Accepts_ordinary_international_text(string value) => Assert.Null(TextValues.Check(value, 1, 70));

    [Fact]
    public void Reports_a_blank_required_field_as_missing()
    {
        var violations = new ViolationList();
        TextValues.Required("   ", 1, 70, "party.name", violations);
        var violation = Assert.Single(violations.ToReadOnlyList());
        Assert.Equal(new FieldViolation("party.name", "is required: 1 to 70 characters"), violation);
    }

    [Fact]
    public void Accepts_an_empty_optional_field()
    {
        var violations = new ViolationList();
        TextValues.Optional("", 17, "party.tax_id", violations);
        Assert.Equal(0, violations.Count);
    }

    [Fact]
    public void Reports_an_optional_field_that_is_too_long()
    {
        var violations = new ViolationList();
        TextValues.Optional(new string('9', 18), 17, "party.tax_id", violations);
        Assert.Equal(new FieldViolation("party.tax_id", "must be at most 17 characters; got 18"), Assert.Single(violations.ToReadOnlyList()));
    }
}

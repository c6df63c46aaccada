using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Validation.Values;

public class PhoneNumberTests
{
    [Theory]
    [InlineData("+31201234567")]
    [InlineData("+31 20 123 4567")]
    [InlineData("+861012345")]
    [InlineData("+123456")] // 6 digits
    [InlineData("+123456789012345")] // 15 digits
    public void Accepts_E123_international_notation(string value) => Assert.Null(PhoneNumber.Check(value));

    [Theory]
    [InlineData("0201234567")] // national notation
    [InlineData("0031201234567")]
    [InlineData("+31  20 1234567")] // double space
    [InlineData("+ 31201234567")]
    [InlineData("+31201234567 ")]
    [InlineData("+31-20-1234567")]
    [InlineData("+31 (0)20 1234567")]
    [InlineData("+")]
    [InlineData("+31201234567\n")]
    public void Refuses_other_notations(string value) =>
        Assert.StartsWith("must be in ITU-T E.123 international notation", PhoneNumber.Check(value));

    [Theory]
    [InlineData("+12345", 5)]
    [InlineData("+1234567890123456", 16)]
    public void Refuses_fewer_than_6_or_more_than_15_digits(string value, int digits) =>
        Assert.Equal($"must have 6 to 15 digits after the \"+\" (ITU-T E.164); got {digits}", PhoneNumber.Check(value));
}

public class EmailAddressTests
{
    [Theory]
    [InlineData("anna.schmidt@example.de")]
    [InlineData("customs+filing@mail.example.co.uk")]
    [InlineData("li.wei@例子.中国")]
    public void Accepts_plausible_addresses(string value) => Assert.Null(EmailAddress.Check(value));

    [Theory]
    [InlineData("anna")]
    [InlineData("anna@")]
    [InlineData("@example.com")]
    [InlineData("anna@localhost")]
    [InlineData("anna@@example.com")]
    [InlineData("an na@example.com")]
    [InlineData("anna@exa mple.com")]
    [InlineData("anna@example..com")]
    [InlineData("anna@-example.com")]
    [InlineData("anna@example.com.")]
    public void Refuses_what_is_not_shaped_like_an_address(string value) =>
        Assert.StartsWith("must be an e-mail address", EmailAddress.Check(value));

    [Fact]
    public void Refuses_more_than_256_characters() =>
        Assert.Equal("must be at most 256 characters; got 257",
            EmailAddress.Check("a@" + new string('b', 251) + ".com"));

    [Fact]
    public void Refuses_a_local_part_longer_than_64() =>
        Assert.NotNull(EmailAddress.Check(new string('a', 65) + "@example.com"));

    [Fact]
    public void Refuses_control_characters() =>
        Assert.StartsWith("must not contain control characters", EmailAddress.Check("anna@example.com\r\nBcc: x@y.z"));
}

public class WebAddressTests
{
    [Theory]
    [InlineData("https://www.globalbazaar.example")]
    [InlineData("http://shop.example/item/1?ref=a#b")]
    [InlineData("https://例子.中国/商品")]
    public void Accepts_absolute_http_and_https_urls(string value) => Assert.Null(WebAddress.Check(value));

    [Theory]
    [InlineData("www.shop.example")]
    [InlineData("/item/1")]
    [InlineData("ftp://shop.example/item")]
    [InlineData("javascript:alert(1)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("https://shop.example/item 1")]
    [InlineData("https://")]
    [InlineData("https://shop.example/\u0000")]
    public void Refuses_anything_else(string value) =>
        Assert.StartsWith("must be an absolute http or https URL", WebAddress.Check(value));

    [Fact]
    public void Refuses_more_than_2048_characters() =>
        Assert.Equal("must be at most 2048 characters; got 2049", WebAddress.Check("https://a.example/" + new string('x', 2049 - 18)));
}

public class OfficeOfFirstEntryTests
{
    [Theory]
    [InlineData("NL000396")]
    [InlineData("DE004851")]
    [InlineData("FRABC123")]
    public void Accepts_a_country_code_and_6_letters_or_digits(string value) => Assert.Null(OfficeOfFirstEntry.Check(value));

    [Theory]
    [InlineData("NL00039")]
    [InlineData("NL0003966")]
    [InlineData("nl000396")]
    [InlineData("NL00-396")]
    [InlineData("1L000396")]
    public void Refuses_malformed_references(string value) =>
        Assert.StartsWith("must be a customs office reference of 8 characters", OfficeOfFirstEntry.Check(value));

    [Fact]
    public void Refuses_an_unknown_country() =>
        Assert.Equal("starts with \"XX\", which is not an ISO 3166-1 country code", OfficeOfFirstEntry.Check("XX000396"));
}

public class LocalReferenceNumberTests
{
    [Theory]
    [InlineData("LRN-GIFT-0001")]
    [InlineData("a")]
    [InlineData("2026/07/01_batch.12")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUV")] // 22
    public void Accepts_up_to_22_letters_digits_and_separators(string value) => Assert.Null(LocalReferenceNumber.Check(value));

    [Fact]
    public void Refuses_more_than_22_characters() =>
        Assert.Equal("must be 1 to 22 characters; got 23", LocalReferenceNumber.Check(new string('A', 23)));

    [Theory]
    [InlineData("LRN 1", "\" \" at position 4")]
    [InlineData("LRN#1", "\"#\" at position 4")]
    [InlineData("LRNé", "\"é\" at position 4")]
    [InlineData("LRN\n", "\"\\u000A\" at position 4")]
    public void Refuses_other_characters(string value, string expected) =>
        Assert.Contains(expected, LocalReferenceNumber.Check(value));
}

public class UnitCodeTests
{
    [Theory]
    [InlineData("H87")]
    [InlineData("KGM")]
    [InlineData("PR")]
    [InlineData("C62")]
    [InlineData("1")]
    public void Accepts_1_to_3_upper_case_letters_or_digits(string value) => Assert.Null(UnitCode.Check(value));

    [Theory]
    [InlineData("h87")]
    [InlineData("PCS1")]
    [InlineData("K G")]
    [InlineData("")]
    public void Refuses_anything_else(string value) =>
        Assert.StartsWith("must be a UN/ECE Recommendation 20 unit code", UnitCode.Check(value));
}

public class TimestampValuesTests
{
    [Theory]
    [InlineData(-62_135_596_800, 0)]
    [InlineData(253_402_300_799, 999_999_999)]
    [InlineData(1_796_000_000, 500)]
    public void Accepts_timestamps_within_the_protobuf_range(long seconds, int nanos) =>
        Assert.Null(TimestampValues.Check(new Timestamp { Seconds = seconds, Nanos = nanos }));

    [Theory]
    [InlineData(-62_135_596_801, 0, "seconds must be between")]
    [InlineData(253_402_300_800, 0, "seconds must be between")]
    [InlineData(long.MaxValue, 0, "seconds must be between")]
    [InlineData(0, -1, "nanos must be between 0 and 999999999")]
    [InlineData(0, 1_000_000_000, "nanos must be between 0 and 999999999")]
    public void Refuses_out_of_range_timestamps(long seconds, int nanos, string expected) =>
        Assert.StartsWith(expected, TimestampValues.Check(new Timestamp { Seconds = seconds, Nanos = nanos }));
}

public class GoodsDescriptionTests
{
    [Theory]
    [InlineData("Clothes")]
    [InlineData("gift")]
    [InlineData("  GOODS  ")]
    [InlineData("Spare parts")]
    [InlineData("said to contain")]
    public void Refuses_catch_all_words_alone(string value) =>
        Assert.Contains("alone is too vague", GoodsDescription.Check(value));

    [Theory]
    [InlineData("Men's cotton T-shirts")]
    [InlineData("Hand-knitted wool scarf")]
    [InlineData("Gift box of green tea")]
    [InlineData("Brake parts for bicycles")]
    public void Accepts_specific_descriptions(string value) => Assert.Null(GoodsDescription.Check(value));
}

public class EchoTests
{
    [Fact]
    public void Quotes_a_short_value_whole() => Assert.Equal("\"RB123\"", Echo.Quote("RB123"));

    [Fact]
    public void Cuts_long_values_to_40_characters()
    {
        var quoted = Echo.Quote(new string('x', 100_000));
        Assert.Equal("\"" + new string('x', 40) + "...\"", quoted);
    }

    [Fact]
    public void Shows_invisible_characters_as_escapes() =>
        Assert.Equal("\"a\\u000Ab\\u202Ec\\uD800\"", Echo.Quote("a\nb\u202Ec\uD800"));

    [Fact]
    public void Never_splits_a_surrogate_pair()
    {
        var quoted = Echo.Quote(string.Concat(Enumerable.Repeat("😀", 50)));
        Assert.Equal("\"" + string.Concat(Enumerable.Repeat("😀", 40)) + "...\"", quoted);
    }

    [Fact]
    public void Quotes_null_as_empty() => Assert.Equal("\"\"", Echo.Quote(null));
}

using Exchange.Server.Grpc;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>
/// The node's deadline comes after the client's: every valid grpc-timeout gains the grace, in
/// milliseconds rounded up; what grpc-dotnet would ignore, or what does not fit, is left alone.
/// </summary>
public sealed class DeadlineGraceTests
{
    [Theory]
    [InlineData("2S", "2020m")]
    [InlineData("1999m", "2019m")]
    [InlineData("1500001u", "1521m")]
    [InlineData("100n", "21m")]
    [InlineData("1M", "60020m")]
    [InlineData("1H", "3600020m")]
    public void A_timeout_gains_the_grace(string given, string extended) =>
        Assert.Equal(extended, DeadlineGrace.WithGrace(given));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("12")]
    [InlineData("5X")]
    [InlineData("-5S")]
    [InlineData("123456789S")] // nine digits: not a grpc-timeout
    [InlineData("99999999H")] // over 8 digits of milliseconds: a few more do not matter
    public void What_is_not_a_timeout_or_too_long_to_matter_is_left_alone(string? given) =>
        Assert.Null(DeadlineGrace.WithGrace(given));
}

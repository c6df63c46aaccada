using System.Diagnostics;
using Exchange.Benchmark;

namespace Exchange.Benchmark.Tests;

public sealed class PercentilesTests
{
    private static readonly long[] OneToHundred = [.. Enumerable.Range(1, 100).Select(i => (long)i)];

    [Theory]
    [InlineData(50, 50)]
    [InlineData(90, 90)]
    [InlineData(99, 99)]
    [InlineData(99.9, 100)]
    [InlineData(100, 100)]
    [InlineData(0.5, 1)]
    public void Nearest_rank_of_one_to_a_hundred_is_the_percent_itself(double percent, long expected) =>
        Assert.Equal(expected, Percentiles.Of(OneToHundred, percent));

    [Fact]
    public void A_single_value_is_every_percentile()
    {
        long[] one = [7];
        Assert.Equal(7, Percentiles.Of(one, 1));
        Assert.Equal(7, Percentiles.Of(one, 50));
        Assert.Equal(7, Percentiles.Of(one, 100));
    }

    [Fact]
    public void Ten_values_round_the_rank_up()
    {
        long[] ten = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
        Assert.Equal(50, Percentiles.Of(ten, 50));
        Assert.Equal(90, Percentiles.Of(ten, 90));
        Assert.Equal(100, Percentiles.Of(ten, 91));
        Assert.Equal(100, Percentiles.Of(ten, 99));
    }

    [Fact]
    public void No_values_or_a_percent_out_of_range_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Percentiles.Of([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of(OneToHundred, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of(OneToHundred, 101));
    }

    [Fact]
    public void Summary_sorts_the_ticks_and_converts_them_to_milliseconds()
    {
        var ms = Stopwatch.Frequency / 1000;
        long[] ticks = [.. Enumerable.Range(1, 100).Reverse().Select(i => i * ms)];
        var summary = LatencySummary.FromTicks(ticks);
        Assert.Equal(50, summary.P50, 3);
        Assert.Equal(90, summary.P90, 3);
        Assert.Equal(99, summary.P99, 3);
        Assert.Equal(100, summary.Max, 3);
        Assert.Equal(50.5, summary.Mean, 0);
    }

    [Fact]
    public void Summary_of_nothing_is_zero() => Assert.Equal(LatencySummary.Empty, LatencySummary.FromTicks([]));
}

using System.Diagnostics;

namespace Exchange.Benchmark;

/// <summary>Latency of one measured phase, in milliseconds.</summary>
public sealed record LatencySummary(double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(0, 0, 0, 0, 0);

    /// <summary>Summarises latencies given in Stopwatch ticks; sorts <paramref name="ticks"/> in place.</summary>
    public static LatencySummary FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return Empty;
        }
        Array.Sort(ticks);
        double Ms(long t) => t * 1000.0 / Stopwatch.Frequency;
        return new LatencySummary(
            Ms(Percentiles.Of(ticks, 50)),
            Ms(Percentiles.Of(ticks, 90)),
            Ms(Percentiles.Of(ticks, 99)),
            Ms(ticks[^1]),
            Ms((long)ticks.Average()));
    }
}

public static class Percentiles
{
    /// <summary>
    /// The nearest-rank percentile of an ascending array: the smallest value such that at least
    /// <paramref name="percent"/> % of the values are less than or equal to it.
    /// </summary>
    public static long Of(long[] sorted, double percent)
    {
        if (sorted.Length == 0)
        {
            throw new ArgumentException("No values.", nameof(sorted));
        }
        if (percent is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), "Must be in (0, 100].");
        }
        var rank = (int)Math.Ceiling(percent / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

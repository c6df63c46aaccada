using Exchange.Benchmark;
using Exchange.Core.Validation;

namespace Exchange.Benchmark.Tests;

/// <summary>
/// The "assess" mode with a tiny duration. Checks the report's shape and the mix, never a speed:
/// timings on a shared machine prove nothing.
/// </summary>
public sealed class AssessBenchmarkTests
{
    [Fact]
    public void A_tiny_run_reports_both_phases_with_ordered_percentiles()
    {
        var report = AssessBenchmark.Run(new AssessOptions(TimeSpan.FromMilliseconds(200), TimeSpan.Zero, null), TextWriter.Null);

        Assert.Equal(["single-thread", "all-cores"], report.Phases.Select(p => p.Name));
        Assert.Equal([1, Environment.ProcessorCount], report.Phases.Select(p => p.Threads));
        foreach (var phase in report.Phases)
        {
            Assert.True(phase.Assessments > 0 && phase.PerSecond > 0 && phase.AllocatedBytesPerAssessment > 0, phase.ToString());
            var l = phase.LatencyUs;
            Assert.True(l.Samples > 0 && 0 < l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.P999 && l.P999 <= l.Max, l.ToString());
        }
        Assert.Contains("per s/thread", report.ToTable());
        Assert.Contains("\"perSecond\"", report.ToJson());
    }

    [Fact]
    public void The_mix_is_valid_declarations_of_every_outcome()
    {
        var mix = AssessBenchmark.AssessmentMix.Build();

        Assert.All(mix, m => Assert.True(DeclarationValidator.Validate(m.Declaration).Count == 0,
            $"{m.Label}: {string.Join("; ", DeclarationValidator.Validate(m.Declaration).Select(v => v.Field))}"));
        var outcomes = AssessBenchmark.Run(new AssessOptions(TimeSpan.FromMilliseconds(100), TimeSpan.Zero, null), TextWriter.Null).OutcomesInMix;
        Assert.Equal(["HOLD", "REJECT", "RELEASE"], outcomes.Keys.Order(StringComparer.Ordinal));
        Assert.True(outcomes["RELEASE"] > outcomes["HOLD"] + outcomes["REJECT"], "most consignments are clean");
    }

    [Theory]
    [InlineData("--duration", "0")]
    [InlineData("--duration", "3600")]
    [InlineData("--warmup", "-1")]
    [InlineData("--threads", "4")]
    public void Options_out_of_range_or_unknown_are_refused(string name, string value) =>
        Assert.Throws<UsageException>(() => AssessOptions.Parse([name, value]));

    [Fact]
    public void Options_default_to_ten_seconds_after_a_two_second_warm_up()
    {
        Assert.Equal(new AssessOptions(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(2), null), AssessOptions.Parse([]));
        Assert.Equal("out.json", AssessOptions.Parse(["--json", "out.json"]).JsonPath);
    }
}

using Exchange.Benchmark;

namespace Exchange.Benchmark.Tests;

/// <summary>
/// The whole tool with tiny counts against a real node process and the baseline process. Checks
/// the report's shape only, never a speed: timings on a shared machine prove nothing.
/// </summary>
public sealed class BenchmarkSmokeTests
{
    [Fact]
    public async Task A_tiny_run_against_the_node_and_the_baseline_reports_both_scenarios_without_errors()
    {
        var options = BenchmarkOptions.Parse(["--unary-count", "200", "--bulk-count", "1000", "--concurrency", "8", "--warmup", "0"]);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var report = await new BenchmarkRunner(options, TextWriter.Null).RunAsync(bound.Token);

        Assert.Equal(4, report.Phases.Count);
        foreach (var phase in report.Phases)
        {
            var what = $"{phase.Target} {phase.Scenario}";
            Assert.True(phase.ErrorCount == 0, $"{what}: {string.Join(", ", phase.Errors)}");
            Assert.Equal(phase.Scenario == "unary" ? 200 : 1000, phase.Count);
            Assert.True(phase.Throughput > 0, what);
            var l = phase.LatencyMs;
            Assert.True(0 < l.P50 && l.P50 <= l.P90 && l.P90 <= l.P99 && l.P99 <= l.Max, $"{what}: {l}");
            Assert.True(phase.ServerCpuCores >= 0, what);
            Assert.True(phase.ServerPeakMemoryMb > 0, what);
        }
        Assert.Equal(["bulk", "unary"], report.Ratios.Select(r => r.Scenario).Order());
        Assert.All(report.Ratios, r => Assert.True(r.NodeOverBaseline > 0));
        Assert.Contains("node/baseline", report.ToTable());
        Assert.Contains("\"latencyMs\"", report.ToJson());
    }

    [Fact]
    public async Task A_running_node_can_be_the_target()
    {
        using var data = new Exchange.Testing.Hosting.TempDirectory();
        using var server = await Exchange.Testing.Hosting.ServerProcess.StartAsync(data.Path);
        var options = BenchmarkOptions.Parse(
            ["--target", $"127.0.0.1:{server.Address.Port}", "--targets", "node", "--count", "100", "--concurrency", "4", "--warmup", "0"]);
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        var report = await new BenchmarkRunner(options, TextWriter.Null).RunAsync(bound.Token);

        Assert.Equal(2, report.Phases.Count);
        Assert.All(report.Phases, p => Assert.Equal(0, p.ErrorCount));
        Assert.All(report.Phases, p => Assert.Null(p.ServerCpuCores)); // no --server-pid
        Assert.Empty(report.Ratios);
    }
}

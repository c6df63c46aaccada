using Exchange.Benchmark;

namespace Exchange.Benchmark.Tests;

/// <summary>
/// The "ingest" mode on a tiny count: both phases run the node's workflow on the same requests,
/// only the second one records them. Checks what was recorded, never a speed.
/// </summary>
public sealed class IngestBenchmarkTests
{
    [Fact]
    public async Task The_core_phase_records_nothing_and_the_store_phase_records_every_declaration_accepted_and_decided()
    {
        var phases = await IngestBenchmark.RunAsync(count: 300, batch: 128, postgres: null, TextWriter.Null);

        Assert.Equal(["core only", "core + store"], phases.Select(p => p.Phase));
        Assert.All(phases, p => Assert.True(p.Count == 300 && p.PerSecond > 0 && p.CpuMicrosecondsPerDeclaration > 0, p.ToString()));
        Assert.Equal(0, phases[0].EventsStored);
        Assert.Equal(2 * 300, phases[1].EventsStored);
    }
}

public sealed class ModeArgumentsTests
{
    [Fact]
    public void Known_options_are_read_with_their_defaults_and_wrong_ones_are_refused_by_name()
    {
        var options = ModeArguments.Parse(["--count", "300", "--json", "out.json"], "--count", "--batch", "--json");

        Assert.Equal(300, options.Number("--count", 1, 1, 1_000));
        Assert.Equal(256, options.Number("--batch", 256, 1, 1_000));
        Assert.Equal("out.json", options.Text("--json"));
        Assert.Null(options.Text("--batch"));
        Assert.Contains("--bogus", Assert.Throws<ArgumentException>(() => ModeArguments.Parse(["--bogus", "1"], "--count")).Message);
        Assert.Contains("--count", Assert.Throws<ArgumentException>(() => ModeArguments.Parse(["--count"], "--count")).Message);
        Assert.Contains("from 1 to 100; got '300'", Assert.Throws<ArgumentException>(() => options.Number("--count", 1, 1, 100)).Message);
    }
}

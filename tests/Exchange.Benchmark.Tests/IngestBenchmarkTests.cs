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
        Assert.All(phases, p => Assert.True(p.Count == 300 && p.PerSecond > 0 && p.CpuMicrosecondsPerDeclaration > 0 && p.AllocatedBytesPerDeclaration > 0, p.ToString()));
        Assert.Equal(0, phases[0].EventsStored);
        Assert.Equal(2 * 300, phases[1].EventsStored);
    }
}

using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Benchmark;

/// <summary>One measured phase: one scenario against one target.</summary>
public sealed record PhaseResult(
    string Target,
    string Scenario,
    long Count,
    long Succeeded,
    IReadOnlyDictionary<string, long> Errors,
    double Seconds,
    double Throughput,
    LatencySummary LatencyMs,
    double? ServerCpuCores,
    double? ServerPeakMemoryMb,
    double? ServerPeakRssInPhaseMb,
    double? ServerRssMb,
    double ClientCpuCores,
    double? AssessmentLagSeconds = null,
    double? DecidedThroughput = null)
{
    public long ErrorCount => Errors.Values.Sum();
}

/// <summary>Node throughput divided by baseline throughput, per scenario.</summary>
public sealed record Ratio(string Scenario, double NodeOverBaseline);

public sealed record MachineInfo(int Cores, string Cpu, string Os, string Runtime, string LoadAverage)
{
    /// <summary>/proc/loadavg now: other work on the machine skews every figure, so the report says how busy it was.</summary>
    public static string ReadLoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static MachineInfo Current()
    {
        var cpu = "";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
        }
        catch (IOException)
        {
            // Not Linux.
        }
        return new MachineInfo(Environment.ProcessorCount, cpu, RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, ReadLoadAverage());
    }
}

public sealed record BenchmarkReport(DateTimeOffset Time, MachineInfo Machine, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<PhaseResult> Phases, IReadOnlyList<Ratio> Ratios)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static BenchmarkReport Create(IReadOnlyDictionary<string, string> settings, IReadOnlyList<PhaseResult> phases)
    {
        var ratios = phases.Where(p => p.Target == "node")
            .Select(node => (node, baseline: phases.FirstOrDefault(b => b.Target == "baseline" && b.Scenario == node.Scenario)))
            .Where(pair => pair.baseline is { Throughput: > 0 })
            .Select(pair => new Ratio(pair.node.Scenario, pair.node.Throughput / pair.baseline!.Throughput))
            .ToList();
        return new BenchmarkReport(DateTimeOffset.UtcNow, MachineInfo.Current(), settings, phases, ratios);
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Machine: {Machine.Cores} cores, {Machine.Cpu}, {Machine.Runtime}, load average at the end {Machine.LoadAverage}");
        text.AppendLine(string.Join(", ", Settings.Select(s => $"{s.Key}={s.Value}")));
        text.AppendLine();
        text.AppendLine(c, $"{"target",-9}{"scenario",-9}{"count",10}{"errors",8}{"per s",10}{"p50 ms",9}{"p90 ms",9}{"p99 ms",9}{"max ms",9}{"srv cores",10}{"srv peak MB",12}{"srv RSS MB",11}{"client cores",13}");
        foreach (var p in Phases)
        {
            text.AppendLine(c,
                $"{p.Target,-9}{p.Scenario,-9}{p.Count,10}{p.ErrorCount,8}{p.Throughput,10:F0}{p.LatencyMs.P50,9:F2}{p.LatencyMs.P90,9:F2}{p.LatencyMs.P99,9:F2}{p.LatencyMs.Max,9:F1}{Show(p.ServerCpuCores, "F2"),10}{Show(p.ServerPeakMemoryMb, "F0"),12}{Show(p.ServerRssMb, "F0"),11}{p.ClientCpuCores,13:F2}");
        }
        foreach (var p in Phases.Where(p => p.DecidedThroughput is not null))
        {
            text.AppendLine(c,
                $"decided {p.Target} {p.Scenario}: every accepted declaration assessed and decided {p.AssessmentLagSeconds:F1} s after the load ended: {p.DecidedThroughput:F0} decided/s over the phase");
        }
        foreach (var p in Phases.Where(p => p.ErrorCount > 0))
        {
            text.AppendLine(c, $"errors of {p.Target} {p.Scenario}: {string.Join(", ", p.Errors.Select(e => $"{e.Key} x{e.Value}"))}");
        }
        if (Ratios.Count > 0)
        {
            text.AppendLine();
            foreach (var r in Ratios)
            {
                text.AppendLine(c, $"{r.Scenario}: node/baseline throughput = {r.NodeOverBaseline:F3} ({r.NodeOverBaseline * 100:F1} %)");
            }
        }
        return text.ToString();
    }

    private static string Show(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
}

using System.Globalization;
using System.Net;

namespace Exchange.Benchmark;

/// <summary>What to measure and against what. Every duration, count and width is capped.</summary>
public sealed record BenchmarkOptions
{
    public const int MaxConcurrency = 1024;
    public const int MaxStreams = 64;
    public const long MaxCount = 5_000_000;
    public static readonly TimeSpan MaxDuration = TimeSpan.FromMinutes(10);

    /// <summary>"unary", "bulk" or "all".</summary>
    public string Scenario { get; init; } = "all";

    /// <summary>"node", "baseline" or "both".</summary>
    public string Targets { get; init; } = "both";

    public int Concurrency { get; init; } = 64;

    /// <summary>HTTP/2 connections (channels) the unary load is spread over.</summary>
    public int Connections { get; init; } = 4;

    /// <summary>How long the unary phase runs, unless <see cref="UnaryCount"/> is given.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(20);

    public long? UnaryCount { get; init; }

    public int Streams { get; init; } = 2;

    /// <summary>
    /// Filers the load is spread over: unary requests take turns, bulk stream s writes as filer
    /// s modulo this (so give at least as many streams). One by default, the worst case for a
    /// store that orders each filer's writers.
    /// </summary>
    public int Filers { get; init; } = 1;

    public long BulkCount { get; init; } = 200_000;

    /// <summary>Bulk items written but not yet answered, per stream.</summary>
    public int BulkWindow { get; init; } = 2_000;

    /// <summary>The bulk phase stops writing after this long, whatever the count.</summary>
    public TimeSpan BulkTimeLimit { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Unmeasured load before each phase. Ten seconds, not three: a node just started is still
    /// compiling its hot paths (tiered JIT) for several seconds, and a shorter warm-up measured
    /// that (unary 1,345/s on a fresh node against 2,035/s on the same node warmed up).
    /// </summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>"sqlite" or "postgres", for the node this tool starts.</summary>
    public string Store { get; init; } = "sqlite";

    public string? PostgresConnectionString { get; init; }

    public string? RedisConfiguration { get; init; }

    /// <summary>Extra environment settings for the node this tool starts (e.g. Exchange__Limits__BulkBatchSize=64).</summary>
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>An already running node (host:port on loopback) instead of starting one.</summary>
    public string? Target { get; init; }

    public int? ServerPid { get; init; }

    public string? JsonPath { get; init; }

    public string? ServerAssembly { get; init; }

    public string? BenchmarkAssembly { get; init; }

    public bool RunsUnary => Scenario is "unary" or "all";

    public bool RunsBulk => Scenario is "bulk" or "all";

    public bool MeasuresNode => Targets is "node" or "both";

    public bool MeasuresBaseline => Targets is "baseline" or "both";

    /// <summary>Reads the measuring run's command line (<see cref="BenchmarkCommandLine"/>); a wrong option is a UsageException.</summary>
    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var commandLine = new BenchmarkCommandLine();
        return commandLine.ReadMeasure(commandLine.Parse(args));
    }

    internal static string OneOf(string name, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new UsageException($"{name} must be one of {string.Join(", ", allowed)}.");

    internal static long Number(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{name} must be a whole number from {min} to {max}.");

    internal static TimeSpan Seconds(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= MaxDuration.TotalSeconds
            ? TimeSpan.FromSeconds(s)
            : throw new UsageException($"{name} must be a number of seconds from {min} to {MaxDuration.TotalSeconds}.");

    /// <summary>Only loopback targets: a load generator must not be aimed at someone else's machine.</summary>
    internal static string LoopbackTarget(string value)
    {
        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon].Trim('[', ']') : "";
        var port = colon > 0 ? value[(colon + 1)..] : "";
        var isLoopback = host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        if (!isLoopback || !int.TryParse(port, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            throw new UsageException("--target must be a loopback host:port, e.g. 127.0.0.1:5080.");
        }
        return value;
    }
}

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

    public const string Usage = """
        usage: exchange-benchmark [options]            measure the node and a bare gRPC baseline
               exchange-benchmark serve-baseline --port P [--parent-pid PID]
               exchange-benchmark assess [--duration S] [--warmup S] [--json PATH]   the risk engine alone, in process

          --scenario unary|bulk|all     what to run (default all)
          --targets node|baseline|both  what to measure (default both)
          --concurrency N               unary calls in flight (default 64, max 1024)
          --connections N               HTTP/2 connections for unary (default 4)
          --duration SECONDS            unary phase length (default 20, max 600)
          --unary-count N               unary calls instead of a duration
          --streams S                   bulk streams (default 2, max 64)
          --bulk-count N                bulk declarations in all (default 200000, max 5000000)
          --count N                     both --unary-count and --bulk-count
          --bulk-window N               unanswered bulk items per stream (default 2000)
          --warmup SECONDS              unmeasured warm-up before each phase (default 10, 0 = none)
          --store sqlite|postgres       store of the node started here (default sqlite)
          --postgres CONNSTRING         PostgreSQL connection string (with --store postgres)
          --redis CONFIG                Redis configuration for the node (Exchange__Redis__Configuration)
          --set KEY=VALUE               extra environment setting for the node (repeatable)
          --target HOST:PORT            measure a running node on loopback instead of starting one
          --server-pid PID              that node's process id, to report its CPU and memory
          --server-dll PATH             Exchange.Server.dll to start (default: the repository's build)
          --json PATH                   also write the report as JSON
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        var settings = new Dictionary<string, string>();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            options = name switch
            {
                "--scenario" => options with { Scenario = OneOf(name, Value(), "unary", "bulk", "all") },
                "--targets" => options with { Targets = OneOf(name, Value(), "node", "baseline", "both") },
                "--concurrency" => options with { Concurrency = (int)Number(name, Value(), 1, MaxConcurrency) },
                "--connections" => options with { Connections = (int)Number(name, Value(), 1, 64) },
                "--duration" => options with { Duration = Seconds(name, Value(), min: 1) },
                "--unary-count" => options with { UnaryCount = Number(name, Value(), 1, MaxCount) },
                "--streams" => options with { Streams = (int)Number(name, Value(), 1, MaxStreams) },
                "--bulk-count" => options with { BulkCount = Number(name, Value(), 1, MaxCount) },
                "--count" => CountBoth(options, Number(name, Value(), 1, MaxCount)),
                "--bulk-window" => options with { BulkWindow = (int)Number(name, Value(), 1, 100_000) },
                "--warmup" => options with { Warmup = Seconds(name, Value(), min: 0) },
                "--store" => options with { Store = OneOf(name, Value(), "sqlite", "postgres") },
                "--postgres" => options with { PostgresConnectionString = Value() },
                "--redis" => options with { RedisConfiguration = Value() },
                "--set" => AddSetting(options, settings, Value()),
                "--target" => options with { Target = LoopbackTarget(Value()) },
                "--server-pid" => options with { ServerPid = (int)Number(name, Value(), 1, int.MaxValue) },
                "--server-dll" => options with { ServerAssembly = Value() },
                "--json" => options with { JsonPath = Value() },
                _ => throw new ArgumentException($"Unknown option '{name}'."),
            };
        }
        if (options.Store == "postgres" && string.IsNullOrWhiteSpace(options.PostgresConnectionString) && options.Target is null)
        {
            throw new ArgumentException("--store postgres needs --postgres \"<connection string>\".");
        }
        return options with { ServerSettings = settings };
    }

    private static BenchmarkOptions CountBoth(BenchmarkOptions options, long count) =>
        options with { UnaryCount = count, BulkCount = count };

    private static BenchmarkOptions AddSetting(BenchmarkOptions options, Dictionary<string, string> settings, string value)
    {
        var equals = value.IndexOf('=');
        if (equals <= 0)
        {
            throw new ArgumentException($"--set expects KEY=VALUE, got '{value}'.");
        }
        settings[value[..equals]] = value[(equals + 1)..];
        return options;
    }

    private static string OneOf(string name, string value, params string[] allowed) =>
        allowed.Contains(value) ? value : throw new ArgumentException($"{name} must be one of {string.Join(", ", allowed)}.");

    private static long Number(string name, string value, long min, long max) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new ArgumentException($"{name} must be a whole number from {min} to {max}.");

    private static TimeSpan Seconds(string name, string value, double min) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= min && s <= MaxDuration.TotalSeconds
            ? TimeSpan.FromSeconds(s)
            : throw new ArgumentException($"{name} must be a number of seconds from {min} to {MaxDuration.TotalSeconds}.");

    /// <summary>Only loopback targets: a load generator must not be aimed at someone else's machine.</summary>
    private static string LoopbackTarget(string value)
    {
        var colon = value.LastIndexOf(':');
        var host = colon > 0 ? value[..colon].Trim('[', ']') : "";
        var port = colon > 0 ? value[(colon + 1)..] : "";
        var isLoopback = host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        if (!isLoopback || !int.TryParse(port, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            throw new ArgumentException("--target must be a loopback host:port, e.g. 127.0.0.1:5080.");
        }
        return value;
    }
}

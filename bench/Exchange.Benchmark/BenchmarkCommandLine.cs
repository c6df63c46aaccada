using System.CommandLine;
using System.CommandLine.Help;

namespace Exchange.Benchmark;

/// <summary>
/// The tool's command line as a System.CommandLine tree: the measuring run (no mode word) and the
/// modes <c>assess</c>, <c>ingest</c>, <c>report</c> and <c>serve-baseline</c>, with their options and
/// help text, and how each parse becomes a mode's settings. Values are taken as text and checked
/// here with the caps of <see cref="BenchmarkOptions"/>, so a wrong one is refused by name
/// (<see cref="UsageException"/>) and the help is generated from the same tree.
/// </summary>
public sealed class BenchmarkCommandLine
{
    public const string Name = "exchange-benchmark";

    /// <summary>What each mode does with its settings; <see cref="Program"/> passes the real runs, tests may pass none.</summary>
    public sealed record Modes(
        Func<BenchmarkOptions, CancellationToken, Task<int>> Measure,
        Func<AssessOptions, int> Assess,
        Func<IngestSettings, Task<int>> Ingest,
        Func<ReportSettings, Task<int>> Report,
        Func<int, int?, Task<int>> ServeBaseline);

    // The measuring run.
    private readonly Option<string> scenario = Text("--scenario", "unary|bulk|all", "What to run (default all).");
    private readonly Option<string> targets = Text("--targets", "node|baseline|both", "What to measure (default both).");
    private readonly Option<string> concurrency = Text("--concurrency", "N", $"Unary calls in flight (default 64, max {BenchmarkOptions.MaxConcurrency}).");
    private readonly Option<string> connections = Text("--connections", "N", "HTTP/2 connections for unary (default 4, max 64).");
    private readonly Option<string> duration = Text("--duration", "SECONDS", "Unary phase length (default 20, max 600).");
    private readonly Option<string> unaryCount = Text("--unary-count", "N", "Unary calls instead of a duration.");
    private readonly Option<string> streams = Text("--streams", "S", $"Bulk streams (default 2, max {BenchmarkOptions.MaxStreams}).");
    private readonly Option<string> filers = Text("--filers", "F", $"Filers the load is spread over: unary calls take turns, bulk stream s is filer s mod F (default 1, max {BenchmarkOptions.MaxStreams}).");
    private readonly Option<string> bulkCount = Text("--bulk-count", "N", $"Bulk declarations in all (default 200000, max {BenchmarkOptions.MaxCount}).");
    private readonly Option<string> count = Text("--count", "N", "Both --unary-count and --bulk-count (each of those, when given too, wins).");
    private readonly Option<string> bulkWindow = Text("--bulk-window", "N", "Unanswered bulk items per stream (default 2000).");
    private readonly Option<string> warmup = Text("--warmup", "SECONDS", "Unmeasured warm-up before each phase (default 10, 0 = none).");
    private readonly Option<string> store = Text("--store", "sqlite|postgres", "Store of the node started here (default sqlite).");
    private readonly Option<string> postgres = Text("--postgres", "CONNSTRING", "PostgreSQL connection string (with --store postgres).");
    private readonly Option<string> redis = Text("--redis", "CONFIG", "Redis configuration for the node (Exchange__Redis__Configuration).");
    private readonly Option<string[]> set = new("--set") { HelpName = "KEY=VALUE", Description = "Extra environment setting for the node (repeatable)." };
    private readonly Option<string> target = Text("--target", "HOST:PORT", "Measure a running node on loopback instead of starting one.");
    private readonly Option<string> serverPid = Text("--server-pid", "PID", "That node's process id, to report its CPU and memory.");
    private readonly Option<string> serverDll = Text("--server-dll", "PATH", "Exchange.Server.dll to start (default: the repository's build).");
    private readonly Option<string> json = Json("Also write the report as JSON.");

    // assess
    private readonly Option<string> assessDuration = Text("--duration", "SECONDS", "Length of each phase, single thread and all cores (default 10, max 600).");
    private readonly Option<string> assessWarmup = Text("--warmup", "SECONDS", "Unmeasured single-thread warm-up (default 2).");
    private readonly Option<string> assessJson = Json("Also write the report as JSON.");

    // ingest
    private readonly Option<string> ingestCount = Text("--count", "N", "Declarations per phase (default 100000, max 5000000).");
    private readonly Option<string> ingestBatch = Text("--batch", "N", "Declarations per SubmitMany batch, as BulkBatchSize (default 256).");
    private readonly Option<string> ingestPostgres = Text("--postgres", "CONN", "Write to this PostgreSQL database (default: SQLite in a temporary directory, removed at the end).");
    private readonly Option<string> ingestJson = Json("Also write the phases as JSON.");

    // report
    private readonly Option<string> reportCount = Text("--count", "N", "Declarations in the month (default 1000000).");
    private readonly Option<string> reportRuns = Text("--runs", "N", "Timed runs per group_by, after one warm-up (default 5).");
    private readonly Option<string> reportPostgres = Text("--postgres", "CONN",
        "Use this PostgreSQL database (its measures tables are emptied first); default: SQLite in a temporary directory, removed at the end.");
    private readonly Option<string> reportJson = Json("Also write the timings as JSON.");

    // serve-baseline
    private readonly Option<int> port = new("--port") { HelpName = "P", Description = "Port to listen on, loopback only (default 5090).", DefaultValueFactory = _ => 5090 };
    private readonly Option<int?> parentPid = new("--parent-pid") { HelpName = "PID", Description = "Stop when this process ends." };

    public BenchmarkCommandLine(Modes? modes = null)
    {
        var assess = new Command("assess", "The risk engine alone, in process: no server, no gRPC, no store.")
        {
            assessDuration, assessWarmup, assessJson,
        };
        var ingest = new Command("ingest", "The node's workflow and store in process, without gRPC.")
        {
            ingestCount, ingestBatch, ingestPostgres, ingestJson,
        };
        var report = new Command("report", "A performance report over a store of a month of declarations.")
        {
            reportCount, reportRuns, reportPostgres, reportJson,
        };
        var serveBaseline = new Command("serve-baseline", "The bare gRPC baseline server the measuring run starts (not for direct use).")
        {
            port, parentPid,
        };
        Root = new Command(Name, "Measures the node and a bare gRPC baseline on this machine (docs/benchmarks.md).")
        {
            scenario, targets, concurrency, connections, duration, unaryCount, streams, filers, bulkCount, count, bulkWindow, warmup,
            store, postgres, redis, set, target, serverPid, serverDll, json,
            new HelpOption { Recursive = true },
            assess, ingest, report, serveBaseline,
        };
        if (modes is null)
        {
            // Parsing only (tests, Parse helpers): every command is runnable, running does nothing.
            foreach (var command in new[] { Root, assess, ingest, report, serveBaseline })
            {
                command.SetAction(_ => 0);
            }
        }
        else
        {
            Root.SetAction((parsed, cancellationToken) => modes.Measure(ReadMeasure(parsed), cancellationToken));
            assess.SetAction(parsed => modes.Assess(ReadAssess(parsed)));
            ingest.SetAction(parsed => modes.Ingest(ReadIngest(parsed)));
            report.SetAction(parsed => modes.Report(ReadReport(parsed)));
            serveBaseline.SetAction(parsed => modes.ServeBaseline(parsed.GetValue(port), parsed.GetValue(parentPid)));
        }
    }

    /// <summary>The root: the measuring run, with the modes as subcommands.</summary>
    public Command Root { get; }

    /// <summary>How the tool parses: no response files (an '@' argument is a value, not a list of more arguments).</summary>
    public static ParserConfiguration Configuration { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/>; a parse error becomes a UsageException with its message.</summary>
    public ParseResult Parse(IReadOnlyList<string> args)
    {
        var parsed = Root.Parse(args, Configuration);
        return parsed.Action is HelpAction || parsed.Errors.Count == 0 ? parsed : throw new UsageException(parsed.Errors[0].Message);
    }

    /// <summary>The settings of the measuring run.</summary>
    public BenchmarkOptions ReadMeasure(ParseResult parsed)
    {
        var options = new BenchmarkOptions();
        string? Value(Option<string> option) => parsed.GetValue(option);
        if (Value(count) is { } both)
        {
            var n = BenchmarkOptions.Number(count.Name, both, 1, BenchmarkOptions.MaxCount);
            options = options with { UnaryCount = n, BulkCount = n };
        }
        options = options with
        {
            Scenario = Value(scenario) is { } s ? BenchmarkOptions.OneOf(scenario.Name, s, "unary", "bulk", "all") : options.Scenario,
            Targets = Value(targets) is { } t ? BenchmarkOptions.OneOf(targets.Name, t, "node", "baseline", "both") : options.Targets,
            Concurrency = Value(concurrency) is { } c ? (int)BenchmarkOptions.Number(concurrency.Name, c, 1, BenchmarkOptions.MaxConcurrency) : options.Concurrency,
            Connections = Value(connections) is { } k ? (int)BenchmarkOptions.Number(connections.Name, k, 1, 64) : options.Connections,
            Duration = Value(duration) is { } d ? BenchmarkOptions.Seconds(duration.Name, d, min: 1) : options.Duration,
            UnaryCount = Value(unaryCount) is { } u ? BenchmarkOptions.Number(unaryCount.Name, u, 1, BenchmarkOptions.MaxCount) : options.UnaryCount,
            Streams = Value(streams) is { } st ? (int)BenchmarkOptions.Number(streams.Name, st, 1, BenchmarkOptions.MaxStreams) : options.Streams,
            Filers = Value(filers) is { } f ? (int)BenchmarkOptions.Number(filers.Name, f, 1, BenchmarkOptions.MaxStreams) : options.Filers,
            BulkCount = Value(bulkCount) is { } b ? BenchmarkOptions.Number(bulkCount.Name, b, 1, BenchmarkOptions.MaxCount) : options.BulkCount,
            BulkWindow = Value(bulkWindow) is { } w ? (int)BenchmarkOptions.Number(bulkWindow.Name, w, 1, 100_000) : options.BulkWindow,
            Warmup = Value(warmup) is { } wu ? BenchmarkOptions.Seconds(warmup.Name, wu, min: 0) : options.Warmup,
            Store = Value(store) is { } so ? BenchmarkOptions.OneOf(store.Name, so, "sqlite", "postgres") : options.Store,
            PostgresConnectionString = Value(postgres),
            RedisConfiguration = Value(redis),
            ServerSettings = Settings(parsed.GetValue(set) ?? []),
            Target = Value(target) is { } tg ? BenchmarkOptions.LoopbackTarget(tg) : null,
            ServerPid = Value(serverPid) is { } pid ? (int)BenchmarkOptions.Number(serverPid.Name, pid, 1, int.MaxValue) : null,
            ServerAssembly = Value(serverDll),
            JsonPath = Value(json),
        };
        if (options.Store == "postgres" && string.IsNullOrWhiteSpace(options.PostgresConnectionString) && options.Target is null)
        {
            throw new UsageException("--store postgres needs --postgres \"<connection string>\".");
        }
        return options;
    }

    /// <summary>The settings of <c>assess</c>: phases may be shorter than a second (its unit is a microsecond call).</summary>
    public AssessOptions ReadAssess(ParseResult parsed) => new(
        parsed.GetValue(assessDuration) is { } d ? BenchmarkOptions.Seconds(assessDuration.Name, d, min: 0.1) : TimeSpan.FromSeconds(10),
        parsed.GetValue(assessWarmup) is { } w ? BenchmarkOptions.Seconds(assessWarmup.Name, w, min: 0) : TimeSpan.FromSeconds(2),
        parsed.GetValue(assessJson));

    /// <summary>The settings of <c>ingest</c>.</summary>
    public IngestSettings ReadIngest(ParseResult parsed) => new(
        parsed.GetValue(ingestCount) is { } c ? (int)BenchmarkOptions.Number(ingestCount.Name, c, 1, 5_000_000) : 100_000,
        parsed.GetValue(ingestBatch) is { } b ? (int)BenchmarkOptions.Number(ingestBatch.Name, b, 1, 10_000) : 256,
        parsed.GetValue(ingestPostgres),
        parsed.GetValue(ingestJson));

    /// <summary>The settings of <c>report</c>.</summary>
    public ReportSettings ReadReport(ParseResult parsed) => new(
        parsed.GetValue(reportCount) is { } c ? (int)BenchmarkOptions.Number(reportCount.Name, c, 1, 100_000_000) : 1_000_000,
        parsed.GetValue(reportRuns) is { } r ? (int)BenchmarkOptions.Number(reportRuns.Name, r, 1, 1_000) : 5,
        parsed.GetValue(reportPostgres),
        parsed.GetValue(reportJson));

    private static IReadOnlyDictionary<string, string> Settings(IEnumerable<string> pairs)
    {
        var settings = new Dictionary<string, string>();
        foreach (var pair in pairs)
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--set expects KEY=VALUE, got '{pair}'.");
            }
            settings[pair[..equals]] = pair[(equals + 1)..];
        }
        return settings;
    }

    private static Option<string> Text(string name, string valueName, string description) =>
        new(name) { HelpName = valueName, Description = description };

    private static Option<string> Json(string description) => Text("--json", "PATH", description);
}

/// <summary>Settings of <c>exchange-benchmark ingest</c>.</summary>
public sealed record IngestSettings(int Count, int Batch, string? Postgres, string? JsonPath);

/// <summary>Settings of <c>exchange-benchmark report</c>.</summary>
public sealed record ReportSettings(int Count, int Runs, string? Postgres, string? JsonPath);

/// <summary>A wrong command line: the message names the option and what it takes. An ArgumentException, so callers of Parse may catch either.</summary>
public sealed class UsageException(string message) : ArgumentException(message);

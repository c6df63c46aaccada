using System.Diagnostics;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Benchmark;

/// <summary>
/// Runs the chosen scenarios against the node and the bare baseline, one target at a time, each
/// phase after an unmeasured warm-up, and collects the report.
/// </summary>
public sealed class BenchmarkRunner(BenchmarkOptions options, TextWriter progress)
{
    private readonly DeclarationFactory _factory = new(options.Filers);
    private string? _dataDirectory;

    public async Task<BenchmarkReport> RunAsync(CancellationToken ct)
    {
        progress.WriteLine($"Load average before the run: {MachineInfo.ReadLoadAverage()}");
        var phases = new List<PhaseResult>();
        if (options.MeasuresNode)
        {
            if (options.Target is { } target)
            {
                progress.WriteLine($"Measuring the running node at {target}.");
                var address = new Uri($"http://{target}");
                await ChildProcess.WaitUntilAnsweringAsync(address, _factory.Headers, () => false, ct);
                phases.AddRange(await MeasureAsync("node", address, options.ServerPid, ct));
            }
            else
            {
                try
                {
                    using var node = await StartNodeAsync(ct);
                    phases.AddRange(await MeasureAsync("node", node.Address, node.Pid, ct));
                }
                finally
                {
                    DeleteDataDirectory();
                }
            }
        }
        if (options.MeasuresBaseline)
        {
            using var baseline = await StartBaselineAsync(ct);
            phases.AddRange(await MeasureAsync("baseline", baseline.Address, baseline.Pid, ct));
        }
        return BenchmarkReport.Create(Settings(), phases);
    }

    private async Task<ChildProcess> StartNodeAsync(CancellationToken ct)
    {
        var port = ChildProcess.FreeLoopbackPort();
        var environment = new Dictionary<string, string>
        {
            ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{port}",
            ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{ChildProcess.FreeLoopbackPort()}",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            // The load generator names its filer in the development header (loopback only).
            ["Exchange__Authentication__Mode"] = "Development",
            // One filer drives the node as hard as it can: lift its rate limit (the limiter still
            // runs, so its cost is in the figures); --server-setting can set it back.
            ["Exchange__RateLimits__Filers__PermitsPerSecond"] = "0",
            // --streams allows up to 64 bulk streams from that one filer; the node's default caps a
            // caller at 16 concurrent bulk streams (docs/security.md).
            ["Exchange__RateLimits__MaxConcurrentBulkStreamsPerCaller"] = "0",
        };
        if (options.Store == "postgres")
        {
            environment["Exchange__Store__Provider"] = "Postgres";
            environment["Exchange__Store__ConnectionString"] = options.PostgresConnectionString!;
        }
        else
        {
            _dataDirectory = Directory.CreateTempSubdirectory("exchange-benchmark-").FullName;
            environment["Exchange__Store__DataDirectory"] = _dataDirectory;
            progress.WriteLine($"SQLite data directory (removed at the end): {_dataDirectory}");
        }
        if (options.RedisConfiguration is { } redis)
        {
            environment["Exchange__Redis__Configuration"] = redis;
        }
        foreach (var (key, value) in options.ServerSettings)
        {
            environment[key] = value;
        }
        var assembly = options.ServerAssembly ?? Locations.ServerAssembly();
        progress.WriteLine($"Starting the node: dotnet {assembly} (store {options.Store}) on 127.0.0.1:{port}");
        return await ChildProcess.StartAsync(assembly, [], environment, new Uri($"http://127.0.0.1:{port}"), _factory.Headers, ct);
    }

    private async Task<ChildProcess> StartBaselineAsync(CancellationToken ct)
    {
        var port = ChildProcess.FreeLoopbackPort();
        var assembly = options.BenchmarkAssembly ?? Locations.BenchmarkAssembly();
        progress.WriteLine($"Starting the bare gRPC baseline on 127.0.0.1:{port}");
        string[] arguments = ["serve-baseline", "--port", $"{port}", "--parent-pid", $"{Environment.ProcessId}"];
        return await ChildProcess.StartAsync(assembly, arguments, new Dictionary<string, string>(), new Uri($"http://127.0.0.1:{port}"), _factory.Headers, ct);
    }

    private async Task<List<PhaseResult>> MeasureAsync(string target, Uri address, int? pid, CancellationToken ct)
    {
        var channels = Enumerable.Range(0, options.Connections).Select(_ => GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        })).ToList();
        try
        {
            var clients = channels.Select(c => new DeclarationService.DeclarationServiceClient(c)).ToList();
            var results = new List<PhaseResult>();
            if (options.RunsUnary)
            {
                results.Add(await PhaseAsync(target, "unary", pid, channels[0], counters =>
                    LoadGenerator.UnaryAsync(clients, _factory, options.Concurrency, options.UnaryCount, options.Duration, counters, ct),
                    counters => LoadGenerator.UnaryAsync(clients, _factory, options.Concurrency, null, options.Warmup, counters, ct), ct));
            }
            if (options.RunsBulk)
            {
                results.Add(await PhaseAsync(target, "bulk", pid, channels[0], counters =>
                    LoadGenerator.BulkAsync(clients, _factory, options.Streams, options.BulkCount, options.BulkWindow, options.BulkTimeLimit, counters, ct),
                    counters => LoadGenerator.BulkAsync(clients, _factory, options.Streams, BenchmarkOptions.MaxCount, options.BulkWindow, options.Warmup, counters, ct), ct));
            }
            return results;
        }
        finally
        {
            channels.ForEach(c => c.Dispose());
        }
    }

    private async Task<PhaseResult> PhaseAsync(
        string target, string scenario, int? pid, GrpcChannel channel,
        Func<LoadCounters, Task<LoadOutcome>> load, Func<LoadCounters, Task<LoadOutcome>> warmup, CancellationToken ct)
    {
        if (options.Warmup > TimeSpan.Zero)
        {
            await using (new ProgressLine(progress, $"{target} {scenario} warm-up", new LoadCounters(), pid, ct).Start(out var counters))
            {
                await warmup(counters);
            }
        }
        var before = pid is { } p ? ProcessSample.Read(p) : null;
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        LoadOutcome outcome;
        var line = new ProgressLine(progress, $"{target} {scenario}", new LoadCounters(), pid, ct);
        await using (line.Start(out var counters))
        {
            outcome = await load(counters);
        }
        // Acknowledged is not yet decided: the node assesses behind the acknowledgement. Wait for
        // its queue to drain, so "decided/s" counts only work the node has really finished.
        double? lag = target == "node" ? await WaitUntilAllDecidedAsync(channel, ct) : null;
        var after = pid is { } q ? ProcessSample.Read(q) : null;
        var seconds = outcome.Elapsed.TotalSeconds;
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds;
        var succeeded = outcome.Counters.Done - outcome.Counters.Errors;
        return new PhaseResult(
            target, scenario, outcome.Counters.Done, succeeded,
            new SortedDictionary<string, long>(outcome.Counters.ErrorsByCode),
            Math.Round(seconds, 3),
            Math.Round(succeeded / seconds, 1),
            LatencySummary.FromTicks(outcome.LatencyTicks),
            before is { } b && after is { } a ? Math.Round((a.Cpu - b.Cpu).TotalSeconds / seconds, 3) : null,
            after is { } peak ? Mb(peak.PeakRssBytes) : null,
            line.PeakRssBytes > 0 ? Mb(line.PeakRssBytes) : null,
            after is { } now ? Mb(now.RssBytes) : null,
            Math.Round(clientCpu / seconds, 3),
            lag is { } l ? Math.Round(l, 2) : null,
            lag is { } d ? Math.Round(succeeded / (seconds + d), 1) : null);
    }

    /// <summary>
    /// Seconds until no declaration is left ACCEPTED (waiting for assessment), asked as an officer
    /// every 100 ms; null when the node does not answer that (e.g. an older node) or does not
    /// assess (the oldest waiting declaration stays the same for 10 s: e.g. an assessment delay).
    /// </summary>
    private async Task<double?> WaitUntilAllDecidedAsync(GrpcChannel channel, CancellationToken ct)
    {
        var officer = new EnforcementService.EnforcementServiceClient(channel);
        var headers = new Metadata { { "x-exchange-officer", "benchmark" } };
        var started = Stopwatch.GetTimestamp();
        var request = new Contracts.Enforcement.V1.ListDeclarationsRequest { Parent = "filers/-", Status = DeclarationStatus.Accepted, PageSize = 1 };
        var (oldest, since) = ("", started);
        while (true)
        {
            Contracts.Enforcement.V1.ListDeclarationsResponse waiting;
            try
            {
                waiting = await officer.ListDeclarationsAsync(request, headers, cancellationToken: ct);
            }
            catch (RpcException e) when (e.StatusCode is StatusCode.Unimplemented or StatusCode.PermissionDenied or StatusCode.Unauthenticated)
            {
                return null;
            }
            if (waiting.Declarations.Count == 0)
            {
                return Stopwatch.GetElapsedTime(started).TotalSeconds;
            }
            if (waiting.Declarations[0].Name != oldest)
            {
                (oldest, since) = (waiting.Declarations[0].Name, Stopwatch.GetTimestamp());
            }
            else if (Stopwatch.GetElapsedTime(since) > TimeSpan.FromSeconds(10))
            {
                progress.WriteLine("The node is not assessing (the oldest waiting declaration has not moved for 10 s): no decided/s figure.");
                return null;
            }
            await Task.Delay(100, ct);
        }
    }

    private void DeleteDataDirectory()
    {
        try
        {
            if (_dataDirectory is { } data)
            {
                Directory.Delete(data, recursive: true);
            }
        }
        catch (IOException e)
        {
            progress.WriteLine($"Could not remove {_dataDirectory}: {e.Message}");
        }
    }

    private static double Mb(long bytes) => Math.Round(bytes / (1024.0 * 1024.0), 1);

    private Dictionary<string, string> Settings()
    {
        var c = CultureInfo.InvariantCulture;
        var settings = new Dictionary<string, string>
        {
            ["scenario"] = options.Scenario,
            ["targets"] = options.Targets,
            ["node"] = options.Target ?? $"started here, store {options.Store}" + (options.RedisConfiguration is null ? "" : " + redis"),
            ["concurrency"] = options.Concurrency.ToString(c),
            ["connections"] = options.Connections.ToString(c),
            ["unary"] = options.UnaryCount is { } n ? $"{n} calls" : $"{options.Duration.TotalSeconds.ToString(c)} s",
            ["streams"] = options.Streams.ToString(c),
            ["filers"] = options.Filers.ToString(c),
            ["bulkCount"] = options.BulkCount.ToString(c),
            ["bulkWindow"] = options.BulkWindow.ToString(c),
            ["warmupSeconds"] = options.Warmup.TotalSeconds.ToString(c),
        };
        foreach (var (key, value) in options.ServerSettings)
        {
            settings[key] = value;
        }
        return settings;
    }
}

/// <summary>A line per second on stderr while a phase runs; also samples the server's RSS for its in-phase peak.</summary>
internal sealed class ProgressLine(TextWriter output, string label, LoadCounters counters, int? pid, CancellationToken ct) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
    private Task _loop = Task.CompletedTask;

    public long PeakRssBytes { get; private set; }

    public ProgressLine Start(out LoadCounters phaseCounters)
    {
        phaseCounters = counters;
        _loop = LoopAsync();
        return this;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop.ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var started = Stopwatch.GetTimestamp();
        long last = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(_stop.Token))
        {
            var done = counters.Done;
            var sample = pid is { } p ? ProcessSample.Read(p) : null;
            PeakRssBytes = Math.Max(PeakRssBytes, sample?.RssBytes ?? 0);
            var rss = sample is { } s ? $", server RSS {s.RssBytes / (1024 * 1024)} MB" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{label}] {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s: {done} done, {done - last}/s, {counters.Errors} errors{rss}"));
            last = done;
        }
    }
}

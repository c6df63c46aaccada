using System.Diagnostics;
using Exchange.Benchmark;

namespace Exchange.Benchmark.Tests;

/// <summary>
/// The tool's command line on System.CommandLine: every option of every mode still read as the
/// READMEs, docs/benchmarks.md and scripts/benchmark use it, help generated from the tree, and a
/// wrong option refused in one line with exit code 2 by the real process.
/// </summary>
public sealed class CommandLineTests
{
    [Fact]
    public void The_measuring_run_reads_every_option_it_always_took()
    {
        var options = BenchmarkOptions.Parse([
            "--scenario", "bulk", "--targets", "node", "--concurrency", "8", "--connections", "2", "--duration", "15",
            "--streams", "4", "--bulk-count", "60000", "--bulk-window", "500", "--warmup", "0", "--store", "postgres",
            "--postgres", "Host=127.0.0.1;Port=55434", "--redis", "127.0.0.1:6390", "--set", "Exchange__Limits__BulkBatchSize=64",
            "--set", "A=b=c", "--target", "127.0.0.1:5080", "--server-pid", "12345", "--server-dll", "x.dll", "--json", "out.json",
        ]);

        Assert.Equal(("bulk", "node", 8, 2, TimeSpan.FromSeconds(15)), (options.Scenario, options.Targets, options.Concurrency, options.Connections, options.Duration));
        Assert.Equal((4, 60_000L, 500, TimeSpan.Zero), (options.Streams, options.BulkCount, options.BulkWindow, options.Warmup));
        Assert.Equal(("postgres", "Host=127.0.0.1;Port=55434", "127.0.0.1:6390"), (options.Store, options.PostgresConnectionString, options.RedisConfiguration));
        Assert.Equal(new Dictionary<string, string> { ["Exchange__Limits__BulkBatchSize"] = "64", ["A"] = "b=c" }, options.ServerSettings);
        Assert.Equal(("127.0.0.1:5080", (int?)12345, "x.dll", "out.json"), (options.Target, options.ServerPid, options.ServerAssembly, options.JsonPath));
        Assert.Null(options.UnaryCount);
    }

    [Fact]
    public void Filers_spreads_unary_calls_in_turn_and_gives_each_bulk_stream_its_filer()
    {
        var options = BenchmarkOptions.Parse(["--filers", "4", "--streams", "4"]);
        var factory = new DeclarationFactory(options.Filers);

        var unary = Enumerable.Range(0, 8).Select(_ => factory.NextUnary()).ToList();

        Assert.Equal(1, BenchmarkOptions.Parse([]).Filers);
        Assert.Equal(4, factory.Filers.Select(f => f.FilerId).Distinct().Count());
        Assert.Equal(factory.Filers.Concat(factory.Filers).Select(f => f.FilerId), unary.Select(u => u.Filer.FilerId));
        Assert.All(unary, u => Assert.Equal(u.Filer.Parent, u.Request.Parent));
        Assert.Equal(factory.Filers[2].Parent, factory.NextBulk(factory.Filers[2]).Parent);
        Assert.Equal(factory.Filers[0].FilerId, factory.Filers[0].Headers.GetValue("x-exchange-filer"));
    }

    [Fact]
    public void Count_sets_both_counts_and_a_specific_count_wins()
    {
        var both = BenchmarkOptions.Parse(["--count", "100"]);
        var specific = BenchmarkOptions.Parse(["--unary-count", "7", "--count", "100"]);

        Assert.Equal((100L, 100L), (both.UnaryCount, both.BulkCount));
        Assert.Equal((7L, 100L), (specific.UnaryCount, specific.BulkCount));
    }

    [Fact]
    public void The_modes_read_their_options()
    {
        var commandLine = new BenchmarkCommandLine();

        Assert.Equal(new IngestSettings(300, 128, "Host=x", "i.json"),
            commandLine.ReadIngest(commandLine.Parse(["ingest", "--count", "300", "--batch", "128", "--postgres", "Host=x", "--json", "i.json"])));
        Assert.Equal(new IngestSettings(100_000, 256, null, null), commandLine.ReadIngest(commandLine.Parse(["ingest"])));
        Assert.Equal(new ReportSettings(5000, 3, "Host=y", "r.json"),
            commandLine.ReadReport(commandLine.Parse(["report", "--count", "5000", "--runs", "3", "--postgres", "Host=y", "--json", "r.json"])));
        Assert.Equal(new ReportSettings(1_000_000, 5, null, null), commandLine.ReadReport(commandLine.Parse(["report"])));
        Assert.Equal(new AssessOptions(TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(1), "a.json"),
            AssessOptions.Parse(["--duration", "0.5", "--warmup", "1", "--json", "a.json"]));
    }

    [Theory]
    [InlineData("'--bogus'", "ingest", "--bogus", "1")]
    [InlineData("'--count'", "ingest", "--count")]
    [InlineData("--count must be a whole number from 1 to 5000000", "ingest", "--count", "0")]
    [InlineData("--runs must be a whole number from 1 to 1000", "report", "--runs", "1001")]
    [InlineData("'--batch'", "report", "--batch", "5")]
    [InlineData("--set expects KEY=VALUE, got 'no-equals'", "--set", "no-equals")]
    [InlineData("'--scenario'", "assess", "--scenario", "bulk")]
    [InlineData("--filers must be a whole number from 1 to 64", "--filers", "65")]
    public void Wrong_mode_options_are_refused_by_name(string expected, params string[] args)
    {
        var commandLine = new BenchmarkCommandLine();

        var error = Assert.Throws<UsageException>(() =>
        {
            var parsed = commandLine.Parse(args);
            _ = parsed.CommandResult.Command.Name switch
            {
                "ingest" => (object)commandLine.ReadIngest(parsed),
                "report" => commandLine.ReadReport(parsed),
                "assess" => commandLine.ReadAssess(parsed),
                _ => commandLine.ReadMeasure(parsed),
            };
        });
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("assess")]
    [InlineData("ingest")]
    [InlineData("report")]
    [InlineData("serve-baseline")]
    public async Task Help_is_generated_from_the_tree_for_every_mode(string mode)
    {
        var command = mode == "" ? new BenchmarkCommandLine().Root : new BenchmarkCommandLine().Root.Subcommands.Single(c => c.Name == mode);

        var run = await RunToolAsync(mode == "" ? ["--help"] : [mode, "--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"exchange-benchmark {(mode == "" ? "" : mode + " ")}[", run.Output);
        foreach (var option in command.Options.Where(o => o.Name != "--help"))
        {
            Assert.Contains($"{option.Name} <{option.HelpName}>", run.Output);
            Assert.Contains(option.Description!, run.Output);
        }
    }

    [Theory]
    [InlineData("exchange-benchmark: Unrecognized command or argument '--bogus'.", "--bogus")]
    [InlineData("exchange-benchmark assess: Unrecognized command or argument '--threads'.", "assess", "--threads", "4")]
    [InlineData("exchange-benchmark ingest: Required argument missing for option: '--count'.", "ingest", "--count")]
    [InlineData("exchange-benchmark: --concurrency must be a whole number from 1 to 1024.", "--concurrency", "100000")]
    public async Task A_wrong_option_is_one_line_and_exit_code_2_from_the_real_process(string expected, params string[] args)
    {
        var run = await RunToolAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.Output);
        var line = Assert.Single(run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(expected, line);
        Assert.Contains("--help' for the usage.", line);
    }

    /// <summary>The built tool as a process (its dll is copied beside the tests), with its exit code and both streams.</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunToolAsync(IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "exchange-benchmark.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var bound = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(bound.Token);
        return (process.ExitCode, await output, await errors);
    }
}

using System.Globalization;
using Exchange.Benchmark;

// exchange-benchmark: measures the node against a bare gRPC baseline (see docs/benchmarks.md).
if (args is ["assess", .. var assessArgs])
{
    // The risk engine alone, in process (AssessBenchmark.cs).
    return AssessBenchmark.RunFromCommandLine(assessArgs);
}
if (args is ["ingest", .. var ingestArgs])
{
    // The node's workflow and store in process, without gRPC (IngestBenchmark.cs).
    return await IngestBenchmark.RunFromCommandLineAsync(ingestArgs);
}
if (args is ["report", .. var reportArgs])
{
    // A performance report over a store of a million declarations (ReportBenchmark.cs).
    return await ReportBenchmark.RunFromCommandLineAsync(reportArgs);
}
if (args is ["serve-baseline", .. var serveArgs])
{
    var port = serveArgs is ["--port", var p, ..] ? int.Parse(p, CultureInfo.InvariantCulture) : 5090;
    int? parent = serveArgs is [_, _, "--parent-pid", var pid] ? int.Parse(pid, CultureInfo.InvariantCulture) : null;
    await BaselineServer.RunAsync(port, parent);
    return 0;
}
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}

BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the run (and its child servers) cleanly; a second one ends the tool at once.
    e.Cancel = !interrupted.IsCancellationRequested;
    interrupted.Cancel();
    Console.Error.WriteLine("Interrupted: stopping.");
};
try
{
    var report = await new BenchmarkRunner(options, Console.Error).RunAsync(interrupted.Token);
    Console.WriteLine();
    Console.WriteLine(report.ToTable());
    if (options.JsonPath is { } json)
    {
        await File.WriteAllTextAsync(json, report.ToJson());
        Console.WriteLine($"JSON report written to {Path.GetFullPath(json)}");
    }
    return 0;
}
catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
{
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or FileNotFoundException)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}
finally
{
    ChildProcess.KillAll();
}

using System.CommandLine;
using System.CommandLine.Help;
using Exchange.Benchmark;

// exchange-benchmark: measures the node against a bare gRPC baseline (see docs/benchmarks.md).
// The command line is BenchmarkCommandLine's tree; this file only says what each mode runs.
var commandLine = new BenchmarkCommandLine(new BenchmarkCommandLine.Modes(
    Measure: MeasureAsync,
    // The risk engine alone, in process (AssessBenchmark.cs).
    Assess: AssessBenchmark.RunAndPrint,
    // The node's workflow and store in process, without gRPC (IngestBenchmark.cs).
    Ingest: IngestBenchmark.RunAndPrintAsync,
    // A performance report over a store of a million declarations (ReportBenchmark.cs).
    Report: ReportBenchmark.RunAndPrintAsync,
    ServeBaseline: async (port, parent) =>
    {
        await BaselineServer.RunAsync(port, parent);
        return 0;
    }));

var parsed = commandLine.Root.Parse(args, BenchmarkCommandLine.Configuration);
var mode = parsed.CommandResult.Command == commandLine.Root ? "" : $" {parsed.CommandResult.Command.Name}";
if (parsed.Action is not HelpAction && parsed.Errors.Count > 0)
{
    return UsageError(parsed.Errors[0].Message);
}
try
{
    return await parsed.InvokeAsync(new InvocationConfiguration
    {
        // Wrong values surface as UsageException (below), not as a stack trace; Ctrl+C is handled by MeasureAsync.
        EnableDefaultExceptionHandler = false,
        ProcessTerminationTimeout = null,
    });
}
catch (UsageException e)
{
    return UsageError(e.Message);
}

// One line: what is wrong and where to read the usage, exit code 2.
int UsageError(string message)
{
    Console.Error.WriteLine($"{BenchmarkCommandLine.Name}{mode}: {message} Run '{BenchmarkCommandLine.Name}{mode} --help' for the usage.");
    return 2;
}

static async Task<int> MeasureAsync(BenchmarkOptions options, CancellationToken cancellationToken)
{
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
            await File.WriteAllTextAsync(json, report.ToJson(), cancellationToken);
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
}

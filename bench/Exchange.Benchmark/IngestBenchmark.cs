using System.Diagnostics;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Duties;
using Exchange.Core.Enforcement;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Storage.Postgres;
using Exchange.Storage.Sqlite;

namespace Exchange.Benchmark;

/// <summary>
/// <c>exchange-benchmark ingest</c>: what a node does for each declaration, without gRPC. The
/// node's own DeclarationWorkflow (validation, request hash, MRN, decision on arrival with the
/// risk engine, duty estimate, split-shipment look-up) writes the same requests as the load
/// generator through a real store, in batches as the bulk stream does, on one caller. Reports
/// declarations/s and the process's CPU per declaration, so the figures of the node over gRPC can
/// be split into the core's work, the store's and gRPC's. Runs the batches with the store first,
/// then with validation and assessment only (a store that records nothing), to separate the two.
/// </summary>
public static class IngestBenchmark
{
    public const string Usage = """
        usage: exchange-benchmark ingest [--count N] [--batch N] [--postgres CONNECTION]

          --count N          declarations per phase (default 100000, max 5000000)
          --batch N          declarations per SubmitMany batch, as BulkBatchSize (default 256)
          --postgres CONN    write to this PostgreSQL database (default: SQLite in a temporary directory, removed at the end)
        """;

    public static async Task<int> RunFromCommandLineAsync(IReadOnlyList<string> args)
    {
        var count = 100_000;
        var batch = 256;
        string? postgres = null;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--count" when i + 1 < args.Count:
                    count = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, 5_000_000);
                    break;
                case "--batch" when i + 1 < args.Count:
                    batch = Math.Clamp(int.Parse(args[++i], CultureInfo.InvariantCulture), 1, 10_000);
                    break;
                case "--postgres" when i + 1 < args.Count:
                    postgres = args[++i];
                    break;
                default:
                    Console.Error.WriteLine($"Unknown argument: {args[i]}");
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        var directory = postgres is null ? Directory.CreateTempSubdirectory("exchange-ingest-").FullName : null;
        try
        {
            IDeclarationStore store = postgres is null
                ? await SqliteDeclarationStore.OpenAsync(Path.Combine(directory!, "exchange.db"))
                : await PostgresDeclarationStore.OpenAsync(postgres);
            Console.Error.WriteLine($"Store: {(postgres is null ? "SQLite in " + directory : "PostgreSQL")}; {count:N0} declarations per phase in batches of {batch}.");
            var rows = new List<string>();
            foreach (var (phase, phaseStore) in new[] { ("core only", (IDeclarationStore)new RecordNothingStore(store)), ("core + store", store) })
            {
                // A warm-up of a tenth, so the JIT's tiers have settled before the timed part.
                await RunAsync(phaseStore, Math.Max(batch, count / 10), batch, null);
                var (elapsed, cpu) = await RunAsync(phaseStore, count, batch, Console.Error);
                var rate = count / elapsed.TotalSeconds;
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"{phase,-14} {count,10:N0} {rate,12:N0} {cpu.TotalMicroseconds / count,14:N1} {cpu / elapsed,9:0.00}"));
            }
            Console.WriteLine();
            Console.WriteLine($"{"phase",-14} {"count",10} {"decl./s",12} {"CPU µs/decl.",14} {"cores",9}");
            rows.ForEach(Console.WriteLine);
            await ((IAsyncDisposable)store).DisposeAsync();
            return 0;
        }
        finally
        {
            if (directory is not null)
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu)> RunAsync(IDeclarationStore store, int count, int batch, TextWriter? progress)
    {
        var clock = TimeProvider.System;
        var rates = ExchangeRatesLoader.Default;
        var signal = new InProcessEventSignal();
        var assessor = new Assessor(
            store, signal, clock, new RiskEngine(RuleSet.Default, rates), new DutyCalculator(TariffProfile.Default, rates),
            new KnownShipperRegistry((IRegistryStore)Unwrap(store), clock, "NL"), new AgencySubscriptions((IRegistryStore)Unwrap(store), clock),
            rates, new AssessmentOptions { Delay = TimeSpan.Zero });
        await using var workflow = new DeclarationWorkflow(
            store, signal, clock, new WorkflowOptions { AdministrationCountryCode = "NL" }, rates, assessor: assessor);
        var factory = new DeclarationFactory();
        var caller = new CallerIdentity(factory.FilerId);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var stopwatch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (var done = 0; done < count; done += batch)
        {
            var requests = Enumerable.Range(0, Math.Min(batch, count - done)).Select(_ => factory.NextUnary()).ToList();
            var results = await workflow.SubmitManyAsync(caller, requests, CancellationToken.None);
            if (results.FirstOrDefault(r => r.Refusal is not null) is { } refused)
            {
                throw new InvalidOperationException($"A benchmark declaration was refused: {refused.Refusal!.Message}");
            }
            if (progress is not null && stopwatch.Elapsed - lastReport >= TimeSpan.FromSeconds(1))
            {
                lastReport = stopwatch.Elapsed;
                progress.WriteLine($"  {done + requests.Count:N0} of {count:N0} ({(done + requests.Count) / stopwatch.Elapsed.TotalSeconds:N0}/s)");
            }
        }
        stopwatch.Stop();
        process.Refresh();
        return (stopwatch.Elapsed, process.TotalProcessorTime - cpuBefore);
    }

    private static IDeclarationStore Unwrap(IDeclarationStore store) => store is RecordNothingStore nothing ? nothing.Inner : store;
}

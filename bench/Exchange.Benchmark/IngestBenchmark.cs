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
using Exchange.Storage;
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
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary>The tool's entry for "ingest": runs, prints the table.</summary>
    public static async Task<int> RunAndPrintAsync(IngestSettings settings)
    {
        var (count, batch, postgres, json) = settings;

        var phases = await RunAsync(count, batch, postgres, Console.Error);
        Console.WriteLine();
        Console.WriteLine($"{"phase",-14} {"count",10} {"decl./s",12} {"CPU µs/decl.",14} {"cores",9} {"KB alloc./decl.",16} {"events stored",14}");
        foreach (var p in phases)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{p.Phase,-14} {p.Count,10:N0} {p.PerSecond,12:N0} {p.CpuMicrosecondsPerDeclaration,14:N1} {p.Cores,9:0.00} {p.AllocatedBytesPerDeclaration / 1024.0,16:N1} {p.EventsStored,14:N0}"));
        }
        if (json is not null)
        {
            var report = new { Time = DateTimeOffset.UtcNow, Machine = MachineInfo.Current(), Store = postgres is null ? "sqlite" : "postgres", Phases = phases };
            await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(report, Indented));
            Console.WriteLine($"JSON report written to {Path.GetFullPath(json)}");
        }
        return 0;
    }

    /// <summary>
    /// Runs both phases on a fresh store (SQLite in a temporary directory, removed at the end, or
    /// the PostgreSQL database given), each after a warm-up of a tenth of its count.
    /// </summary>
    public static async Task<IReadOnlyList<IngestPhase>> RunAsync(int count, int batch, string? postgres, TextWriter progress)
    {
        var directory = postgres is null ? Directory.CreateTempSubdirectory("exchange-ingest-").FullName : null;
        try
        {
            await using var stores = postgres is null
                ? await ExchangeStores.OpenAsync(new SqliteDatabase(Path.Combine(directory!, "exchange.db")))
                : await ExchangeStores.OpenAsync(new PostgresDatabase(postgres));
            var store = stores.Declarations;
            progress.WriteLine($"Store: {(postgres is null ? "SQLite in " + directory : "PostgreSQL")}; {count:N0} declarations per phase in batches of {batch}.");
            var phases = new List<IngestPhase>();
            foreach (var (phase, phaseStore) in new[] { ("core only", (IDeclarationStore)new RecordNothingStore(store)), ("core + store", store) })
            {
                // A warm-up of a tenth, so the JIT's tiers have settled before the timed part.
                await RunAsync(phaseStore, stores.Registries, Math.Max(batch, count / 10), batch, null);
                var (elapsed, cpu, allocated, filerId) = await RunAsync(phaseStore, stores.Registries, count, batch, progress);
                // Counted, not taken from the last position: on PostgreSQL that is (transaction, count), not a count.
                var events = (await store.ReadEventsAsync(filerId, EventPosition.Start, int.MaxValue, null, CancellationToken.None)).Count;
                phases.Add(new IngestPhase(phase, count, batch, count / elapsed.TotalSeconds, cpu.TotalMicroseconds / count, cpu / elapsed, events,
                    allocated / count));
            }
            return phases;
        }
        finally
        {
            if (directory is not null)
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    private static async Task<(TimeSpan Elapsed, TimeSpan Cpu, long Allocated, string FilerId)> RunAsync(
        IDeclarationStore store, IRegistryStore registry, int count, int batch, TextWriter? progress)
    {
        var clock = TimeProvider.System;
        var rates = ExchangeRatesLoader.Default;
        var signal = new InProcessEventSignal();
        var assessor = new Assessor(
            store, signal, clock, new RiskEngine(RuleSet.Default, rates), new DutyCalculator(TariffProfile.Default, rates),
            new KnownShipperRegistry(registry, clock, "NL"), new AgencySubscriptions(registry, clock),
            rates, new AssessmentOptions { Delay = TimeSpan.Zero });
        await using var workflow = new DeclarationWorkflow(
            store, signal, clock, new WorkflowOptions { AdministrationCountryCode = "NL" }, rates, assessor: assessor);
        var factory = new DeclarationFactory();
        var caller = new CallerIdentity(factory.FilerId);
        var process = Process.GetCurrentProcess();
        var cpuBefore = process.TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        for (var done = 0; done < count; done += batch)
        {
            var requests = Enumerable.Range(0, Math.Min(batch, count - done)).Select(_ => factory.NextUnary().Request).ToList();
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
        return (stopwatch.Elapsed, process.TotalProcessorTime - cpuBefore, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, factory.FilerId);
    }

    /// <summary>
    /// One phase: declarations per second over its wall time, the whole process's CPU per
    /// declaration, and the events the phase's filer has in the store afterwards (two per
    /// declaration recorded, accepted and decided; none when the phase records nothing), and the
    /// bytes the process allocated per declaration (all threads): unlike CPU time, a figure the
    /// other jobs on a loaded machine cannot move.
    /// </summary>
    public sealed record IngestPhase(
        string Phase, int Count, int Batch, double PerSecond, double CpuMicrosecondsPerDeclaration, double Cores, long EventsStored, long AllocatedBytesPerDeclaration);
}

using System.Diagnostics;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Exchange.Storage;
using Exchange.Storage.Postgres;
using Exchange.Storage.Sqlite;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Exchange.Benchmark;

/// <summary>
/// <c>exchange-benchmark report</c>: the cost of a performance report over a large store. Fills a
/// fresh store (SQLite in a temporary directory, or the PostgreSQL database given) with the
/// measures rows of N declarations over one month, with realistic distributions, straight into
/// the measures tables (the report reads nothing else), then times GetPerformanceReport (day
/// windows over the month, with its total and default targets) for each group_by.
/// </summary>
public static class ReportBenchmark
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static readonly DateTimeOffset Month = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The tool's entry for "report": runs, prints the table.</summary>
    public static async Task<int> RunAndPrintAsync(ReportSettings settings)
    {
        var (count, runs, postgres, json) = settings;

        var machine = MachineInfo.Current();
        Console.WriteLine($"Machine: {machine.Cores} cores, {machine.Cpu}, {machine.Os}, {machine.Runtime}");
        var directory = Path.Combine(Path.GetTempPath(), "exchange-report-benchmark-" + Guid.NewGuid().ToString("N"));
        IReportStore store;
        IAsyncDisposable disposable;
        var fill = Stopwatch.StartNew();
        if (postgres is null)
        {
            var path = Path.Combine(directory, "exchange.db");
            var sqlite = await ExchangeStores.OpenAsync(new SqliteDatabase(path));
            (store, disposable) = (sqlite.Reports, sqlite);
            await FillSqliteAsync(path, count);
            Console.WriteLine($"SQLite ({path}): {count:N0} declarations' measures written in {fill.Elapsed.TotalSeconds:0.0} s");
        }
        else
        {
            var pg = await ExchangeStores.OpenAsync(new PostgresDatabase(postgres));
            (store, disposable) = (pg.Reports, pg);
            await FillPostgresAsync(postgres, count);
            Console.WriteLine($"PostgreSQL: {count:N0} declarations' measures written in {fill.Elapsed.TotalSeconds:0.0} s");
        }

        try
        {
            var workflow = new ReportingWorkflow(store, new ReportingOptions { Targets = [.. ReportingOptions.DefaultTargets] },
                ExchangeRatesLoader.Default, TimeProvider.System);
            var request = new GetPerformanceReportRequest
            {
                Period = Period.Day,
                StartTime = Timestamp.FromDateTimeOffset(Month),
                EndTime = Timestamp.FromDateTimeOffset(Month.AddMonths(1)),
            };
            Console.WriteLine($"Report: day windows over {Month:yyyy-MM} (31 windows), with the total and {ReportingOptions.DefaultTargets.Count} targets; 1 warm-up + {runs} runs");
            Console.WriteLine($"{"group_by",-24} {"rows",6} {"median ms",10} {"min ms",8} {"max ms",8}");
            var results = new List<object>();
            foreach (var groupBy in new[] { GroupBy.Unspecified, GroupBy.Channel, GroupBy.OriginCountry, GroupBy.Filer })
            {
                request.GroupBy = groupBy;
                var report = await workflow.GetPerformanceReportAsync(new OfficerIdentity("benchmark"), request, CancellationToken.None);
                var times = new List<double>();
                for (var run = 0; run < runs; run++)
                {
                    var watch = Stopwatch.StartNew();
                    report = await workflow.GetPerformanceReportAsync(new OfficerIdentity("benchmark"), request, CancellationToken.None);
                    times.Add(watch.Elapsed.TotalMilliseconds);
                }
                times.Sort();
                Console.WriteLine($"{groupBy,-24} {report.Rows.Count,6} {times[times.Count / 2],10:0} {times[0],8:0} {times[^1],8:0}");
                results.Add(new { GroupBy = groupBy.ToString(), Rows = report.Rows.Count, MedianMs = times[times.Count / 2], MinMs = times[0], MaxMs = times[^1] });
                if (groupBy == GroupBy.Unspecified)
                {
                    var t = report.Total;
                    Console.WriteLine($"  total: {t.DeclarationsReceived:N0} received, {t.DeclarationsDecided:N0} decided, release {t.ReleaseRate:P1}, "
                        + $"hold {t.HoldRate:P1}, reject {t.RejectRate:P1}, decision p50 {t.DecisionTimeMedianSeconds:0.0} s / p90 {t.DecisionTimeP90Seconds:0.0} s, "
                        + $"{t.ReferralsAnswered:N0} referrals answered (median {t.ReferralResponseTimeMedianSeconds:0} s)");
                }
            }
            if (json is not null)
            {
                await File.WriteAllTextAsync(json, System.Text.Json.JsonSerializer.Serialize(new
                {
                    Time = DateTimeOffset.UtcNow, Machine = machine, Store = postgres is null ? "sqlite" : "postgres", Declarations = count, Runs = runs, Results = results,
                }, Indented));
            }
        }
        finally
        {
            await disposable.DisposeAsync();
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        return 0;
    }

    /// <summary>One declaration's generated measures and, for an answered referral, its response time.</summary>
    private sealed record Generated(string FilerId, string DeclarationId, DeclarationMeasures Row, long? ReferralResponseMicros);

    private static readonly string[] Origins = ["CN", "CN", "CN", "CN", "CN", "CN", "US", "GB", "TR", "HK", "KR", "JP", "IN", "VN", "DE"];

    /// <summary>
    /// A month of declarations: busier in the daytime; 60% postal, 35% express, 5% cargo; mostly
    /// from China; 500 filers, a few large; 98% assessed (7% with a data-quality finding); 97%
    /// decided, first RELEASE 92%, HOLD 6%, REJECT 2%, in about 2 s (log-normal, long tail); holds
    /// with a referral answered within hours, most released after review; 3% amended; 1% agency holds.
    /// </summary>
    private static IEnumerable<Generated> Generate(int count)
    {
        var random = new Random(20261001);
        var monthMicros = (long)(Month.AddMonths(1) - Month).TotalMicroseconds;
        var start = DeclarationIndex.CeilingUnixMicroseconds(Month);
        for (var i = 0; i < count; i++)
        {
            long offset;
            do
            {
                offset = (long)(random.NextDouble() * monthMicros);
            }
            while (random.NextDouble() > 0.4 + (0.6 * Math.Sin(Math.PI * (offset % 86_400_000_000L) / 86_400_000_000.0)));
            var createTime = start + offset;
            var channel = random.NextDouble() switch { < 0.60 => "POSTAL", < 0.95 => "EXPRESS", _ => "CARGO" };
            var filer = "filer-" + ((int)(500 * Math.Pow(random.NextDouble(), 3))).ToString("000", CultureInfo.InvariantCulture);
            bool? complete = random.NextDouble() < 0.98 ? random.NextDouble() >= 0.07 : null;
            long? decided = null;
            DecisionOutcome first = DecisionOutcome.Unspecified, latest = DecisionOutcome.Unspecified;
            var referrals = 0;
            long? answer = null;
            if (complete is not null && random.NextDouble() < 0.97)
            {
                decided = createTime + (long)(2_000_000 * Math.Exp(0.8 * Normal(random)));
                var roll = random.NextDouble();
                first = roll < 0.92 ? DecisionOutcome.Release : roll < 0.98 ? DecisionOutcome.Hold : DecisionOutcome.Reject;
                latest = first;
                if (first == DecisionOutcome.Hold)
                {
                    referrals = random.NextDouble() < 0.8 ? 1 : 0;
                    if (referrals == 1 && random.NextDouble() < 0.75)
                    {
                        answer = (long)(3_600_000_000 * Math.Exp(Normal(random)));
                    }
                    latest = random.NextDouble() switch { < 0.7 => DecisionOutcome.Release, < 0.8 => DecisionOutcome.Seize, _ => DecisionOutcome.Hold };
                }
            }
            var euro = random.NextDouble() < 0.8;
            var row = new DeclarationMeasures(
                filer, createTime, channel, Origins[random.Next(Origins.Length)], complete, decided, first, latest,
                Amended: random.NextDouble() < 0.03, referrals, AgencyHold: random.NextDouble() < 0.01,
                DutyMicros: decided is null ? 0 : random.Next(0, 3) * 3_000_000, DutyCurrency: decided is null ? "" : euro ? "EUR" : "USD",
                TaxMicros: decided is null ? 0 : random.Next(0, 20_000_000), TaxCurrency: decided is null ? "" : euro ? "EUR" : "USD");
            yield return new Generated(filer, i.ToString("x8", CultureInfo.InvariantCulture), row, answer);
        }
    }

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static async Task FillSqliteAsync(string path, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO declaration_measures VALUES (
                $f, $d, $ct, $ch, $o, $c, $fd, $fo, $lo, $a, $r, $h, $dm, $dc, $tm, $tc)
            """;
        var names = new[] { "$f", "$d", "$ct", "$ch", "$o", "$c", "$fd", "$fo", "$lo", "$a", "$r", "$h", "$dm", "$dc", "$tm", "$tc" };
        var parameters = names.Select(n => insert.Parameters.Add(n, SqliteType.Integer)).ToArray();
        await using var answer = connection.CreateCommand();
        answer.Transaction = transaction;
        answer.CommandText = "INSERT INTO declaration_referral_answers VALUES ($f, $d, 'r1', $v)";
        var af = answer.Parameters.Add("$f", SqliteType.Text);
        var ad = answer.Parameters.Add("$d", SqliteType.Text);
        var av = answer.Parameters.Add("$v", SqliteType.Integer);
        insert.Prepare();
        answer.Prepare();
        foreach (var g in Generate(count))
        {
            var r = g.Row;
            object?[] values =
            [
                g.FilerId, g.DeclarationId, r.CreateTime, r.Channel, r.OriginCountry, r.CompleteData is { } c ? (c ? 1 : 0) : null,
                r.FirstDecisionTime, (int)r.FirstOutcome, (int)r.LatestOutcome, r.Amended ? 1 : 0, r.ReferralCount, r.AgencyHold ? 1 : 0,
                r.DutyMicros, r.DutyCurrency, r.TaxMicros, r.TaxCurrency,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }
            await insert.ExecuteNonQueryAsync();
            if (g.ReferralResponseMicros is { } micros)
            {
                (af.Value, ad.Value, av.Value) = (g.FilerId, g.DeclarationId, micros);
                await answer.ExecuteNonQueryAsync();
            }
        }
        await transaction.CommitAsync();
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE";
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task FillPostgresAsync(string connectionString, int count)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using (var truncate = dataSource.CreateCommand("TRUNCATE declaration_measures, declaration_referral_answers"))
        {
            await truncate.ExecuteNonQueryAsync();
        }
        var answers = new List<(string, string, long)>();
        await using (var connection = await dataSource.OpenConnectionAsync())
        {
            await using (var import = await connection.BeginBinaryImportAsync("COPY declaration_measures FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var g in Generate(count))
                {
                    var r = g.Row;
                    await import.StartRowAsync();
                    await import.WriteAsync(g.FilerId);
                    await import.WriteAsync(g.DeclarationId);
                    await import.WriteAsync(r.CreateTime);
                    await import.WriteAsync(r.Channel);
                    await import.WriteAsync(r.OriginCountry);
                    if (r.CompleteData is { } complete) { await import.WriteAsync(complete); } else { await import.WriteNullAsync(); }
                    if (r.FirstDecisionTime is { } decided) { await import.WriteAsync(decided); } else { await import.WriteNullAsync(); }
                    await import.WriteAsync((short)r.FirstOutcome);
                    await import.WriteAsync((short)r.LatestOutcome);
                    await import.WriteAsync(r.Amended);
                    await import.WriteAsync(r.ReferralCount);
                    await import.WriteAsync(r.AgencyHold);
                    await import.WriteAsync(r.DutyMicros);
                    await import.WriteAsync(r.DutyCurrency);
                    await import.WriteAsync(r.TaxMicros);
                    await import.WriteAsync(r.TaxCurrency);
                    if (g.ReferralResponseMicros is { } micros)
                    {
                        answers.Add((g.FilerId, g.DeclarationId, micros));
                    }
                }
                await import.CompleteAsync();
            }
            await using (var import = await connection.BeginBinaryImportAsync("COPY declaration_referral_answers FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var (filer, id, micros) in answers)
                {
                    await import.StartRowAsync();
                    await import.WriteAsync(filer);
                    await import.WriteAsync(id);
                    await import.WriteAsync("r1");
                    await import.WriteAsync(micros);
                }
                await import.CompleteAsync();
            }
        }
        await using var analyze = dataSource.CreateCommand("ANALYZE declaration_measures; ANALYZE declaration_referral_answers");
        await analyze.ExecuteNonQueryAsync();
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Risk;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf;

namespace Exchange.Benchmark;

/// <summary>
/// <c>exchange-benchmark assess</c>: the cost of the risk engine alone, in process, with no gRPC
/// and no store. RiskEngine.Assess runs under the built-in rule set over a realistic mix: the
/// contract's valid samples (most consignments are clean) and variants that hit every kind of
/// rule, with a context that now and then brings a split-shipment history or a known-shipper
/// enrolment. Measured on one thread, then on one thread per core.
/// </summary>
public static class AssessBenchmark
{
    // One call in this many is timed on its own: timing every call would add two clock reads to
    // an operation of about a microsecond, and bias the throughput it is measured with.
    private const int TimedEvery = 8;

    /// <summary>The tool's entry for "assess": runs, prints the table.</summary>
    public static int RunAndPrint(AssessOptions options)
    {
        var report = Run(options, Console.Error);
        Console.WriteLine();
        Console.WriteLine(report.ToTable());
        if (options.JsonPath is { } json)
        {
            File.WriteAllText(json, report.ToJson());
            Console.WriteLine($"JSON report written to {Path.GetFullPath(json)}");
        }
        return 0;
    }

    public static AssessReport Run(AssessOptions options, TextWriter log)
    {
        var engine = new RiskEngine(RuleSet.Default, Rates);
        var mix = AssessmentMix.Build();
        var outcomes = mix.Select(m => engine.Assess(m.Declaration, m.Context).RecommendedOutcome.ToString().ToUpperInvariant())
            .GroupBy(o => o).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());
        log.WriteLine($"Risk engine: rule set {engine.RuleSetVersion}, {mix.Count} declarations in the mix ({string.Join(", ", outcomes.Select(o => $"{o.Value} {o.Key}"))}).");

        if (options.Warmup > TimeSpan.Zero)
        {
            log.WriteLine($"Warm-up: {options.Warmup.TotalSeconds:0.#} s");
            Measure("warm-up", engine, mix, 1, options.Warmup);
        }
        var phases = new List<AssessPhase>();
        foreach (var (name, threads) in (ReadOnlySpan<(string, int)>)[("single-thread", 1), ("all-cores", Environment.ProcessorCount)])
        {
            log.WriteLine($"{name}: {threads} thread{(threads == 1 ? "" : "s")}, {options.Duration.TotalSeconds:0.#} s");
            phases.Add(Measure(name, engine, mix, threads, options.Duration));
        }
        return new AssessReport(DateTimeOffset.UtcNow, MachineInfo.Current(), engine.RuleSetVersion, mix.Count, outcomes, phases);
    }

    /// <summary>EUR-based rates of the kind an administration configures (ECB reference rates style).</summary>
    private static readonly ExchangeRates Rates = new("EUR",
        new Dictionary<string, decimal> { ["USD"] = 1.0850m, ["CNY"] = 7.8420m, ["GBP"] = 0.8450m }, new DateOnly(2026, 7, 1));

    private static AssessPhase Measure(string name, RiskEngine engine, IReadOnlyList<MixEntry> mix, int threads, TimeSpan duration)
    {
        var counts = new long[threads];
        var allocated = new long[threads];
        var samples = new List<long>[threads];
        using var start = new Barrier(threads + 1);
        var stop = 0;
        var workers = new Thread[threads];
        for (var t = 0; t < threads; t++)
        {
            var index = t;
            samples[index] = new List<long>(1 << 16);
            workers[t] = new Thread(() =>
            {
                var ticks = samples[index];
                var next = index * 7 % mix.Count; // threads start at different declarations
                long count = 0;
                start.SignalAndWait();
                var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
                while (Volatile.Read(ref stop) == 0)
                {
                    for (var i = 0; i < TimedEvery - 1; i++)
                    {
                        var entry = mix[next];
                        engine.Assess(entry.Declaration, entry.Context);
                        next = next + 1 == mix.Count ? 0 : next + 1;
                    }
                    var timed = mix[next];
                    var before = Stopwatch.GetTimestamp();
                    engine.Assess(timed.Declaration, timed.Context);
                    ticks.Add(Stopwatch.GetTimestamp() - before);
                    next = next + 1 == mix.Count ? 0 : next + 1;
                    count += TimedEvery;
                }
                counts[index] = count;
                // Includes the latency samples' list growing: a few bytes per timed call at most.
                allocated[index] = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            }) { IsBackground = true, Name = $"assess-{name}-{t}" };
            workers[t].Start();
        }

        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(duration);
        Volatile.Write(ref stop, 1);
        foreach (var worker in workers)
        {
            worker.Join();
        }
        clock.Stop();

        var total = counts.Sum();
        var seconds = clock.Elapsed.TotalSeconds;
        var all = samples.SelectMany(s => s).ToArray();
        return new AssessPhase(name, threads, total, seconds, total / seconds, total / seconds / threads,
            (double)allocated.Sum() / Math.Max(1, total), LatencyMicros.FromTicks(all));
    }

    /// <summary>One declaration of the mix with the context it is assessed in.</summary>
    public sealed record MixEntry(string Label, Declaration Declaration, RiskContext Context);

    /// <summary>The declarations assessed, built once from the contract's samples.</summary>
    public static class AssessmentMix
    {
        private static readonly DateTimeOffset Now = new(2026, 7, 1, 12, 0, 0, TimeSpan.Zero);
        private static readonly RiskContext Quiet = new(Now, null, new ConsigneeActivity(1, 4_748));
        private static readonly RiskContext SplitHistory = new(Now, null, new ConsigneeActivity(4, 18_992));
        private static readonly RiskContext Trusted = new(Now, "programmes/eu-known-shipper/enrolments/bench-0001", new ConsigneeActivity(1, 4_748));

        public static IReadOnlyList<MixEntry> Build()
        {
            var gift = Sample("postal-cn22-gift.json");
            var sale = Sample("sample-declaration.json");
            var mix = new List<MixEntry> { new("postal gift sample", gift, Quiet), new("express sale sample", sale, Quiet) };

            // The valid lines of the bulk sample: clean gifts and sales to many consignees.
            var line = 0;
            foreach (var json in Resource("bulk-mixed.jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                line++;
                var declaration = JsonParser.Default.Parse<Declaration>(json);
                if (DeclarationValidator.Validate(declaration).Count == 0)
                {
                    // Every fifth line with a consignee history, every seventh from a known shipper.
                    var context = line % 5 == 0 ? SplitHistory : line % 7 == 0 ? Trusted : Quiet;
                    mix.Add(new MixEntry($"bulk line {line}", declaration, context));
                }
            }

            // Consignments that hit each kind of rule.
            mix.Add(new("undervalued smartphone", Edit(gift, d =>
            {
                d.Items[0].Description = "Smartphone 6.5 inch, 128 GB";
                d.Items[0].HsCode = "851713";
            }), Quiet));
            mix.Add(new("fireworks", Edit(gift, d => d.Items[0].HsCode = "360410"), Quiet));
            mix.Add(new("military weapon", Edit(gift, d => d.Items[0].HsCode = "930190"), Quiet));
            mix.Add(new("vague description", Edit(gift, d => d.Items[0].Description = "Gifts and accessories"), Quiet));
            mix.Add(new("watch-listed marketplace seller", Edit(sale, d => d.Marketplace.SellerId = "SELLER-EXAMPLE-0000"), Quiet));
            mix.Add(new("routed via a country of concern", Edit(sale, d => d.Transport.RoutingCountryCodes.Insert(1, "IR")), SplitHistory));
            mix.Add(new("known shipper's sale", sale, Trusted));
            mix.Add(new("ten-item sale", Edit(sale, d =>
            {
                // Eight more phone cases (EUR 7.50, 0.05 kg each), with totals that still add up.
                for (var i = 0; i < 8; i++)
                {
                    d.Items.Add(d.Items[1].Clone());
                }
                d.Totals.InvoiceTotal = new Google.Type.Money { CurrencyCode = "EUR", Units = 107, Nanos = 480_000_000 };
                d.Totals.GrossWeightKg = new Google.Type.Decimal { Value = "0.8" };
            }), Quiet));
            return mix;
        }

        private static Declaration Edit(Declaration template, Action<Declaration> edit)
        {
            var declaration = template.Clone();
            edit(declaration);
            return declaration;
        }

        private static Declaration Sample(string resource) => JsonParser.Default.Parse<Declaration>(Resource(resource));

        private static string Resource(string name)
        {
            using var stream = typeof(AssessBenchmark).Assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }
}

/// <summary>Options of <c>exchange-benchmark assess</c>.</summary>
public sealed record AssessOptions(TimeSpan Duration, TimeSpan Warmup, string? JsonPath)
{
    /// <summary>Reads the options of <c>assess</c> (<see cref="BenchmarkCommandLine"/>); a wrong one is a UsageException.</summary>
    public static AssessOptions Parse(IReadOnlyList<string> args)
    {
        var commandLine = new BenchmarkCommandLine();
        return commandLine.ReadAssess(commandLine.Parse(["assess", .. args]));
    }
}

/// <summary>Latency of single assessments, in microseconds (one call in eight is timed).</summary>
public sealed record LatencyMicros(double P50, double P90, double P99, double P999, double Max, double Mean, long Samples)
{
    /// <summary>Summarises Stopwatch ticks; sorts <paramref name="ticks"/> in place.</summary>
    public static LatencyMicros FromTicks(long[] ticks)
    {
        if (ticks.Length == 0)
        {
            return new LatencyMicros(0, 0, 0, 0, 0, 0, 0);
        }
        Array.Sort(ticks);
        double Us(double t) => t * 1_000_000.0 / Stopwatch.Frequency;
        return new LatencyMicros(
            Us(Percentiles.Of(ticks, 50)), Us(Percentiles.Of(ticks, 90)), Us(Percentiles.Of(ticks, 99)), Us(Percentiles.Of(ticks, 99.9)),
            Us(ticks[^1]), Us(ticks.Average()), ticks.Length);
    }
}

/// <summary>One measured phase of the assess benchmark.</summary>
public sealed record AssessPhase(
    string Name, int Threads, long Assessments, double Seconds, double PerSecond, double PerSecondPerThread, double AllocatedBytesPerAssessment, LatencyMicros LatencyUs);

/// <summary>The assess benchmark's result: the mix, the machine, and each phase.</summary>
public sealed record AssessReport(
    DateTimeOffset Time, MachineInfo Machine, string RuleSetVersion, int MixSize, IReadOnlyDictionary<string, int> OutcomesInMix, IReadOnlyList<AssessPhase> Phases)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string ToTable()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"Machine: {Machine.Cores} cores, {Machine.Cpu}, {Machine.Runtime}, load average at the end {Machine.LoadAverage}");
        text.AppendLine(c, $"RiskEngine.Assess, rule set {RuleSetVersion}, mix of {MixSize} declarations ({string.Join(", ", OutcomesInMix.Select(o => $"{o.Value} {o.Key}"))})");
        text.AppendLine();
        text.AppendLine(c, $"{"phase",-15}{"threads",8}{"assessments",13}{"per s",12}{"per s/thread",14}{"p50 us",9}{"p90 us",9}{"p99 us",9}{"p99.9 us",10}{"max us",10}{"B/assess",10}");
        foreach (var p in Phases)
        {
            var l = p.LatencyUs;
            text.AppendLine(c, $"{p.Name,-15}{p.Threads,8}{p.Assessments,13}{p.PerSecond,12:F0}{p.PerSecondPerThread,14:F0}{l.P50,9:F2}{l.P90,9:F2}{l.P99,9:F2}{l.P999,10:F1}{l.Max,10:F0}{p.AllocatedBytesPerAssessment,10:F0}");
        }
        return text.ToString();
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Google.Protobuf.WellKnownTypes;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// Two identical requests (same request_id) racing: both find no earlier answer, both decide, and
/// both reach the store; the store writes one and answers the other as a replay
/// (<see cref="WriteOutcomeKind.Replayed"/>). Both callers get the same answer, and the counters
/// count the one write, alike on every store.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    [SkippableFact]
    public async Task TwoRacingRetriesOfADecisionAndOfADispositionAreEachCountedOnce()
    {
        var store = await OpenFreshStoreAsync();
        var forDecision = await HeldAfterArrivalAsync(store, "race-1");
        var forDisposition = await HeldAfterArrivalAsync(store, "race-2");
        using var meters = new TestMeterFactory();
        using var metrics = new ExchangeMetrics(meters);
        using var counted = new CounterTotals(meters);
        var officer = new OfficerIdentity("o-1");

        var decide = new DecideDeclarationRequest
        {
            Name = forDecision.Name, Outcome = DecisionOutcome.Seize, Reason = "Counterfeit.", Etag = forDecision.Etag, RequestId = Guid.NewGuid().ToString(),
        };
        var decisions = new EnforcementWorkflow(new RacingStore(store, racers: 2), new InProcessEventSignal(), TimeProvider.System, metrics);
        var decided = await Task.WhenAll(decisions.DecideAsync(officer, decide, CancellationToken.None), decisions.DecideAsync(officer, decide, CancellationToken.None));

        var dispose = new RecordDispositionRequest
        {
            Name = forDisposition.Name, Type = DispositionType.Seized, Reason = "Counterfeit.", Etag = forDisposition.Etag, RequestId = Guid.NewGuid().ToString(),
            LegalBasis = new LegalBasis { Code = "ART-198", Citation = "Article 198" },
        };
        var dispositions = new EnforcementWorkflow(new RacingStore(store, racers: 2), new InProcessEventSignal(), TimeProvider.System, metrics);
        var disposed = await Task.WhenAll(
            dispositions.RecordDispositionAsync(officer, dispose, CancellationToken.None), dispositions.RecordDispositionAsync(officer, dispose, CancellationToken.None));

        Assert.Equal(decided[0], decided[1]);
        Assert.Equal(DeclarationStatus.Seized, decided[0].Status);
        Assert.Equal(disposed[0], disposed[1]);
        Assert.Equal(DispositionType.Seized, disposed[0].Disposition.Type);
        Assert.Equal(1, counted.Total("exchange.decisions"));
        Assert.Equal(1, counted.Total("exchange.dispositions"));
    }

    /// <summary>A declaration the risk engine held whose goods have arrived: what an officer decides on or disposes of.</summary>
    private static async Task<Declaration> HeldAfterArrivalAsync(IDeclarationStore store, string id)
    {
        var submitted = Insert("filer-race", id);
        Assert.Equal(WriteOutcomeKind.Written, (await store.InsertAsync(submitted, CancellationToken.None)).Kind);
        var held = Update(submitted.Declaration, d =>
        {
            d.Status = DeclarationStatus.Held;
            d.Decision = new Decision { Outcome = DecisionOutcome.Hold, Reason = "held", DecidedBy = "risk-engine", DecideTime = d.CreateTime };
            d.Clearance = new Clearance
            {
                State = ClearanceState.Arrived, ArriveTime = Timestamp.FromDateTimeOffset(BaseTime.AddMinutes(5)), ArrivalOffice = "NL000396",
            };
        });
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(held, CancellationToken.None)).Kind);
        return held.Declaration;
    }

    /// <summary>
    /// Lets the first <paramref name="racers"/> updates reach the store only once all of them have
    /// come (each read and decided on the same revision): the race of identical requests, made certain.
    /// </summary>
    private sealed class RacingStore(IDeclarationStore inner, int racers) : DelegatingDeclarationStore(inner)
    {
        private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public override async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == racers)
            {
                _allArrived.SetResult();
            }
            await _allArrived.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken); // a guard against a hang, not a measurement
            return await base.UpdateAsync(write, cancellationToken);
        }
    }

    /// <summary>The meters one <see cref="ExchangeMetrics"/> creates, so a listener hears that instance alone (tests run in parallel).</summary>
    private sealed class TestMeterFactory : IMeterFactory
    {
        public ConcurrentBag<Meter> Created { get; } = [];

        public Meter Create(MeterOptions options)
        {
            var meter = new Meter(options);
            Created.Add(meter);
            return meter;
        }

        public void Dispose()
        {
            foreach (var meter in Created)
            {
                meter.Dispose();
            }
        }
    }

    /// <summary>The sum of every long counter of the factory's meters, by instrument name.</summary>
    private sealed class CounterTotals : IDisposable
    {
        private readonly ConcurrentDictionary<string, long> _totals = new(StringComparer.Ordinal);
        private readonly MeterListener _listener = new();

        public CounterTotals(TestMeterFactory meters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (meters.Created.Contains(instrument.Meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => _totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
            _listener.Start();
        }

        public long Total(string instrument) => _totals.GetValueOrDefault(instrument);

        public void Dispose() => _listener.Dispose();
    }
}

using System.Diagnostics.Metrics;
using Exchange.Core.Audit;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;

namespace Exchange.Core.Tests.Audit;

public sealed class AuditMetricsTests
{
    [Fact]
    public async Task The_meter_reads_what_the_trail_holds_and_has_dropped()
    {
        var store = new InMemoryAuditStore();
        store.Hold();
        using var metrics = new ExchangeMetrics();
        var trail = new AuditTrail(store, new AuditTrailSettings { BatchSize = 2, MaxQueuedEntries = 2, FlushInterval = TimeSpan.Zero }, TimeProvider.System);
        metrics.ObserveAuditTrail(trail);
        var seen = new Dictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name.StartsWith("exchange.audit.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => seen[instrument.Name] = value);
        listener.Start();

        for (var i = 0; i < 5; i++)
        {
            trail.Record(new AuditEntry(DateTimeOffset.UnixEpoch, "filers/a", "/m", $"r{i}", "OK", ""));
        }
        listener.RecordObservableInstruments();

        Assert.Equal(2, seen["exchange.audit.entries.queued"]);
        Assert.Equal(3, seen["exchange.audit.entries.dropped"]);
        store.Release();
        await trail.DisposeAsync();
    }
}

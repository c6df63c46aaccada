using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;

namespace Exchange.Server.Hosting;

/// <summary>
/// Metrics of the customs-to-customs exchange, on the node's "Exchange" meter: messages
/// acknowledged by partners, failed delivery attempts, and each partner's outbox backlog as of
/// the delivery loop's latest look (so a scrape never queries the store).
/// </summary>
public sealed class PartnerMetrics
{
    private readonly Counter<long> _acknowledged;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<string, OutboxBacklogRow> _backlogs = new(StringComparer.Ordinal);

    public PartnerMetrics(IMeterFactory meterFactory, TimeProvider clock)
    {
        var meter = meterFactory.Create(new MeterOptions(ExchangeMetrics.MeterName) { Version = ExchangeActivities.Version });
        _acknowledged = meter.CreateCounter<long>(
            "exchange.partner.messages", "{message}",
            "Outbox messages acknowledged by partner administrations, by partner and outcome (applied, duplicate, rejected).");
        _failures = meter.CreateCounter<long>(
            "exchange.partner.delivery.failures", "{attempt}",
            "Failed delivery attempts (partner unreachable, timeout, refused call), by partner; each is retried with backoff.");
        meter.CreateObservableGauge(
            "exchange.partner.outbox.pending", () => _backlogs.Select(b => new Measurement<long>(b.Value.Pending, new KeyValuePair<string, object?>("partner", b.Key))),
            "{message}", "Messages waiting in the outbox to each partner.");
        meter.CreateObservableGauge(
            "exchange.partner.outbox.oldest_age",
            () => _backlogs.Select(b => new Measurement<double>(
                b.Value.OldestPendingCreateTime is { } oldest ? Math.Max(0, (clock.GetUtcNow() - oldest).TotalSeconds) : 0,
                new KeyValuePair<string, object?>("partner", b.Key))),
            "s", "Age of the oldest message waiting in the outbox to each partner (0: none).");
    }

    public void Acknowledged(string partner, DeliveryOutcome outcome) =>
        _acknowledged.Add(1, new("partner", partner), new("outcome", Labels.Of(outcome)));

    public void DeliveryFailed(string partner) => _failures.Add(1, new KeyValuePair<string, object?>("partner", partner));

    public void SawBacklog(string partner, OutboxBacklogRow backlog) => _backlogs[partner] = backlog;
}

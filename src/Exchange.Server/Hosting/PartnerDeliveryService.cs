using Exchange.Core.Audit;
using Exchange.Core.Events;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Server.Grpc;
using Grpc.Core;

namespace Exchange.Server.Hosting;

/// <summary>
/// Runs the outbox delivery of each partner this node sends to, one loop per partner so a partner
/// that is down never delays another. A loop wakes when a write on this node filled the outbox,
/// and polls anyway (writes of other nodes sharing the store, backoff expiry). Each round is a
/// trace span, so the partner call (and, through trace context propagation, the partner node's
/// handling of it) hangs under it.
/// </summary>
public sealed class PartnerDeliveryService(
    PartnerAgreements agreements,
    PartnerDelivery delivery,
    IOutboxStore outbox,
    PartnerMetrics metrics,
    AuditTrail audit,
    [FromKeyedServices(PartnerRegistration.OutboxPulse)] WorkPulse pulse,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<ExchangeOptions> options,
    ILogger<PartnerDeliveryService> logger) : BackgroundService
{
    public const string DeliveryRoundName = "exchange.partner.delivery";

    /// <summary>The audit log's actor and action for a message a partner acknowledged: the node itself shared it.</summary>
    public const string AuditActor = "node";
    public const string ShareAction = "exchange.partner.share";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        delivery.Failed += (partner, head, error) =>
        {
            metrics.DeliveryFailed(partner.Code);
            logger.LogWarning("Partner {Partner}: delivery failed ({Error}); message {MessageId} attempt {Attempt}; retrying with backoff",
                partner.Name, error.Message, head.Entry.MessageId, head.Attempts + 1);
        };
        delivery.Acknowledged += (partner, record, answer) =>
        {
            metrics.Acknowledged(partner.Code, answer.Outcome);
            var outcome = answer.Outcome == Contracts.Partner.V1.DeliveryOutcome.Rejected
                ? (StatusCode)(answer.Rejection?.Code ?? (int)StatusCode.Unknown)
                : StatusCode.OK;
            audit.Record(AuditActor, ShareAction, record.Entry.DeclarationName, AuditInterceptor.NameOf(outcome),
                $"{partner.Name} {Labels.Of(answer.Outcome)} {Labels.Of(record.Entry.Kind)} message {record.Entry.MessageId}");
            if (answer.Outcome == Contracts.Partner.V1.DeliveryOutcome.Rejected)
            {
                logger.LogWarning("Partner {Partner} rejected message {MessageId} about {Declaration}: {Reason}",
                    partner.Name, record.Entry.MessageId, record.Entry.DeclarationName, answer.Rejection?.Message);
            }
        };
        return Task.WhenAll(agreements.All.Where(a => a.Send.Count > 0).Select(a => RunAsync(a, stoppingToken)));
    }

    private async Task RunAsync(PartnerAgreement partner, CancellationToken stoppingToken)
    {
        var poll = options.Value.PartnerExchange.PollInterval;
        var backlogSeen = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = pulse.NextAsync();
            var wait = poll;
            try
            {
                DeliveryRound round;
                using (var span = ExchangeActivities.Source.StartActivity(DeliveryRoundName))
                {
                    span?.SetTag("exchange.partner", partner.Name);
                    round = await delivery.DeliverDueAsync(partner, stoppingToken);
                    span?.SetTag("exchange.partner.acknowledged", round.Acknowledged);
                }
                if (clock.GetUtcNow() - backlogSeen >= poll) // a count query: at most once per poll interval
                {
                    metrics.SawBacklog(partner.Code, await outbox.GetBacklogAsync(partner.Code, stoppingToken));
                    backlogSeen = clock.GetUtcNow();
                }
                if (round.More)
                {
                    continue;
                }
                if (round.RetryAt is { } retryAt)
                {
                    wait = TimeSpan.FromTicks(Math.Clamp((retryAt - clock.GetUtcNow()).Ticks, 0, poll.Ticks));
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The store is down or the like: the outbox is durable, so try again after a pause.
                logger.LogError(error, "Partner {Partner}: delivery round failed", partner.Name);
            }
            try
            {
                await Task.WhenAny(wake, Task.Delay(wait, clock, stoppingToken));
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}

using Exchange.Core.Events;
using Exchange.Core.Partners;

namespace Exchange.Server.Hosting;

/// <summary>
/// Runs the outbox delivery of each partner this node sends to, one loop per partner so a partner
/// that is down never delays another. A loop wakes when a write on this node filled the outbox,
/// and polls anyway (writes of other nodes sharing the store, backoff expiry).
/// </summary>
public sealed class PartnerDeliveryService(
    PartnerAgreements agreements,
    PartnerDelivery delivery,
    [FromKeyedServices(PartnerRegistration.OutboxPulse)] WorkPulse pulse,
    TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<ExchangeOptions> options,
    ILogger<PartnerDeliveryService> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(agreements.All.Where(a => a.Send.Count > 0).Select(a => RunAsync(a, stoppingToken)));

    private async Task RunAsync(PartnerAgreement partner, CancellationToken stoppingToken)
    {
        var poll = options.Value.PartnerExchange.PollInterval;
        delivery.Failed += (failedPartner, head, error) =>
        {
            if (failedPartner == partner)
            {
                logger.LogWarning("Partner {Partner}: delivery failed ({Error}); message {MessageId} attempt {Attempt}; retrying with backoff",
                    partner.Name, error.Message, head.Entry.MessageId, head.Attempts + 1);
            }
        };
        while (!stoppingToken.IsCancellationRequested)
        {
            var wake = pulse.NextAsync();
            var wait = poll;
            try
            {
                var round = await delivery.DeliverDueAsync(partner, stoppingToken);
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

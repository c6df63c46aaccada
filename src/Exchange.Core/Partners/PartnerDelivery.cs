using Exchange.Contracts.Partner.V1;
using Exchange.Core.Storage;
using Google.Protobuf;

namespace Exchange.Core.Partners;

/// <summary>How this node reaches a partner node (gRPC with mutual TLS in the host; a fake in tests).</summary>
public interface IPartnerChannel
{
    /// <summary>
    /// Delivers the messages, in order, and returns the partner's acknowledgements. Throws
    /// <see cref="PartnerUnreachableException"/> when the delivery as a whole failed (partner down,
    /// timeout, refused call): nothing is known of it, and it will be retried.
    /// </summary>
    Task<IReadOnlyList<MessageAcknowledgement>> DeliverAsync(
        PartnerAgreement partner, IReadOnlyList<PartnerMessage> messages, CancellationToken cancellationToken);
}

/// <summary>A delivery failed as a whole; the message says why (for the operator), without secrets.</summary>
public sealed class PartnerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Settings of outbox delivery.</summary>
public sealed record DeliverySettings(int BatchSize, TimeSpan InitialBackoff, TimeSpan MaxBackoff);

/// <summary>
/// Empties the outbox to one partner, in order: the pending messages at its head go in one
/// delivery; each acknowledged one leaves the queue (delivered or rejected, for an operator to
/// see); when the delivery fails, the head records the attempt and the partner's queue waits with
/// exponential backoff (with jitter), so per-declaration order is kept and a partner that is down
/// costs one attempt per backoff period, not a storm.
/// </summary>
public sealed class PartnerDelivery(IOutboxStore outbox, IPartnerChannel channel, TimeProvider clock, DeliverySettings settings)
{
    /// <summary>Called for each acknowledged message (the host audits and counts them).</summary>
    public event Action<PartnerAgreement, OutboxRecord, MessageAcknowledgement>? Acknowledged;

    /// <summary>Called when a delivery failed, with the error.</summary>
    public event Action<PartnerAgreement, OutboxRecord, Exception>? Failed;

    /// <summary>
    /// One round for one partner: delivers what is due at the head of its queue. Returns how many
    /// messages left the queue, and when the next round is due if the partner is backing off.
    /// </summary>
    public async Task<DeliveryRound> DeliverDueAsync(PartnerAgreement partner, CancellationToken cancellationToken)
    {
        var pending = await outbox.ListPendingAsync(partner.Code, settings.BatchSize, cancellationToken);
        if (pending.Count == 0)
        {
            return new DeliveryRound(0, More: false, RetryAt: null);
        }
        var head = pending[0];
        var now = clock.GetUtcNow();
        if (head.NextAttemptTime > now)
        {
            return new DeliveryRound(0, More: false, RetryAt: head.NextAttemptTime);
        }
        IReadOnlyList<MessageAcknowledgement> answers;
        try
        {
            answers = await channel.DeliverAsync(partner, pending.Select(r => PartnerMessage.Parser.ParseFrom(r.Entry.Payload)).ToList(), cancellationToken);
        }
        catch (PartnerUnreachableException error)
        {
            var retryAt = clock.GetUtcNow() + Backoff(head.Attempts + 1);
            await outbox.RecordFailedAttemptAsync(head.Entry.MessageId, error.Message, retryAt, cancellationToken);
            Failed?.Invoke(partner, head, error);
            return new DeliveryRound(0, More: false, RetryAt: retryAt);
        }

        var byId = answers.Where(a => a.Outcome != DeliveryOutcome.Unspecified).GroupBy(a => a.MessageId).ToDictionary(g => g.Key, g => g.First());
        var acknowledged = new List<OutboxAcknowledgement>();
        var time = clock.GetUtcNow();
        foreach (var record in pending)
        {
            if (!byId.TryGetValue(record.Entry.MessageId, out var answer))
            {
                break; // keep the order: what follows an unanswered message waits for the next round
            }
            var rejected = answer.Outcome == DeliveryOutcome.Rejected;
            acknowledged.Add(new OutboxAcknowledgement(record.Entry.MessageId, rejected, rejected ? answer.Rejection?.ToByteArray() : null, time));
        }
        if (acknowledged.Count > 0)
        {
            await outbox.AcknowledgeAsync(acknowledged, cancellationToken);
            foreach (var record in pending.Take(acknowledged.Count))
            {
                Acknowledged?.Invoke(partner, record, byId[record.Entry.MessageId]);
            }
        }
        return new DeliveryRound(acknowledged.Count, More: acknowledged.Count == settings.BatchSize, RetryAt: null);
    }

    /// <summary>The wait before attempt <paramref name="attempt"/> + 1: doubling from the initial backoff up to the cap, with up to 20 % jitter.</summary>
    public TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Min(attempt - 1, 30);
        var ticks = Math.Min(settings.InitialBackoff.Ticks * Math.Pow(2, exponent), settings.MaxBackoff.Ticks);
        return TimeSpan.FromTicks((long)(ticks * (1 + (Random.Shared.NextDouble() * 0.2))));
    }
}

/// <summary>The result of one delivery round: messages that left the queue, whether more are waiting now, and when a backing-off partner is due again.</summary>
public sealed record DeliveryRound(int Acknowledged, bool More, DateTimeOffset? RetryAt);

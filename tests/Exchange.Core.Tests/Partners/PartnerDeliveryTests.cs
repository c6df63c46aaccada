using Exchange.Contracts.Partner.V1;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Partners;

public sealed class PartnerDeliveryTests
{
    private static readonly PartnerAgreement Belgium = new("BE", "https://be.example",
        new HashSet<MessageKind> { MessageKind.Declarations }, new HashSet<MessageKind>(), []);

    private readonly ListOutbox _outbox = new();
    private readonly ScriptedChannel _channel = new();
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero));

    private PartnerDelivery Delivery(int batchSize = 10) =>
        new(_outbox, _channel, _clock, new DeliverySettings(batchSize, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(8)));

    [Fact]
    public async Task Pending_messages_go_in_order_and_leave_the_queue_when_acknowledged()
    {
        _outbox.Add("BE", "m1", "m2", "m3");
        _outbox.Add("FR", "f1");

        var round = await Delivery().DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.Equal(3, round.Acknowledged);
        Assert.Equal(["m1", "m2", "m3"], Assert.Single(_channel.Deliveries));
        Assert.Equal(["f1"], _outbox.Pending("FR"));
        Assert.Empty(_outbox.Pending("BE"));
    }

    [Fact]
    public async Task A_rejected_message_is_kept_with_its_reason_and_does_not_block_the_rest()
    {
        _outbox.Add("BE", "m1", "m2");
        _channel.Reject.Add("m1");

        await Delivery().DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.Empty(_outbox.Pending("BE"));
        var rejected = _outbox.Acknowledgements.Single(a => a.MessageId == "m1");
        Assert.True(rejected.Rejected);
        Assert.Equal("not here", Google.Rpc.Status.Parser.ParseFrom(rejected.Rejection).Message);
        Assert.False(_outbox.Acknowledgements.Single(a => a.MessageId == "m2").Rejected);
    }

    [Fact]
    public async Task An_unanswered_message_and_everything_after_it_wait_for_the_next_round()
    {
        _outbox.Add("BE", "m1", "m2", "m3");
        _channel.Unanswered.Add("m2");

        var round = await Delivery().DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.Equal(1, round.Acknowledged);
        Assert.Equal(["m2", "m3"], _outbox.Pending("BE"));
    }

    [Fact]
    public async Task A_partner_that_is_down_is_retried_with_doubling_backoff_and_nothing_is_lost()
    {
        _outbox.Add("BE", "m1", "m2");
        _channel.Down = true;
        var delivery = Delivery();

        var first = await delivery.DeliverDueAsync(Belgium, CancellationToken.None);
        var early = await delivery.DeliverDueAsync(Belgium, CancellationToken.None); // before the backoff ends: no attempt
        _clock.Advance(first.RetryAt!.Value - _clock.GetUtcNow());
        var second = await delivery.DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.Equal(2, _channel.Attempts);
        Assert.Equal(first.RetryAt, early.RetryAt);
        var firstWait = first.RetryAt!.Value - new DateTimeOffset(2026, 11, 28, 9, 0, 0, TimeSpan.Zero);
        var secondWait = second.RetryAt!.Value - _clock.GetUtcNow();
        Assert.InRange(firstWait, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.InRange(secondWait, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.Equal(2, _outbox.Head("BE").Attempts);
        Assert.Contains("Unavailable", _outbox.Head("BE").LastError, StringComparison.Ordinal);

        _channel.Down = false;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await delivery.DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.Empty(_outbox.Pending("BE"));
        Assert.Equal(["m1", "m2"], _channel.Deliveries.Last());
    }

    [Fact]
    public void Backoff_doubles_up_to_the_cap()
    {
        var delivery = Delivery();

        Assert.InRange(delivery.Backoff(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1.2));
        Assert.InRange(delivery.Backoff(3), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(4.8));
        Assert.InRange(delivery.Backoff(60), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(9.6));
    }

    [Fact]
    public async Task A_full_batch_says_more_is_waiting()
    {
        _outbox.Add("BE", "m1", "m2", "m3");

        var round = await Delivery(batchSize: 2).DeliverDueAsync(Belgium, CancellationToken.None);

        Assert.True(round.More);
        Assert.Equal(["m3"], _outbox.Pending("BE"));
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>A partner that acknowledges everything it is sent, except what the test scripts otherwise.</summary>
    private sealed class ScriptedChannel : IPartnerChannel
    {
        public bool Down { get; set; }

        public int Attempts { get; private set; }

        public List<string> Reject { get; } = [];

        public List<string> Unanswered { get; } = [];

        public List<List<string>> Deliveries { get; } = [];

        public Task<IReadOnlyList<MessageAcknowledgement>> DeliverAsync(
            PartnerAgreement partner, IReadOnlyList<PartnerMessage> messages, CancellationToken cancellationToken)
        {
            Attempts++;
            if (Down)
            {
                throw new PartnerUnreachableException("Unavailable: connection refused");
            }
            Deliveries.Add(messages.Select(m => m.MessageId).ToList());
            IReadOnlyList<MessageAcknowledgement> answers = messages.Where(m => !Unanswered.Contains(m.MessageId)).Select(m => Reject.Contains(m.MessageId)
                ? new MessageAcknowledgement { MessageId = m.MessageId, Outcome = DeliveryOutcome.Rejected, Rejection = new Google.Rpc.Status { Code = 9, Message = "not here" } }
                : new MessageAcknowledgement { MessageId = m.MessageId, Outcome = DeliveryOutcome.Applied }).ToList();
            return Task.FromResult(answers);
        }
    }

    /// <summary>An outbox in a list, keeping the store's rules (pending only, in sequence order).</summary>
    private sealed class ListOutbox : IOutboxStore
    {
        private readonly List<OutboxRecord> _records = [];

        public List<OutboxAcknowledgement> Acknowledgements { get; } = [];

        public void Add(string partner, params string[] ids)
        {
            foreach (var id in ids)
            {
                var message = new PartnerMessage { MessageId = id, CreateTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };
                var entry = new OutboxEntry(id, partner, "filers/a/declarations/d", MessageKind.Declarations, message.ToByteArray(), DateTimeOffset.UnixEpoch);
                _records.Add(new OutboxRecord(_records.Count + 1, entry, OutboxMessageState.Pending, 0, DateTimeOffset.UnixEpoch, "", null, null));
            }
        }

        public List<string> Pending(string partner) =>
            _records.Where(r => r.Entry.Partner == partner && r.State == OutboxMessageState.Pending).Select(r => r.Entry.MessageId).ToList();

        public OutboxRecord Head(string partner) => _records.First(r => r.Entry.Partner == partner && r.State == OutboxMessageState.Pending);

        public Task<IReadOnlyList<OutboxRecord>> ListPendingAsync(string partner, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<OutboxRecord>>(
                _records.Where(r => r.Entry.Partner == partner && r.State == OutboxMessageState.Pending).Take(limit).ToList());

        public Task AcknowledgeAsync(IReadOnlyList<OutboxAcknowledgement> acknowledgements, CancellationToken cancellationToken)
        {
            foreach (var ack in acknowledgements)
            {
                var i = _records.FindIndex(r => r.Entry.MessageId == ack.MessageId && r.State == OutboxMessageState.Pending);
                if (i >= 0)
                {
                    Acknowledgements.Add(ack);
                    _records[i] = _records[i] with
                    {
                        State = ack.Rejected ? OutboxMessageState.Rejected : OutboxMessageState.Delivered,
                        AcknowledgeTime = ack.Time,
                        Rejection = ack.Rejection,
                    };
                }
            }
            return Task.CompletedTask;
        }

        public Task RecordFailedAttemptAsync(string messageId, string error, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken)
        {
            var i = _records.FindIndex(r => r.Entry.MessageId == messageId && r.State == OutboxMessageState.Pending);
            _records[i] = _records[i] with { Attempts = _records[i].Attempts + 1, LastError = error, NextAttemptTime = nextAttemptTime };
            return Task.CompletedTask;
        }

        public Task<OutboxBacklogRow> GetBacklogAsync(string partner, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<OutboxRecord>> ListAsync(
            string partner, OutboxMessageState? state, long? afterSequence, int limit, CancellationToken cancellationToken) =>
            throw new NotSupportedException();
    }
}

using System.Text;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The outbox to partner administrations (<see cref="IOutboxStore"/>): entries written with the
/// declaration write that causes them, in its transaction and only when it is written, then read
/// in order per partner and moved on by acknowledgements and failed attempts.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    private const string Belgium = "BE";
    private const string Netherlands = "NL";

    // ---- Written with the change ----

    [SkippableFact]
    public async Task AnInsertWritesItsOutboxEntriesPendingAndDueAtOnce()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var first = Message("m-1", Belgium, createTime: BaseTime.AddSeconds(1), kind: MessageKind.Declarations);
        var second = Message("m-2", Belgium, createTime: BaseTime.AddSeconds(2), kind: MessageKind.Decisions);

        var outcome = await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [first, second] }, CancellationToken.None);
        await store.InsertAsync(Insert(Filer, "decl-2"), CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        var pending = await outbox.ListPendingAsync(Belgium, 10, CancellationToken.None);
        Assert.Equal(2, pending.Count);
        Assert.True(pending[0].Sequence < pending[1].Sequence);
        foreach (var (expected, record) in new[] { first, second }.Zip(pending))
        {
            AssertEntry(expected, record.Entry);
            Assert.Equal(OutboxMessageState.Pending, record.State);
            Assert.Equal(0, record.Attempts);
            Assert.Equal(expected.CreateTime, record.NextAttemptTime);
            Assert.Equal("", record.LastError);
            Assert.Null(record.AcknowledgeTime);
            Assert.Null(record.Rejection);
        }
    }

    [SkippableFact]
    public async Task OutboxEntriesAreWrittenOnlyWhenTheirWriteIs()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var insert = Insert(Filer, "decl-1", requestId: "req-1");
        Assert.Equal(WriteOutcomeKind.Written, (await store.InsertAsync(insert with { Outbox = [Message("m-1")] }, CancellationToken.None)).Kind);

        // A retry, a reused request id, a stale revision, an unknown declaration: nothing written, no message.
        Assert.Equal(WriteOutcomeKind.Replayed, (await store.InsertAsync(
            Insert(Filer, "decl-2", requestId: "req-1") with { Outbox = [Message("m-replayed")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.RequestIdConflict, (await store.InsertAsync(
            Insert(Filer, "decl-3", requestId: "req-1", requestHash: Hash("another request")) with { Outbox = [Message("m-conflict")] },
            CancellationToken.None)).Kind);
        var amend = Update(insert.Declaration, d => d.Remarks = "amended", requestId: "req-2");
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(amend with { Outbox = [Message("m-2")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.RevisionConflict, (await store.UpdateAsync(
            Update(insert.Declaration, d => d.Remarks = "stale") with { Outbox = [Message("m-stale")] }, CancellationToken.None)).Kind);
        var missing = Insert(Filer, "decl-missing");
        Assert.Equal(WriteOutcomeKind.NotFound, (await store.UpdateAsync(
            Update(missing.Declaration, d => d.Remarks = "x") with { Outbox = [Message("m-missing")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.Replayed, (await store.UpdateAsync(
            amend with { Outbox = [Message("m-replayed-update")] }, CancellationToken.None)).Kind);

        Assert.Equal(["m-1", "m-2"], MessageIds(await outbox.ListAsync(Belgium, null, null, 100, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task InsertManyAndUpdateManyWriteTheOutboxOfEachWrittenItemOnly()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var a = Insert(Filer, "decl-a", requestId: "req-a");
        var c = Insert(OtherFiler, "decl-c");

        var inserted = await store.InsertManyAsync(
        [
            a with { Outbox = [Message("m-a1"), Message("m-a2")] },
            Insert(Filer, "decl-b", requestId: "req-a") with { Outbox = [Message("m-b")] }, // a retry of the first
            c with { Outbox = [Message("m-c")] },
        ], CancellationToken.None);

        Assert.Equal([WriteOutcomeKind.Written, WriteOutcomeKind.Replayed, WriteOutcomeKind.Written], inserted.Select(o => o.Kind));
        Assert.Equal(["m-a1", "m-a2", "m-c"], MessageIds(await outbox.ListPendingAsync(Belgium, 100, CancellationToken.None)));

        var updateA = Update(a.Declaration, d => d.Remarks = "first");
        var updated = await store.UpdateManyAsync(
        [
            updateA with { Outbox = [Message("m-a3")] },
            Update(a.Declaration, d => d.Remarks = "stale") with { Outbox = [Message("m-stale")] },
            Update(Insert(Filer, "decl-missing").Declaration, d => d.Remarks = "x") with { Outbox = [Message("m-missing")] },
            Update(c.Declaration, d => d.Remarks = "c") with { Outbox = [Message("m-c2", Netherlands)] },
            Update(updateA.Declaration, d => d.Remarks = "second") with { Outbox = [Message("m-a4")] },
        ], CancellationToken.None);

        Assert.Equal(
            [WriteOutcomeKind.Written, WriteOutcomeKind.RevisionConflict, WriteOutcomeKind.NotFound, WriteOutcomeKind.Written, WriteOutcomeKind.Written],
            updated.Select(o => o.Kind));
        Assert.Equal(["m-a1", "m-a2", "m-c", "m-a3", "m-a4"], MessageIds(await outbox.ListPendingAsync(Belgium, 100, CancellationToken.None)));
        Assert.Equal(["m-c2"], MessageIds(await outbox.ListPendingAsync(Netherlands, 100, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task AWriteWhoseOutboxCannotBeWrittenWritesNothing()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert with { Outbox = [Message("m-1")] }, CancellationToken.None);

        // Message ids are unique: a taken one fails the whole write, declaration and event included.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.InsertAsync(
            Insert(Filer, "decl-2", requestId: "req-2") with { Outbox = [Message("m-2"), Message("m-1")] }, CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.InsertManyAsync(
        [
            Insert(Filer, "decl-3") with { Outbox = [Message("m-3")] },
            Insert(Filer, "decl-4") with { Outbox = [Message("m-3")] },
        ], CancellationToken.None));
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateAsync(
            Update(insert.Declaration, d => d.Remarks = "x", requestId: "req-5") with { Outbox = [Message("m-1")] }, CancellationToken.None));
        var amend = Update(insert.Declaration, d => d.Remarks = "first");
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateManyAsync(
        [
            amend with { Outbox = [Message("m-6")] },
            Update(amend.Declaration, d => d.Remarks = "second") with { Outbox = [Message("m-6")] },
        ], CancellationToken.None));

        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-3"), CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-4"), CancellationToken.None));
        Assert.Equal(insert.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-2", CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-5", CancellationToken.None));
        Assert.Equal(1, await LastEventNumberAsync(store, Filer));
        Assert.Equal(["m-1"], MessageIds(await outbox.ListAsync(Belgium, null, null, 100, CancellationToken.None)));

        // The store goes on: the next write and its message are there.
        await store.InsertAsync(Insert(Filer, "decl-2") with { Outbox = [Message("m-2")] }, CancellationToken.None);
        Assert.Equal(["m-1", "m-2"], MessageIds(await outbox.ListPendingAsync(Belgium, 100, CancellationToken.None)));
    }

    // ---- Order and partners ----

    [SkippableFact]
    public async Task EachPartnerHasItsOwnQueueInSequenceOrder()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [Message("be-1"), Message("nl-1", Netherlands)] }, CancellationToken.None);
        await store.InsertAsync(Insert(OtherFiler, "decl-2") with { Outbox = [Message("be-2")] }, CancellationToken.None);
        await store.InsertAsync(Insert(Filer, "decl-3") with { Outbox = [Message("nl-2", Netherlands), Message("be-3")] }, CancellationToken.None);

        var belgium = await outbox.ListPendingAsync(Belgium, 10, CancellationToken.None);
        Assert.Equal(["be-1", "be-2", "be-3"], MessageIds(belgium));
        Assert.Equal(belgium.Select(r => r.Sequence).Order(), belgium.Select(r => r.Sequence));
        Assert.Equal(["nl-1", "nl-2"], MessageIds(await outbox.ListPendingAsync(Netherlands, 10, CancellationToken.None)));
        Assert.Equal(["be-1", "be-2"], MessageIds(await outbox.ListPendingAsync(Belgium, 2, CancellationToken.None)));
        Assert.Empty(await outbox.ListPendingAsync("FR", 10, CancellationToken.None));
        Assert.Empty(await outbox.ListAsync("FR", null, null, 10, CancellationToken.None));

        // One partner's answers leave the other's queue as it was.
        await outbox.AcknowledgeAsync([new("be-1", false, null, BaseTime)], CancellationToken.None);
        await outbox.RecordFailedAttemptAsync("be-2", "unavailable", BaseTime.AddMinutes(1), CancellationToken.None);
        var netherlands = await outbox.ListPendingAsync(Netherlands, 10, CancellationToken.None);
        Assert.Equal(["nl-1", "nl-2"], MessageIds(netherlands));
        Assert.All(netherlands, r => Assert.Equal(0, r.Attempts));
        Assert.Equal(new OutboxBacklogRow(2, 0, 0, BaseTime, "", BaseTime), await outbox.GetBacklogAsync(Netherlands, CancellationToken.None));
    }

    [SkippableFact]
    public async Task OutboxMessagesAreThereAfterReopening()
    {
        var (store, _) = await OpenFreshOutboxAsync();
        var message = Message("m-1", payload: [0, 1, 2, 255]);
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [message] }, CancellationToken.None);
        await CloseAsync(store);

        var reopened = StoresOf(await OpenStoreTrackedAsync()).Outbox;

        AssertEntry(message, Assert.Single(await reopened.ListPendingAsync(Belgium, 10, CancellationToken.None)).Entry);
    }

    // ---- Acknowledgements and failed attempts ----

    [SkippableFact]
    public async Task AcknowledgementsDeliverOrRejectPendingMessagesOnly()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [Message("m-1"), Message("m-2"), Message("m-3"), Message("m-4")] },
            CancellationToken.None);
        byte[] rejection = [0x08, 0x09, 0x12, 0x08, (byte)'n', (byte)'o', (byte)'t', (byte)' ', (byte)'h', (byte)'e', (byte)'r', (byte)'e'];
        var delivered = BaseTime.AddMinutes(1);
        var rejected = BaseTime.AddMinutes(2);

        await outbox.AcknowledgeAsync(
        [
            new("m-1", false, null, delivered),
            new("m-2", true, rejection, rejected),
            // Of two answers to one message, the first counts: the second finds it no longer pending.
            new("m-4", false, null, delivered),
            new("m-4", true, [1], rejected),
            new("m-unknown", false, null, delivered),
        ], CancellationToken.None);

        Assert.Equal(["m-3"], MessageIds(await outbox.ListPendingAsync(Belgium, 10, CancellationToken.None)));
        var all = await outbox.ListAsync(Belgium, null, null, 10, CancellationToken.None);
        AssertAcknowledged(all[0], OutboxMessageState.Delivered, delivered, null);
        AssertAcknowledged(all[1], OutboxMessageState.Rejected, rejected, rejection);
        Assert.Equal(OutboxMessageState.Pending, all[2].State);
        Assert.Null(all[2].AcknowledgeTime);
        AssertAcknowledged(all[3], OutboxMessageState.Delivered, delivered, null);

        // An answer to a message no longer pending changes nothing; an empty list is no change either.
        await outbox.AcknowledgeAsync(
            [new("m-1", true, [7], BaseTime.AddHours(1)), new("m-2", false, null, BaseTime.AddHours(1))], CancellationToken.None);
        await outbox.AcknowledgeAsync([], CancellationToken.None);
        var again = await outbox.ListAsync(Belgium, null, null, 10, CancellationToken.None);
        AssertAcknowledged(again[0], OutboxMessageState.Delivered, delivered, null);
        AssertAcknowledged(again[1], OutboxMessageState.Rejected, rejected, rejection);
        Assert.Equal(OutboxMessageState.Pending, again[2].State);
    }

    [SkippableFact]
    public async Task TwoNodesAcknowledgingTheSameMessagesAtOnceKeepOneAnswerEach()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var otherNode = StoresOf(await OpenStoreTrackedAsync()).Outbox;
        var ids = Enumerable.Range(1, 20).Select(i => $"m-{i:D2}").ToArray();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [.. ids.Select(id => Message(id))] }, CancellationToken.None);

        // Both nodes answer every message, in opposite orders: one delivers, the other rejects.
        await Task.WhenAll(
            Task.Run(() => outbox.AcknowledgeAsync([.. ids.Select(id => new OutboxAcknowledgement(id, false, null, BaseTime))], CancellationToken.None)),
            Task.Run(() => otherNode.AcknowledgeAsync(
                [.. ids.AsEnumerable().Reverse().Select(id => new OutboxAcknowledgement(id, true, [9], BaseTime.AddSeconds(1)))], CancellationToken.None)));

        var all = await outbox.ListAsync(Belgium, null, null, 100, CancellationToken.None);
        Assert.Equal(ids, MessageIds(all));
        Assert.All(all, record =>
        {
            if (record.State == OutboxMessageState.Delivered)
            {
                AssertAcknowledged(record, OutboxMessageState.Delivered, BaseTime, null);
            }
            else
            {
                AssertAcknowledged(record, OutboxMessageState.Rejected, BaseTime.AddSeconds(1), [9]);
            }
        });
        var backlog = await outbox.GetBacklogAsync(Belgium, CancellationToken.None);
        Assert.Equal((0, ids.Length), (backlog.Pending, backlog.Delivered + backlog.Rejected));
    }

    [SkippableFact]
    public async Task FailedAttemptsAreRecordedOnPendingMessagesOnly()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var first = Message("m-1");
        var second = Message("m-2");
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [first, second] }, CancellationToken.None);

        await outbox.RecordFailedAttemptAsync("m-1", "connection refused", BaseTime.AddSeconds(10), CancellationToken.None);
        await outbox.RecordFailedAttemptAsync("m-1", "deadline exceeded", BaseTime.AddSeconds(30), CancellationToken.None);

        var pending = await outbox.ListPendingAsync(Belgium, 10, CancellationToken.None);
        Assert.Equal(2, pending[0].Attempts);
        Assert.Equal("deadline exceeded", pending[0].LastError);
        Assert.Equal(BaseTime.AddSeconds(30), pending[0].NextAttemptTime);
        Assert.Equal(OutboxMessageState.Pending, pending[0].State);
        // The message behind it is untouched.
        Assert.Equal(0, pending[1].Attempts);
        Assert.Equal("", pending[1].LastError);
        Assert.Equal(second.CreateTime, pending[1].NextAttemptTime);

        // Once acknowledged, a late failure report changes nothing; an unknown id is no error.
        await outbox.AcknowledgeAsync([new("m-1", false, null, BaseTime.AddMinutes(1))], CancellationToken.None);
        await outbox.RecordFailedAttemptAsync("m-1", "late", BaseTime.AddHours(1), CancellationToken.None);
        await outbox.RecordFailedAttemptAsync("m-unknown", "late", BaseTime.AddHours(1), CancellationToken.None);
        var acknowledged = (await outbox.ListAsync(Belgium, OutboxMessageState.Delivered, null, 10, CancellationToken.None)).Single();
        Assert.Equal(2, acknowledged.Attempts);
        Assert.Equal("deadline exceeded", acknowledged.LastError);
        Assert.Equal(BaseTime.AddSeconds(30), acknowledged.NextAttemptTime);
    }

    // ---- Backlog and listing ----

    [SkippableFact]
    public async Task TheBacklogCountsEachStateAndDescribesTheHead()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        Assert.Equal(new OutboxBacklogRow(0, 0, 0, null, "", null), await outbox.GetBacklogAsync(Belgium, CancellationToken.None));

        var messages = Enumerable.Range(1, 4).Select(i => Message($"m-{i}", createTime: BaseTime.AddSeconds(i))).ToArray();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = messages[..2] }, CancellationToken.None);
        await store.InsertAsync(Insert(Filer, "decl-2") with { Outbox = [.. messages[2..], Message("nl-1", Netherlands)] }, CancellationToken.None);
        Assert.Equal(
            new OutboxBacklogRow(4, 0, 0, messages[0].CreateTime, "", messages[0].CreateTime),
            await outbox.GetBacklogAsync(Belgium, CancellationToken.None));

        // The head failed: its error and next attempt describe the queue.
        await outbox.RecordFailedAttemptAsync("m-1", "unavailable", BaseTime.AddMinutes(5), CancellationToken.None);
        await outbox.RecordFailedAttemptAsync("m-3", "not the head", BaseTime.AddMinutes(9), CancellationToken.None);
        Assert.Equal(
            new OutboxBacklogRow(4, 0, 0, messages[0].CreateTime, "unavailable", BaseTime.AddMinutes(5)),
            await outbox.GetBacklogAsync(Belgium, CancellationToken.None));

        // Answered, the head moves on to the next pending message.
        await outbox.AcknowledgeAsync([new("m-1", false, null, BaseTime.AddMinutes(6)), new("m-2", true, [1], BaseTime.AddMinutes(6))],
            CancellationToken.None);
        Assert.Equal(
            new OutboxBacklogRow(2, 1, 1, messages[2].CreateTime, "not the head", BaseTime.AddMinutes(9)),
            await outbox.GetBacklogAsync(Belgium, CancellationToken.None));

        // Nothing pending: no oldest message, no head.
        await outbox.AcknowledgeAsync([new("m-3", false, null, BaseTime.AddMinutes(7)), new("m-4", false, null, BaseTime.AddMinutes(7))],
            CancellationToken.None);
        Assert.Equal(new OutboxBacklogRow(0, 3, 1, null, "", null), await outbox.GetBacklogAsync(Belgium, CancellationToken.None));
        Assert.Equal(
            new OutboxBacklogRow(1, 0, 0, BaseTime, "", BaseTime), await outbox.GetBacklogAsync(Netherlands, CancellationToken.None));
    }

    [SkippableFact]
    public async Task TheOutboxListsByStateInSequenceOrderAndPages()
    {
        var (store, outbox) = await OpenFreshOutboxAsync();
        var ids = Enumerable.Range(1, 7).Select(i => $"m-{i}").ToArray();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Outbox = [.. ids[..4].Select(id => Message(id))] }, CancellationToken.None);
        await store.InsertAsync(Insert(Filer, "decl-2") with { Outbox = [Message("nl-1", Netherlands), .. ids[4..].Select(id => Message(id))] },
            CancellationToken.None);
        await outbox.AcknowledgeAsync(
            [new("m-2", false, null, BaseTime), new("m-5", false, null, BaseTime), new("m-6", true, [1], BaseTime)], CancellationToken.None);

        async Task<string[]> Ids(OutboxMessageState? state, long? after = null, int limit = 100) =>
            MessageIds(await outbox.ListAsync(Belgium, state, after, limit, CancellationToken.None));

        var all = await outbox.ListAsync(Belgium, null, null, 100, CancellationToken.None);
        Assert.Equal(ids, MessageIds(all));
        Assert.Equal(["m-1", "m-3", "m-4", "m-7"], await Ids(OutboxMessageState.Pending));
        Assert.Equal(["m-2", "m-5"], await Ids(OutboxMessageState.Delivered));
        Assert.Equal(["m-6"], await Ids(OutboxMessageState.Rejected));
        Assert.Equal(["m-5", "m-6", "m-7"], await Ids(null, after: all[3].Sequence));
        Assert.Equal(["m-7"], await Ids(OutboxMessageState.Pending, after: all[3].Sequence));
        Assert.Equal(["m-5"], await Ids(OutboxMessageState.Delivered, after: all[1].Sequence, limit: 1));
        Assert.Empty(await Ids(null, after: all[^1].Sequence));
        Assert.Equal(["nl-1"], MessageIds(await outbox.ListAsync(Netherlands, null, null, 100, CancellationToken.None)));

        // Pages of every size return every message exactly once, in order, with or without a state.
        foreach (var (state, expected) in new (OutboxMessageState?, string[])[]
        {
            (null, ids), (OutboxMessageState.Pending, ["m-1", "m-3", "m-4", "m-7"]),
        })
        {
            foreach (var limit in new[] { 1, 2, 3, 7, 8 })
            {
                var paged = new List<string>();
                long? after = null;
                while (true)
                {
                    var page = await outbox.ListAsync(Belgium, state, after, limit, CancellationToken.None);
                    paged.AddRange(MessageIds(page));
                    if (page.Count < limit)
                    {
                        break;
                    }
                    after = page[^1].Sequence;
                }
                Assert.Equal(expected, paged);
            }
        }
    }

    [SkippableFact]
    public async Task OutboxLimitsMustBePositive()
    {
        var (_, outbox) = await OpenFreshOutboxAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => outbox.ListPendingAsync(Belgium, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => outbox.ListAsync(Belgium, null, null, 0, CancellationToken.None));
    }

    // ---- Helpers ----

    /// <summary>A store on a new, empty database, and the same object as its outbox.</summary>
    private async Task<(IDeclarationStore Store, IOutboxStore Outbox)> OpenFreshOutboxAsync()
    {
        var store = await OpenFreshStoreAsync();
        return (store, StoresOf(store).Outbox);
    }

    /// <summary>An outbox entry about decl-1 of <see cref="Filer"/>; the payload defaults to bytes naming the message.</summary>
    private static OutboxEntry Message(
        string messageId, string partner = Belgium, DateTimeOffset? createTime = null, MessageKind kind = MessageKind.Declarations,
        byte[]? payload = null) =>
        new(messageId, partner, $"filers/{Filer}/declarations/decl-1", kind, payload ?? Encoding.UTF8.GetBytes("payload of " + messageId),
            createTime ?? BaseTime);

    private static string[] MessageIds(IEnumerable<OutboxRecord> records) => records.Select(r => r.Entry.MessageId).ToArray();

    // OutboxEntry holds a byte array, which record equality compares by reference.
    private static void AssertEntry(OutboxEntry expected, OutboxEntry actual)
    {
        Assert.Equal(expected.MessageId, actual.MessageId);
        Assert.Equal(expected.Partner, actual.Partner);
        Assert.Equal(expected.DeclarationName, actual.DeclarationName);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Payload, actual.Payload);
        Assert.Equal(expected.CreateTime, actual.CreateTime);
    }

    private static void AssertAcknowledged(OutboxRecord record, OutboxMessageState state, DateTimeOffset time, byte[]? rejection)
    {
        Assert.Equal(state, record.State);
        Assert.Equal(time, record.AcknowledgeTime);
        Assert.Equal(rejection, record.Rejection);
    }
}

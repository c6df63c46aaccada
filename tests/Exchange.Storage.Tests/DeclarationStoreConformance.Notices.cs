using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The notices to other parties (<see cref="INoticeStore"/>): written with the declaration write
/// that causes them, in its transaction and only when it is written, then read per recipient in
/// sequence order, where the sequences follow commit order with no gaps.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    private const string Carrier = "carrier-x";
    private const string OtherCarrier = "carrier-y";

    // ---- Written with the change ----

    [SkippableFact]
    public async Task NoticesOfEveryKindOfWriteAreReadBackInOrderAsWritten()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        byte[] binary = [0, 1, 2, 255, 0];
        var a = Insert(Filer, "decl-a");
        var b = Insert(Filer, "decl-b");
        var c = Insert(OtherFiler, "decl-c");

        // Insert: two notices to one recipient keep their order; an empty payload is a payload.
        await store.InsertAsync(a with { Notices = [Notice(Carrier, "a inserted"), new(Carrier, binary), new(Carrier, [])] },
            CancellationToken.None);
        // Insert many, over two filers.
        await store.InsertManyAsync(
            [b with { Notices = [Notice(Carrier, "b inserted")] }, c with { Notices = [Notice(Carrier, "c inserted")] }],
            CancellationToken.None);
        // Update.
        var amendA = Update(a.Declaration, d => d.Remarks = "amended");
        await store.UpdateAsync(amendA with { Notices = [Notice(Carrier, "a amended")] }, CancellationToken.None);
        // Update many, with two updates of one declaration.
        var amendB = Update(b.Declaration, d => d.Remarks = "first");
        await store.UpdateManyAsync(
        [
            amendB with { Notices = [Notice(Carrier, "b first")] },
            Update(c.Declaration, d => d.Remarks = "c") with { Notices = [Notice(Carrier, "c amended")] },
            Update(amendB.Declaration, d => d.Remarks = "second") with { Notices = [Notice(Carrier, "b second")] },
        ], CancellationToken.None);

        var stored = await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), stored.Select(n => n.Sequence));
        Assert.Equal(Payload("a inserted"), stored[0].Payload);
        Assert.Equal(binary, stored[1].Payload);
        Assert.Empty(stored[2].Payload);
        Assert.Equal(
            ["b inserted", "c inserted", "a amended", "b first", "c amended", "b second"],
            stored.Skip(3).Select(n => Encoding.UTF8.GetString(n.Payload)));
        Assert.Equal(9, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
    }

    [SkippableFact]
    public async Task EachRecipientHasItsOwnLog()
    {
        var (store, notices) = await OpenFreshNoticesAsync();

        await store.InsertAsync(Insert(Filer, "decl-1") with
        {
            Notices = [Notice(Carrier, "x1"), Notice(OtherCarrier, "y1"), Notice(Carrier, "x2")],
        }, CancellationToken.None);
        await store.InsertAsync(Insert(OtherFiler, "decl-2") with { Notices = [Notice(OtherCarrier, "y2")] }, CancellationToken.None);
        // A recipient that is also a filer: its notices are apart from its events.
        await store.InsertAsync(Insert(Filer, "decl-3") with { Notices = [Notice(OtherFiler, "to filer b")] }, CancellationToken.None);

        Assert.Equal([(1L, "x1"), (2L, "x2")], Read(await notices.ReadNoticesAsync(Carrier, 0, 10, CancellationToken.None)));
        Assert.Equal([(1L, "y1"), (2L, "y2")], Read(await notices.ReadNoticesAsync(OtherCarrier, 0, 10, CancellationToken.None)));
        Assert.Equal([(1L, "to filer b")], Read(await notices.ReadNoticesAsync(OtherFiler, 0, 10, CancellationToken.None)));
        Assert.Equal(1, await LastEventNumberAsync(store, OtherFiler));
        Assert.Empty(await notices.ReadNoticesAsync(Filer, 0, 10, CancellationToken.None));
        Assert.Empty(await notices.ReadNoticesAsync("carrier-unknown", 0, 10, CancellationToken.None));
        Assert.Equal(2, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
        Assert.Equal(2, await notices.GetLastNoticeSequenceAsync(OtherCarrier, CancellationToken.None));
        Assert.Equal(0, await notices.GetLastNoticeSequenceAsync(Filer, CancellationToken.None));
        Assert.Equal(0, await notices.GetLastNoticeSequenceAsync("carrier-unknown", CancellationToken.None));
    }

    [SkippableFact]
    public async Task NoticesAreReadAfterASequenceAndUpToALimit()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        await store.InsertAsync(Insert(Filer, "decl-1") with
        {
            Notices = Enumerable.Range(1, 5).Select(i => Notice(Carrier, $"n{i}")).ToArray(),
        }, CancellationToken.None);

        Assert.Equal([(1L, "n1"), (2L, "n2")], Read(await notices.ReadNoticesAsync(Carrier, 0, 2, CancellationToken.None)));
        Assert.Equal([(3L, "n3"), (4L, "n4")], Read(await notices.ReadNoticesAsync(Carrier, 2, 2, CancellationToken.None)));
        Assert.Equal([(5L, "n5")], Read(await notices.ReadNoticesAsync(Carrier, 4, 2, CancellationToken.None)));
        Assert.Empty(await notices.ReadNoticesAsync(Carrier, 5, 2, CancellationToken.None));
        Assert.Empty(await notices.ReadNoticesAsync(Carrier, 100, 2, CancellationToken.None));
        Assert.Equal(5, (await notices.ReadNoticesAsync(Carrier, -1, 10, CancellationToken.None)).Count);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => notices.ReadNoticesAsync(Carrier, 0, 0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task NoticesAreWrittenOnlyWhenTheirWriteIs()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        var insert = Insert(Filer, "decl-1", requestId: "req-1");
        Assert.Equal(WriteOutcomeKind.Written,
            (await store.InsertAsync(insert with { Notices = [Notice(Carrier, "inserted")] }, CancellationToken.None)).Kind);

        // A retry, a reused request id, a stale revision, an unknown declaration: nothing written, no notice.
        Assert.Equal(WriteOutcomeKind.Replayed, (await store.InsertAsync(
            Insert(Filer, "decl-2", requestId: "req-1") with { Notices = [Notice(Carrier, "replayed")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.RequestIdConflict, (await store.InsertAsync(
            Insert(Filer, "decl-3", requestId: "req-1", requestHash: Hash("another request")) with { Notices = [Notice(Carrier, "conflict")] },
            CancellationToken.None)).Kind);
        var amend = Update(insert.Declaration, d => d.Remarks = "amended", requestId: "req-2");
        Assert.Equal(WriteOutcomeKind.Written,
            (await store.UpdateAsync(amend with { Notices = [Notice(Carrier, "amended")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.RevisionConflict, (await store.UpdateAsync(
            Update(insert.Declaration, d => d.Remarks = "stale") with { Notices = [Notice(Carrier, "stale")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.NotFound, (await store.UpdateAsync(
            Update(Insert(Filer, "decl-missing").Declaration, d => d.Remarks = "x") with { Notices = [Notice(Carrier, "missing")] },
            CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.Replayed, (await store.UpdateAsync(
            amend with { Notices = [Notice(Carrier, "replayed update")] }, CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.RequestIdConflict, (await store.UpdateAsync(
            Update(amend.Declaration, d => d.Remarks = "again", requestId: "req-2", requestHash: Hash("another")) with { Notices = [Notice(OtherCarrier, "conflict")] },
            CancellationToken.None)).Kind);

        Assert.Equal([(1L, "inserted"), (2L, "amended")], Read(await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None)));
        Assert.Equal(2, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
        Assert.Empty(await notices.ReadNoticesAsync(OtherCarrier, 0, 100, CancellationToken.None));
        Assert.Equal(0, await notices.GetLastNoticeSequenceAsync(OtherCarrier, CancellationToken.None));
    }

    [SkippableFact]
    public async Task InABatchOnlyTheItemsWrittenWriteTheirNotices()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        var a = Insert(Filer, "decl-a", requestId: "req-a");
        var c = Insert(OtherFiler, "decl-c");

        var inserted = await store.InsertManyAsync(
        [
            a with { Notices = [Notice(Carrier, "a1"), Notice(Carrier, "a2")] },
            Insert(Filer, "decl-b", requestId: "req-a") with { Notices = [Notice(Carrier, "b replayed")] }, // a retry of the first
            Insert(Filer, "decl-d", requestId: "req-a", requestHash: Hash("another")) with { Notices = [Notice(OtherCarrier, "d conflict")] },
            c with { Notices = [Notice(Carrier, "c1")] },
        ], CancellationToken.None);

        Assert.Equal(
            [WriteOutcomeKind.Written, WriteOutcomeKind.Replayed, WriteOutcomeKind.RequestIdConflict, WriteOutcomeKind.Written],
            inserted.Select(o => o.Kind));
        Assert.Equal([(1L, "a1"), (2L, "a2"), (3L, "c1")], Read(await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None)));
        Assert.Empty(await notices.ReadNoticesAsync(OtherCarrier, 0, 100, CancellationToken.None));

        var updateA = Update(a.Declaration, d => d.Remarks = "first", requestId: "req-a-1");
        var updated = await store.UpdateManyAsync(
        [
            updateA with { Notices = [Notice(Carrier, "a first")] },
            Update(a.Declaration, d => d.Remarks = "stale") with { Notices = [Notice(Carrier, "stale"), Notice(OtherCarrier, "stale")] },
            Update(Insert(Filer, "decl-missing").Declaration, d => d.Remarks = "x") with { Notices = [Notice(Carrier, "missing")] },
            updateA with { Notices = [Notice(Carrier, "a first replayed")] }, // the same request again, in the batch
            Update(c.Declaration, d => d.Remarks = "c") with { Notices = [Notice(OtherCarrier, "c amended")] },
            Update(updateA.Declaration, d => d.Remarks = "second") with { Notices = [Notice(Carrier, "a second")] },
        ], CancellationToken.None);

        Assert.Equal(
            [
                WriteOutcomeKind.Written, WriteOutcomeKind.RevisionConflict, WriteOutcomeKind.NotFound,
                WriteOutcomeKind.Replayed, WriteOutcomeKind.Written, WriteOutcomeKind.Written,
            ],
            updated.Select(o => o.Kind));
        Assert.Equal(
            [(1L, "a1"), (2L, "a2"), (3L, "c1"), (4L, "a first"), (5L, "a second")],
            Read(await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None)));
        Assert.Equal([(1L, "c amended")], Read(await notices.ReadNoticesAsync(OtherCarrier, 0, 100, CancellationToken.None)));

        // A batch that writes nothing writes no notice either.
        var nothing = await store.UpdateManyAsync(
            [Update(a.Declaration, d => d.Remarks = "stale again") with { Notices = [Notice(Carrier, "never")] }], CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.RevisionConflict, Assert.Single(nothing).Kind);
        Assert.Equal(5, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
    }

    [SkippableFact]
    public async Task AWriteThatFailsWritesNoneOfItsNotices()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert with { Outbox = [NoticeTestMessage("m-1")], Notices = [Notice(Carrier, "1")] }, CancellationToken.None);

        // A taken declaration id fails the whole batch; so does a taken outbox message id.
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.InsertManyAsync(
        [
            Insert(Filer, "decl-2") with { Notices = [Notice(Carrier, "decl-2")] },
            Insert(Filer, "decl-1") with { Notices = [Notice(Carrier, "decl-1 again")] },
        ], CancellationToken.None));
        var amend = Update(insert.Declaration, d => d.Remarks = "first");
        await Assert.ThrowsAsync<InvalidOperationException>(() => store.UpdateManyAsync(
        [
            amend with { Notices = [Notice(Carrier, "first")] },
            Update(amend.Declaration, d => d.Remarks = "second") with { Outbox = [NoticeTestMessage("m-1")], Notices = [Notice(OtherCarrier, "second")] },
        ], CancellationToken.None));
        // A notice without a recipient or payload is refused before anything is written.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.InsertAsync(
            Insert(Filer, "decl-3") with { Notices = [Notice(Carrier, "ok"), new("", [1])] }, CancellationToken.None));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.UpdateAsync(
            amend with { Notices = [new(Carrier, null!)] }, CancellationToken.None));

        Assert.Equal([(1L, "1")], Read(await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None)));
        Assert.Equal(1, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
        Assert.Equal(0, await notices.GetLastNoticeSequenceAsync(OtherCarrier, CancellationToken.None));
        Assert.Equal(insert.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-3"), CancellationToken.None));

        // The log goes on from where it was, with no gap.
        await store.UpdateAsync(amend with { Notices = [Notice(Carrier, "2")] }, CancellationToken.None);
        Assert.Equal([(1L, "1"), (2L, "2")], Read(await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None)));
    }

    [SkippableFact]
    public async Task NoticesAreThereAfterReopening()
    {
        var (store, _) = await OpenFreshNoticesAsync();
        await store.InsertAsync(Insert(Filer, "decl-1") with { Notices = [Notice(Carrier, "kept")] }, CancellationToken.None);
        await CloseAsync(store);

        var reopened = StoresOf(await OpenStoreTrackedAsync()).Notices;

        Assert.Equal([(1L, "kept")], Read(await reopened.ReadNoticesAsync(Carrier, 0, 10, CancellationToken.None)));
        Assert.Equal(1, await reopened.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
    }

    // ---- Concurrency ----

    [SkippableFact]
    public async Task ConcurrentUpdatesOfSeveralFilersNumberOneRecipientsNoticesWithoutGaps()
    {
        var (store, notices) = await OpenFreshNoticesAsync();
        const int Writers = 20;
        var inserts = Enumerable.Range(0, Writers).Select(i => Insert($"filer-{i}", "decl-1")).ToArray();
        await store.InsertManyAsync(inserts, CancellationToken.None);

        // A gate released once every task is ready makes the writers really overlap.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pending = inserts.Select((insert, i) => Task.Run(async () =>
        {
            await start.Task;
            return await store.UpdateAsync(
                Update(insert.Declaration, d => d.Remarks = "amended") with { Notices = [Notice(Carrier, $"from filer-{i}")] },
                CancellationToken.None);
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(pending);

        Assert.All(outcomes, o => Assert.Equal(WriteOutcomeKind.Written, o.Kind));
        var stored = await notices.ReadNoticesAsync(Carrier, 0, 100, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, Writers).Select(i => (long)i), stored.Select(n => n.Sequence));
        Assert.Equal(
            Enumerable.Range(0, Writers).Select(i => $"from filer-{i}").Order(StringComparer.Ordinal),
            stored.Select(n => Encoding.UTF8.GetString(n.Payload)).Order(StringComparer.Ordinal));
        Assert.Equal(Writers, await notices.GetLastNoticeSequenceAsync(Carrier, CancellationToken.None));
    }

    [SkippableFact]
    public async Task AReaderFollowingARecipientsNoticesDuringWritesMissesNothing()
    {
        // What a carrier's watch does: read after the last sequence seen, again and again, while
        // filers write. Sequences in commit order mean no notice appears behind one already passed.
        var (store, notices) = await OpenFreshNoticesAsync();
        const int Writers = 4;
        const int PerWriter = 30;
        var writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                await store.InsertAsync(Insert($"filer-{t}", $"decl-{i}") with { Notices = [Notice(Carrier, $"{t}-{i}")] },
                    CancellationToken.None);
            }
        })));

        var seen = new List<StoredNotice>();
        var done = false;
        while (!done)
        {
            done = writers.IsCompleted; // one more read after the writers finish picks up the rest
            var page = await notices.ReadNoticesAsync(Carrier, seen.Count == 0 ? 0 : seen[^1].Sequence, 7, CancellationToken.None);
            seen.AddRange(page);
            done &= page.Count < 7;
        }
        await writers;

        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(i => (long)i), seen.Select(n => n.Sequence));
        Assert.Equal(Writers * PerWriter, seen.Select(n => Encoding.UTF8.GetString(n.Payload)).Distinct().Count());
    }

    [SkippableFact]
    public async Task ConcurrentBatchesNamingRecipientsInOppositeOrdersKeepEachLogGapless()
    {
        // Batches whose notices name the same recipients in opposite orders: a store that locked
        // recipients in the order of the notices could deadlock here. Each task writes for filers
        // of its own, so the tasks meet on the recipients only.
        var (store, notices) = await OpenFreshNoticesAsync();
        string[] recipients = ["carrier-1", "carrier-2", "carrier-3"];
        const int Tasks = 6;
        const int Rounds = 8;
        var current = new Declaration[Tasks][];
        for (var t = 0; t < Tasks; t++)
        {
            var writes = new[] { Insert($"filer-{t}-0", "decl"), Insert($"filer-{t}-1", "decl") };
            await store.InsertManyAsync(writes, CancellationToken.None);
            current[t] = writes.Select(w => w.Declaration).ToArray();
        }

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            string[] order = t % 2 == 0 ? recipients : [.. Enumerable.Reverse(recipients)];
            for (var round = 0; round < Rounds; round++)
            {
                var items = t % 2 == 0 ? new[] { 0, 1 } : [1, 0];
                var writes = items.Select(item => Update(current[t][item], d => d.Remarks = $"round {round}") with
                {
                    Notices = order.Select(r => Notice(r, $"{t}/{round}/{item}")).ToArray(),
                }).ToArray();
                var outcomes = await store.UpdateManyAsync(writes, CancellationToken.None);
                Assert.All(outcomes, o => Assert.Equal(WriteOutcomeKind.Written, o.Kind));
                for (var i = 0; i < items.Length; i++)
                {
                    current[t][items[i]] = writes[i].Declaration;
                }
                // Inserts too, in batches over both filers.
                var inserts = items.Select(item => Insert($"filer-{t}-{item}", $"r{round}") with
                {
                    Notices = order.Select(r => Notice(r, $"{t}/{round}/insert {item}")).ToArray(),
                }).ToArray();
                Assert.All(await store.InsertManyAsync(inserts, CancellationToken.None), o => Assert.Equal(WriteOutcomeKind.Written, o.Kind));
            }
        })));

        const int PerRecipient = Tasks * Rounds * 4;
        foreach (var recipient in recipients)
        {
            var stored = await notices.ReadNoticesAsync(recipient, 0, 1000, CancellationToken.None);
            Assert.Equal(Enumerable.Range(1, PerRecipient).Select(i => (long)i), stored.Select(n => n.Sequence));
            Assert.Equal(PerRecipient, stored.Select(n => Encoding.UTF8.GetString(n.Payload)).Distinct().Count());
            // A batch's notices to one recipient keep the batch's order.
            foreach (var task in stored.Select(n => Encoding.UTF8.GetString(n.Payload)).GroupBy(p => p.Split('/')[0] + "/" + p.Split('/')[1]))
            {
                var expectedItems = int.Parse(task.Key.Split('/')[0], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0
                    ? new[] { "0", "1", "insert 0", "insert 1" }
                    : ["1", "0", "insert 1", "insert 0"];
                Assert.Equal(expectedItems, task.Select(p => p.Split('/')[2]));
            }
        }
    }

    // ---- Helpers ----

    /// <summary>A store on a new, empty database, and the same object as its notice log.</summary>
    private async Task<(IDeclarationStore Store, INoticeStore Notices)> OpenFreshNoticesAsync()
    {
        var store = await OpenFreshStoreAsync();
        return (store, StoresOf(store).Notices);
    }

    /// <summary>A notice whose payload is <paramref name="text"/> in UTF-8, so the tests can tell notices apart.</summary>
    private static PartyNotice Notice(string recipient, string text) => new(recipient, Payload(text));

    private static byte[] Payload(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Stored notices as (sequence, payload text): a byte array compares by reference in a record.</summary>
    private static (long Sequence, string Text)[] Read(IEnumerable<StoredNotice> notices) =>
        notices.Select(n => (n.Sequence, Encoding.UTF8.GetString(n.Payload))).ToArray();

    /// <summary>An outbox message, to make a write fail on its taken message id.</summary>
    private static OutboxEntry NoticeTestMessage(string messageId) =>
        new(messageId, "BE", $"filers/{Filer}/declarations/decl-1", MessageKind.Declarations, [1], BaseTime);
}

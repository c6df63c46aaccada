using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Testing;
using Google.Protobuf;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The behaviour every <see cref="IDeclarationStore"/> (and <see cref="IRegistryStore"/>) must
/// show, written once and run against each backend by a subclass that says how to make, open and
/// remove a database. Each test gets a database of its own. The enforcement queries, the
/// registries and schema upgrades have files of their own (DeclarationStoreConformance.*.cs).
/// </summary>
public abstract partial class DeclarationStoreConformance : IAsyncLifetime
{
    private const string Filer = "filer-a";
    private const string OtherFiler = "filer-b";

    private readonly List<ExchangeStores> _openStores = [];
    private bool _databaseCreated;

    /// <summary>Why this backend cannot run here, or null when it can.</summary>
    protected virtual string? SkipReason => null;

    /// <summary>Makes this test's new, empty database (called at most once per test).</summary>
    protected abstract Task CreateDatabaseAsync();

    /// <summary>Opens the stores of this test's database; called again to re-open it, or to act as another node.</summary>
    protected abstract Task<ExchangeStores> OpenStoreAsync();

    /// <summary>Removes this test's database after every store on it is closed.</summary>
    protected abstract Task DropDatabaseAsync();

    /// <summary>The dialect of this backend: what its migrations' checksums are computed from.</summary>
    protected abstract SqlDialect Dialect { get; }

    /// <summary>
    /// Brings this test's new database (no store open on it) to schema <paramref name="version"/>
    /// only, as the release that introduced that version left it.
    /// </summary>
    protected abstract Task MigrateToSchemaVersionAsync(int version);

    /// <summary>Runs one SQL statement with @name parameters on this test's database; returns the first column of the first row.</summary>
    protected abstract Task<object?> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var store in _openStores)
        {
            await store.DisposeAsync();
        }
        _openStores.Clear();
        if (_databaseCreated)
        {
            await DropDatabaseAsync();
        }
    }

    // ---- Insert and get ----

    [SkippableFact]
    public async Task InsertThenGetReturnsTheSameBytes()
    {
        var store = await OpenFreshStoreAsync();
        var write = Insert(Filer, "decl-1", sample: SampleDeclarations.ExpressMarketplaceSale());

        var outcome = await store.InsertAsync(write, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        Assert.Equal(write.Declaration, outcome.Declaration);
        Assert.Equal(WithCursor(write.Event, 1), await NumberedAsync(store, Filer, outcome.Event));
        Assert.Equal("", write.Event.Cursor); // the caller's event is not changed
        var stored = await store.GetAsync(write.Key, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.Equal(write.Declaration.ToByteArray(), stored.ToByteArray());
    }

    [SkippableFact]
    public async Task UnknownFieldsOfANewerContractAreKept()
    {
        var store = await OpenFreshStoreAsync();
        var write = Insert(Filer, "decl-1");
        // Field 999, varint 1: what a newer contract version could add.
        var bytes = write.Declaration.ToByteArray().Concat(new byte[] { 0xB8, 0x3E, 0x01 }).ToArray();
        var withUnknownField = Declaration.Parser.ParseFrom(bytes);

        await store.InsertAsync(write with { Declaration = withUnknownField }, CancellationToken.None);

        var stored = await store.GetAsync(write.Key, CancellationToken.None);
        Assert.Equal(bytes, stored!.ToByteArray());
    }

    [SkippableFact]
    public async Task GetOfAnUnknownDeclarationIsNull()
    {
        var store = await OpenFreshStoreAsync();
        await store.InsertAsync(Insert(Filer, "decl-1"), CancellationToken.None);

        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
    }

    [SkippableFact]
    public async Task InsertOfATakenDeclarationIdThrowsAndChangesNothing()
    {
        var store = await OpenFreshStoreAsync();
        var first = Insert(Filer, "decl-1");
        await store.InsertAsync(first, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.InsertAsync(Insert(Filer, "decl-1", requestId: "req-1"), CancellationToken.None));
        // In a batch, the whole batch is refused.
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            store.InsertManyAsync([Insert(Filer, "decl-2"), Insert(Filer, "decl-1")], CancellationToken.None));

        Assert.Equal(first.Declaration, await store.GetAsync(first.Key, CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None));
        Assert.Equal(1, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task WritesWhoseNamesDisagreeWithTheirKeyAreRefused()
    {
        var store = await OpenFreshStoreAsync();
        var write = Insert(Filer, "decl-1");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.InsertAsync(write with { Key = new(OtherFiler, "decl-1") }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.InsertAsync(write with { Event = new DeclarationEvent { Declaration = "filers/x/declarations/y" } }, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.InsertAsync(write with { RequestId = "req-1", RequestHash = null }, CancellationToken.None));

        Assert.Null(await store.GetAsync(write.Key, CancellationToken.None));
        Assert.Null(await store.GetAsync(new(OtherFiler, "decl-1"), CancellationToken.None));
    }

    [SkippableFact]
    public async Task InsertWithoutFactsIsRefusedAndChangesNothing()
    {
        var store = await OpenFreshStoreAsync();
        var write = Insert(Filer, "decl-1", requestId: "req-1") with { Facts = null };

        await Assert.ThrowsAsync<ArgumentException>(() => store.InsertAsync(write, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.InsertManyAsync([Insert(Filer, "decl-2"), write], CancellationToken.None));

        Assert.Null(await store.GetAsync(write.Key, CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None));
        Assert.Equal(0, await LastEventNumberAsync(store, Filer));
    }

    // ---- Idempotency ----

    [SkippableFact]
    public async Task RetryWithTheSameRequestIsReplayed()
    {
        var store = await OpenFreshStoreAsync();
        var first = Insert(Filer, "decl-1", requestId: "req-1");
        await store.InsertAsync(first, CancellationToken.None);

        // The retry got a new declaration id from the core; the store answers with the first one.
        var retry = await store.InsertAsync(Insert(Filer, "decl-2", requestId: "req-1"), CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(first.Declaration, retry.Declaration);
        Assert.Null(retry.Event);
        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.Equal(1, await LastEventNumberAsync(store, Filer));
        var record = await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None);
        Assert.NotNull(record);
        Assert.Equal("req-1", record.RequestId);
        Assert.Equal(first.RequestHash, record.RequestHash);
        Assert.Equal(first.Declaration, record.Response);
    }

    [SkippableFact]
    public async Task ReusedRequestIdWithAnotherHashIsAConflict()
    {
        var store = await OpenFreshStoreAsync();
        var first = Insert(Filer, "decl-1", requestId: "req-1");
        await store.InsertAsync(first, CancellationToken.None);

        var reuse = await store.InsertAsync(
            Insert(Filer, "decl-2", requestId: "req-1", requestHash: Hash("another request")), CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.RequestIdConflict, reuse.Kind);
        Assert.Null(reuse.Declaration);
        Assert.Null(await store.GetAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.Equal(1, await LastEventNumberAsync(store, Filer));
        Assert.Equal(first.RequestHash, (await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None))!.RequestHash);
    }

    [SkippableFact]
    public async Task FindIdempotencyRecordOfAnUnknownRequestIsNull()
    {
        var store = await OpenFreshStoreAsync();
        await store.InsertAsync(Insert(Filer, "decl-1"), CancellationToken.None);

        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None));
    }

    // ---- Filer isolation ----

    [SkippableFact]
    public async Task AnotherFilerSeesAndChangesNothing()
    {
        var store = await OpenFreshStoreAsync();
        var mine = Insert(Filer, "decl-1", requestId: "req-1");
        await store.InsertAsync(mine, CancellationToken.None);

        Assert.Null(await store.GetAsync(new(OtherFiler, "decl-1"), CancellationToken.None));
        Assert.Empty(await store.ListAsync(new(OtherFiler, 100), CancellationToken.None));
        Assert.Empty(await store.ListAsync(
            new(OtherFiler, 100, Reference: mine.Declaration.LocalReferenceNumber), CancellationToken.None));
        Assert.Empty(await ReadLogAsync(store, OtherFiler, EventPosition.Start, 100, null, CancellationToken.None));
        Assert.Empty(await ReadLogAsync(store, OtherFiler, EventPosition.Start, 100, "decl-1", CancellationToken.None));
        Assert.Equal(0, await LastEventNumberAsync(store, OtherFiler));
        Assert.Null(await store.FindIdempotencyRecordAsync(OtherFiler, "req-1", CancellationToken.None));

        // An update addressed through the other filer finds nothing to change.
        var foreign = Update(Submitted(OtherFiler, "decl-1"), d => d.Remarks = "taken over");
        Assert.Equal(WriteOutcomeKind.NotFound, (await store.UpdateAsync(foreign, CancellationToken.None)).Kind);
        Assert.Equal(mine.Declaration, await store.GetAsync(mine.Key, CancellationToken.None));

        // The other filer has its own ids, request ids and event log.
        var theirs = await store.InsertAsync(Insert(OtherFiler, "decl-1", requestId: "req-1"), CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Written, theirs.Kind);
        Assert.Equal("1", (await NumberedAsync(store, OtherFiler, theirs.Event))!.Cursor);
        Assert.Equal(mine.Declaration, await store.GetAsync(mine.Key, CancellationToken.None));
        Assert.Single(await store.ListAsync(new(Filer, 100), CancellationToken.None));
        Assert.Equal(1, await LastEventNumberAsync(store, Filer));
    }

    // ---- Update ----

    [SkippableFact]
    public async Task UpdateAtTheExpectedRevisionReplacesTheDeclaration()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);
        var update = Update(insert.Declaration, d =>
        {
            d.Status = DeclarationStatus.Held;
            d.CustomsReference = "26DE1234567890123A";
        });

        var outcome = await store.UpdateAsync(update, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        Assert.Equal(update.Declaration, outcome.Declaration);
        Assert.Equal(WithCursor(update.Event, 2), await NumberedAsync(store, Filer, outcome.Event));
        Assert.Equal(update.Declaration.ToByteArray(), (await store.GetAsync(insert.Key, CancellationToken.None))!.ToByteArray());
        // The indexed columns follow the new state.
        Assert.Single(await store.ListAsync(new(Filer, 10, Status: DeclarationStatus.Held), CancellationToken.None));
        Assert.Empty(await store.ListAsync(new(Filer, 10, Status: DeclarationStatus.Accepted), CancellationToken.None));
        Assert.Single(await store.ListAsync(new(Filer, 10, Reference: "26DE1234567890123A"), CancellationToken.None));
    }

    [SkippableFact]
    public async Task UpdateAtAStaleRevisionIsARevisionConflict()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);
        var winner = Update(insert.Declaration, d => d.Remarks = "first");
        await store.UpdateAsync(winner, CancellationToken.None);

        var late = await store.UpdateAsync(Update(insert.Declaration, d => d.Remarks = "second"), CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.RevisionConflict, late.Kind);
        Assert.Null(late.Declaration);
        Assert.Equal(winner.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Equal(2, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task UpdateOfAMissingDeclarationIsNotFound()
    {
        var store = await OpenFreshStoreAsync();

        var outcome = await store.UpdateAsync(
            Update(Submitted(Filer, "decl-1"), d => d.Remarks = "x", requestId: "req-1"), CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.NotFound, outcome.Kind);
        Assert.Null(await store.GetAsync(new(Filer, "decl-1"), CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None));
        Assert.Equal(0, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task RetriedUpdateIsReplayedEvenThoughTheRevisionMovedOn()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1", requestId: "req-create");
        await store.InsertAsync(insert, CancellationToken.None);
        var update = Update(insert.Declaration, d => d.Remarks = "amended", requestId: "req-amend");
        await store.UpdateAsync(update, CancellationToken.None);

        var retry = await store.UpdateAsync(update, CancellationToken.None);
        var reuse = await store.UpdateAsync(
            Update(insert.Declaration, d => d.Remarks = "other", requestId: "req-amend", requestHash: Hash("other")),
            CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(update.Declaration, retry.Declaration);
        Assert.Equal(WriteOutcomeKind.RequestIdConflict, reuse.Kind);
        Assert.Equal(update.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Equal(2, await LastEventNumberAsync(store, Filer));
    }

    // ---- List ----

    [SkippableFact]
    public async Task ListIsNewestFirstWithTiesBrokenByDeclarationIdDescending()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        // Byte order puts '-' before digits before letters; a linguistic collation would not.
        (string Id, DateTimeOffset Time)[] rows =
        [
            ("a0", t0.AddSeconds(1)), ("c", t0.AddTicks(-10)), ("a-b", t0.AddSeconds(1)),
            ("z", t0.AddSeconds(2)), ("b", t0), ("ab", t0.AddSeconds(1)),
        ];
        foreach (var (id, time) in rows)
        {
            await store.InsertAsync(Insert(Filer, id, createTime: time), CancellationToken.None);
        }

        var listed = await store.ListAsync(new(Filer, 100), CancellationToken.None);

        Assert.Equal(["z", "ab", "a0", "a-b", "b", "c"], listed.Select(d => KeyOf(d).DeclarationId));
        Assert.Equal(["z", "ab"], (await store.ListAsync(new(Filer, 2), CancellationToken.None)).Select(d => KeyOf(d).DeclarationId));
    }

    [SkippableFact]
    public async Task LocalReferenceNumbersOfABatchAreFoundInOneReadPerFilerAndWindow()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        var t1 = t0.AddMinutes(1);
        // LRN-A used three times (from t0 on), LRN-B once at t1, LRN-OLD only before the window;
        // the other filer's LRN-B is not this filer's.
        await store.InsertManyAsync(
        [
            Insert(Filer, "a1", createTime: t0, configure: d => d.LocalReferenceNumber = "LRN-A"),
            Insert(Filer, "a2", createTime: t1, configure: d => d.LocalReferenceNumber = "LRN-A"),
            Insert(Filer, "a3", createTime: t1, configure: d => d.LocalReferenceNumber = "LRN-A"),
            Insert(Filer, "b1", createTime: t1, configure: d => d.LocalReferenceNumber = "LRN-B"),
            Insert(Filer, "old", createTime: t0.AddTicks(-10), configure: d => d.LocalReferenceNumber = "LRN-OLD"),
        ], CancellationToken.None);
        await store.InsertAsync(Insert(OtherFiler, "b9", createTime: t1, configure: d => d.LocalReferenceNumber = "LRN-B"), CancellationToken.None);

        var found = await store.FindByLocalReferenceNumbersAsync(Filer, ["LRN-A", "LRN-B", "LRN-OLD", "LRN-NONE", "LRN-A"], t0, CancellationToken.None);

        Assert.Equal(["LRN-A", "LRN-B"], found.Keys.Order(StringComparer.Ordinal));
        // At most two names per LRN, two distinct ones when it was used more than once.
        var a = found["LRN-A"];
        Assert.Equal(2, a.Distinct().Count());
        Assert.All(a, name => Assert.Contains(name, new[] { "a1", "a2", "a3" }.Select(id => ResourceNames.Declaration(Filer, id))));
        Assert.Equal([ResourceNames.Declaration(Filer, "b1")], found["LRN-B"]);
        // The window's start is inclusive, exact below a microsecond.
        Assert.Equal(["LRN-A", "LRN-B"], (await store.FindByLocalReferenceNumbersAsync(Filer, ["LRN-A", "LRN-B"], t1, CancellationToken.None)).Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await store.FindByLocalReferenceNumbersAsync(Filer, ["LRN-A", "LRN-B"], t1.AddTicks(1), CancellationToken.None));
        Assert.Empty(await store.FindByLocalReferenceNumbersAsync(Filer, [], t0, CancellationToken.None));
    }

    [SkippableFact]
    public async Task EachListFilterWorksAloneAndCombined()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        var t1 = t0.AddMinutes(1);
        var t2 = t0.AddMinutes(2);
        // d1 and d3 are postal gifts sharing the S10 item identifier; d2 is a held express sale
        // with every other reference set.
        var d1 = Insert(Filer, "d1", createTime: t0, configure: d => d.LocalReferenceNumber = "LRN-1");
        var d2 = Insert(Filer, "d2", createTime: t1, sample: SampleDeclarations.ExpressMarketplaceSale(), configure: d =>
        {
            d.LocalReferenceNumber = "LRN-2";
            d.Status = DeclarationStatus.Held;
            d.CustomsReference = "26NL0000000000012B";
        });
        var d3 = Insert(Filer, "d3", createTime: t2, configure: d => d.LocalReferenceNumber = "LRN-3");
        await store.InsertManyAsync([d1, d2, d3], CancellationToken.None);
        // Another filer with the same references never shows up.
        await store.InsertAsync(
            Insert(OtherFiler, "d2", createTime: t1, sample: d2.Declaration),
            CancellationToken.None);

        async Task<string[]> Ids(DeclarationQuery query) =>
            (await store.ListAsync(query, CancellationToken.None)).Select(d => KeyOf(d).DeclarationId).ToArray();

        Assert.Equal(["d3", "d2", "d1"], await Ids(new(Filer, 10)));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Status: DeclarationStatus.Held)));
        Assert.Equal(["d3", "d1"], await Ids(new(Filer, 10, Status: DeclarationStatus.Accepted)));
        Assert.Empty(await Ids(new(Filer, 10, Status: DeclarationStatus.Released)));

        // Created-at-or-after is inclusive, created-before exclusive, both exact below a microsecond.
        Assert.Equal(["d3", "d2"], await Ids(new(Filer, 10, CreatedAtOrAfter: t1)));
        Assert.Equal(["d1"], await Ids(new(Filer, 10, CreatedBefore: t1)));
        Assert.Equal(["d3"], await Ids(new(Filer, 10, CreatedAtOrAfter: t1.AddTicks(1))));
        Assert.Equal(["d2", "d1"], await Ids(new(Filer, 10, CreatedBefore: t1.AddTicks(1))));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, CreatedAtOrAfter: t1, CreatedBefore: t2)));

        // The reference filter matches any reference column exactly.
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Reference: "LRN-2")));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Reference: d2.Declaration.UniqueConsignmentReference)));
        Assert.Equal(["d3", "d1"], await Ids(new(Filer, 10, Reference: d1.Declaration.TransportDocument.ItemIdentifier)));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Reference: d2.Declaration.TransportDocument.HouseWaybill)));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Reference: d2.Declaration.TransportDocument.MasterWaybill)));
        Assert.Equal(["d2"], await Ids(new(Filer, 10, Reference: "26NL0000000000012B")));
        Assert.Empty(await Ids(new(Filer, 10, Reference: "LRN-")));
        Assert.Empty(await Ids(new(Filer, 10, Reference: "lrn-2")));
        Assert.Equal(["d3", "d2", "d1"], await Ids(new(Filer, 10, Reference: "")));

        // Combined: every given filter must match.
        var item = d1.Declaration.TransportDocument.ItemIdentifier;
        Assert.Equal(["d1"], await Ids(new(Filer, 10, Reference: item, CreatedBefore: t2)));
        Assert.Equal(["d3"], await Ids(new(Filer, 10, Status: DeclarationStatus.Accepted, Reference: item, CreatedAtOrAfter: t1)));
        Assert.Empty(await Ids(new(Filer, 10, Status: DeclarationStatus.Held, Reference: item)));
        Assert.Equal(["d1"], await Ids(new(Filer, 10, Status: DeclarationStatus.Accepted, Reference: item,
            After: PositionAfter(d3.Declaration))));
    }

    [SkippableFact]
    public async Task KeysetPagesReturnEveryRowExactlyOnce()
    {
        var store = await OpenFreshStoreAsync();
        // 30 declarations over 7 distinct create times, so pages end in the middle of ties.
        var writes = Enumerable.Range(0, 30)
            .Select(i => Insert(Filer, $"d-{(i * 7) % 30:00}", createTime: BaseTime.AddMilliseconds(i % 7),
                configure: d => d.Status = i % 3 == 0 ? DeclarationStatus.Held : DeclarationStatus.Accepted))
            .ToArray();
        await store.InsertManyAsync(writes, CancellationToken.None);
        var expected = writes.Select(w => w.Declaration)
            .OrderByDescending(d => d.CreateTime.ToDateTimeOffset())
            .ThenByDescending(d => KeyOf(d).DeclarationId, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(expected, await ReadAllPagesAsync(store, new(Filer, 4)));
        Assert.Equal(expected.Where(d => d.Status == DeclarationStatus.Held),
            await ReadAllPagesAsync(store, new(Filer, 3, Status: DeclarationStatus.Held)));
        Assert.Equal(expected, await ReadAllPagesAsync(store, new(Filer, 1)));
    }

    // ---- Events ----

    [SkippableFact]
    public async Task EachFilerHasItsOwnGaplessEventLog()
    {
        var store = await OpenFreshStoreAsync();
        var first = Insert(Filer, "decl-1");
        var other = Insert(OtherFiler, "decl-9");
        var second = Insert(Filer, "decl-2");
        var amend = Update(first.Declaration, d => d.Remarks = "amended");
        await store.InsertAsync(first, CancellationToken.None);
        await store.InsertAsync(other, CancellationToken.None);
        await store.InsertAsync(second, CancellationToken.None);
        await store.UpdateAsync(amend, CancellationToken.None);

        Assert.Equal(
            [WithCursor(first.Event, 1), WithCursor(second.Event, 2), WithCursor(amend.Event, 3)],
            await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 100, null, CancellationToken.None)));
        Assert.Equal([WithCursor(other.Event, 1)],
            await NumberedAsync(store, OtherFiler, await ReadLogAsync(store, OtherFiler, EventPosition.Start, 100, null, CancellationToken.None)));

        // After the filer's event number `after` (0: from the start), by their numbers.
        async Task<string[]> Cursors(long after, int limit, string? declarationId) =>
            (await NumberedAsync(store, Filer,
                await ReadLogAsync(store, Filer, await PositionOfAsync(store, Filer, after), limit, declarationId, CancellationToken.None)))
            .Select(e => e.Cursor).ToArray();

        Assert.Equal(["2", "3"], await Cursors(1, 100, null));
        Assert.Equal(["1", "2"], await Cursors(0, 2, null));
        Assert.Empty(await Cursors(3, 100, null));
        Assert.Equal(["1", "3"], await Cursors(0, 100, "decl-1"));
        Assert.Equal(["3"], await Cursors(1, 100, "decl-1"));
        Assert.Equal(["2"], await Cursors(0, 100, "decl-2"));
        Assert.Empty(await Cursors(0, 100, "decl-9"));

        Assert.Equal(3, await LastEventNumberAsync(store, Filer));
        Assert.Equal(1, await LastEventNumberAsync(store, OtherFiler));
        Assert.Equal(0, await LastEventNumberAsync(store, "filer-unknown"));
    }

    [SkippableFact]
    public async Task AWriteWithSeveralEventsAppendsThemInOrder()
    {
        var store = await OpenFreshStoreAsync();
        var before = Insert(Filer, "decl-0");
        await store.InsertAsync(before, CancellationToken.None);
        var decided = InsertDecided(Filer, "decl-1", requestId: "req-1");
        var after = Insert(Filer, "decl-2");

        var outcomes = await store.InsertManyAsync([decided, after], CancellationToken.None);

        Assert.Equal(WithCursor(decided.Event, 3), await NumberedAsync(store, Filer, outcomes[0].Event));
        Assert.Equal(WithCursor(after.Event, 4), await NumberedAsync(store, Filer, outcomes[1].Event));
        Assert.Equal(
            [WithCursor(before.Event, 1), WithCursor(decided.EarlierEvents![0], 2), WithCursor(decided.Event, 3), WithCursor(after.Event, 4)],
            await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 100, null, CancellationToken.None)));
        Assert.Equal(
            [DeclarationEventType.Accepted, DeclarationEventType.Decided],
            (await ReadLogAsync(store, Filer, EventPosition.Start, 100, "decl-1", CancellationToken.None)).Select(e => e.Type));
        Assert.Equal(4, await LastEventNumberAsync(store, Filer));
        Assert.Equal(decided.Declaration, await store.GetAsync(KeyOf(decided.Declaration), CancellationToken.None));
        var due = await store.ListDueForAssessmentAsync(StoreWrites.BaseTime.AddDays(1), 10, CancellationToken.None);
        Assert.Equal([before.Declaration.Name, after.Declaration.Name], due.Select(d => d.Name).Order(StringComparer.Ordinal));

        // A retry is answered with the declaration as decided and appends nothing.
        var retry = await store.InsertAsync(InsertDecided(Filer, "decl-3", requestId: "req-1"), CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(decided.Declaration, retry.Declaration);
        Assert.Equal(4, await LastEventNumberAsync(store, Filer));

        // The next change expects the revision the write recorded, and is numbered after its events.
        var amend = Update(decided.Declaration, d => d.Remarks = "after the decision");
        Assert.Equal(WithCursor(amend.Event, 5), await NumberedAsync(store, Filer, (await store.UpdateAsync(amend, CancellationToken.None)).Event));
    }

    [SkippableFact]
    public async Task AnUpdateWithSeveralStepsRecordsEachAsItsOwnRevisionAndIsReplayedWhole()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);
        var write = StoreWrites.ArriveAndRelease(insert.Declaration, requestId: "req-arrive");

        var outcome = await store.UpdateAsync(write, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        Assert.Equal(3, outcome.Declaration!.Revision);
        Assert.Equal(
            [WithCursor(insert.Event, 1), WithCursor(write.EarlierEvents![0], 2), WithCursor(write.Event, 3)],
            await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 100, "decl-1", CancellationToken.None)));
        Assert.Equal([2L, 3L],
            (await ReadLogAsync(store, Filer, await PositionOfAsync(store, Filer, 1), 100, null, CancellationToken.None)).Select(e => e.Revision));
        // Both lifecycles come back exactly as written, and the status column follows.
        var stored = await store.GetAsync(insert.Key, CancellationToken.None);
        Assert.Equal(write.Declaration, stored);
        Assert.Equal("KL1234", stored!.Clearance.ArrivalConveyanceReference);
        Assert.Single(await store.ListAsync(new(Filer, 10, Status: DeclarationStatus.Released), CancellationToken.None));

        // A retry gets the released declaration and appends nothing; the next change expects revision 3.
        var retry = await store.UpdateAsync(write, CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(write.Declaration, retry.Declaration);
        Assert.Equal(3, await LastEventNumberAsync(store, Filer));
        Assert.Equal(WriteOutcomeKind.RevisionConflict,
            (await store.UpdateAsync(StoreWrites.ArriveAndRelease(insert.Declaration), CancellationToken.None)).Kind);
        Assert.Equal(WriteOutcomeKind.Written,
            (await store.UpdateAsync(Update(write.Declaration, d => d.Remarks = "after release"), CancellationToken.None)).Kind);
    }

    [SkippableFact]
    public async Task TheHousesOfAMasterDocumentAreListedAcrossFilersOldestFirstInPages()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        void Master(Declaration d, string document) => d.TransportDocument.MasterWaybill = document;
        var writes = new[]
        {
            Insert("post", "d-3", createTime: t0.AddSeconds(2), configure: d => Master(d, "176-12345675")),
            Insert("marketplace", "d-1", createTime: t0, configure: d => Master(d, "176-12345675")),
            Insert("broker", "d-2", createTime: t0.AddSeconds(1), configure: d => Master(d, "176-12345675")),
            Insert("broker", "d-4", createTime: t0.AddSeconds(1), configure: d => Master(d, "176-99999999")),
            Insert("post", "d-5", createTime: t0.AddSeconds(3)), // single filing: names no master
        };
        foreach (var write in writes)
        {
            await store.InsertAsync(write, CancellationToken.None);
        }

        var first = await store.ListByMasterDocumentAsync("176-12345675", null, 2, CancellationToken.None);
        var second = await store.ListByMasterDocumentAsync("176-12345675", PositionAfter(first[^1]), 2, CancellationToken.None);

        Assert.Equal(["filers/marketplace/declarations/d-1", "filers/broker/declarations/d-2"], first.Select(d => d.Name));
        Assert.Equal(["filers/post/declarations/d-3"], second.Select(d => d.Name));
        Assert.Equal(["filers/broker/declarations/d-4"],
            (await store.ListByMasterDocumentAsync("176-99999999", null, 10, CancellationToken.None)).Select(d => d.Name));
        Assert.Empty(await store.ListByMasterDocumentAsync("176-00000000", null, 10, CancellationToken.None));
        // An amendment that changes the master moves the house.
        var moved = Update(writes[0].Declaration, d => Master(d, "176-99999999"));
        await store.UpdateAsync(moved, CancellationToken.None);
        Assert.Equal(2, (await store.ListByMasterDocumentAsync("176-12345675", null, 10, CancellationToken.None)).Count);
        Assert.Equal(2, (await store.ListByMasterDocumentAsync("176-99999999", null, 10, CancellationToken.None)).Count);
    }

    // ---- Batches ----

    [SkippableFact]
    public async Task InsertManyAnswersEachItemInOrder()
    {
        var store = await OpenFreshStoreAsync();
        var earlier = Insert(Filer, "decl-0", requestId: "req-old");
        await store.InsertAsync(earlier, CancellationToken.None);
        DeclarationWrite[] batch =
        [
            Insert(Filer, "decl-a", requestId: "req-a"),                                 // new
            Insert(Filer, "decl-b", requestId: "req-old"),                               // retry of an earlier request
            Insert(Filer, "decl-c", requestId: "req-old", requestHash: Hash("other")),   // reuse of an earlier request id
            Insert(Filer, "decl-d", requestId: "req-a"),                                 // retry within the batch
            Insert(Filer, "decl-e", requestId: "req-a", requestHash: Hash("other")),     // reuse within the batch
            Insert(Filer, "decl-f"),                                                     // new, no request id
            Insert(OtherFiler, "decl-g", requestId: "req-a"),                            // another filer's request id
        ];

        var outcomes = await store.InsertManyAsync(batch, CancellationToken.None);

        Assert.Equal(
            [
                WriteOutcomeKind.Written, WriteOutcomeKind.Replayed, WriteOutcomeKind.RequestIdConflict,
                WriteOutcomeKind.Replayed, WriteOutcomeKind.RequestIdConflict, WriteOutcomeKind.Written,
                WriteOutcomeKind.Written,
            ],
            outcomes.Select(o => o.Kind));
        Assert.Equal(WithCursor(batch[0].Event, 2), await NumberedAsync(store, Filer, outcomes[0].Event));
        Assert.Equal(earlier.Declaration, outcomes[1].Declaration);
        Assert.Equal(batch[0].Declaration, outcomes[3].Declaration);
        Assert.Equal(WithCursor(batch[5].Event, 3), await NumberedAsync(store, Filer, outcomes[5].Event));
        Assert.Equal(WithCursor(batch[6].Event, 1), await NumberedAsync(store, OtherFiler, outcomes[6].Event));

        Assert.Equal(["decl-f", "decl-a", "decl-0"],
            (await store.ListAsync(new(Filer, 10), CancellationToken.None)).Select(d => KeyOf(d).DeclarationId));
        Assert.Equal(["1", "2", "3"],
            (await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 10, null, CancellationToken.None))).Select(e => e.Cursor));
        Assert.Equal(batch[0].Declaration, (await store.FindIdempotencyRecordAsync(Filer, "req-a", CancellationToken.None))!.Response);
        Assert.Equal(batch[6].Declaration, (await store.FindIdempotencyRecordAsync(OtherFiler, "req-a", CancellationToken.None))!.Response);
        Assert.Empty(await store.InsertManyAsync([], CancellationToken.None));
    }

    [SkippableFact]
    public async Task UpdateManyAnswersEachItemInOrderAsIfOneByOne()
    {
        var store = await OpenFreshStoreAsync();
        var d1 = Insert(Filer, "decl-1");
        var d2 = Insert(Filer, "decl-2");
        var d3 = Insert(Filer, "decl-3");
        var o1 = Insert(OtherFiler, "decl-9");
        await store.InsertManyAsync([d1, d2, d3, o1], CancellationToken.None);
        var earlier = Update(d3.Declaration, d => d.Remarks = "earlier", requestId: "req-old");
        await store.UpdateAsync(earlier, CancellationToken.None);
        await store.UpdateAsync(Update(d2.Declaration, d => d.Remarks = "moved on"), CancellationToken.None);

        var first = Update(d1.Declaration, d => d.Status = DeclarationStatus.Held, requestId: "req-1");
        var second = Update(first.Declaration, d => d.Remarks = "second");
        DeclarationWrite[] batch =
        [
            first,                                                                            // written
            Update(d2.Declaration, d => d.Remarks = "stale"),                                 // revision moved on
            Update(Submitted(Filer, "decl-missing"), d => d.Remarks = "x", requestId: "req-m"), // no such declaration
            earlier,                                                                          // retry of an earlier request
            Update(d3.Declaration, d => d.Remarks = "x", requestId: "req-old", requestHash: Hash("other")), // reuse of an earlier request id
            second,                                                                           // sees the first item's revision
            first,                                                                            // retry within the batch
            Update(d3.Declaration, d => d.Remarks = "x", requestId: "req-1", requestHash: Hash("other")),   // reuse within the batch
            Update(o1.Declaration, d => d.Remarks = "theirs", requestId: "req-1"),            // another filer's request id
        ];

        var outcomes = await store.UpdateManyAsync(batch, CancellationToken.None);

        Assert.Equal(
            [
                WriteOutcomeKind.Written, WriteOutcomeKind.RevisionConflict, WriteOutcomeKind.NotFound,
                WriteOutcomeKind.Replayed, WriteOutcomeKind.RequestIdConflict, WriteOutcomeKind.Written,
                WriteOutcomeKind.Replayed, WriteOutcomeKind.RequestIdConflict, WriteOutcomeKind.Written,
            ],
            outcomes.Select(o => o.Kind));
        // The batch's events follow the filer's last one, consecutively, in the order of the writes.
        Assert.Equal(WithCursor(first.Event, 6), await NumberedAsync(store, Filer, outcomes[0].Event));
        Assert.Equal(WithCursor(second.Event, 7), await NumberedAsync(store, Filer, outcomes[5].Event));
        Assert.Equal(WithCursor(batch[8].Event, 2), await NumberedAsync(store, OtherFiler, outcomes[8].Event));
        Assert.Equal(earlier.Declaration, outcomes[3].Declaration);
        Assert.Equal(first.Declaration, outcomes[6].Declaration);
        Assert.All(new[] { 1, 2, 4, 7 }, i => Assert.Null(outcomes[i].Declaration));

        Assert.Equal(["1", "2", "3", "4", "5", "6", "7"],
            (await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 100, null, CancellationToken.None))).Select(e => e.Cursor));
        Assert.Equal(7, await LastEventNumberAsync(store, Filer));
        Assert.Equal(2, await LastEventNumberAsync(store, OtherFiler));
        Assert.Equal(second.Declaration, await store.GetAsync(d1.Key, CancellationToken.None));
        Assert.Equal(earlier.Declaration, await store.GetAsync(d3.Key, CancellationToken.None));
        Assert.Null(await store.GetAsync(new(Filer, "decl-missing"), CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-m", CancellationToken.None));
        Assert.Equal(first.Declaration, (await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None))!.Response);
        Assert.Equal(batch[8].Declaration, (await store.FindIdempotencyRecordAsync(OtherFiler, "req-1", CancellationToken.None))!.Response);
    }

    [SkippableFact]
    public async Task UpdateManyThatWritesNothingChangesNothing()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);
        var winner = Update(insert.Declaration, d => d.Remarks = "winner");
        await store.UpdateAsync(winner, CancellationToken.None);

        var outcomes = await store.UpdateManyAsync(
            [
                Update(insert.Declaration, d => d.Remarks = "late", requestId: "req-late",
                    facts: Facts("consignee-late", agencies: "fda")),
                Update(Submitted(Filer, "decl-2"), d => d.Remarks = "x"),
            ],
            CancellationToken.None);

        Assert.Equal([WriteOutcomeKind.RevisionConflict, WriteOutcomeKind.NotFound], outcomes.Select(o => o.Kind));
        Assert.Equal(winner.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Equal(2, await LastEventNumberAsync(store, Filer));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-late", CancellationToken.None));
        Assert.False(await store.IsFlaggedAsync("fda", insert.Key, CancellationToken.None));
        Assert.Empty(await store.GetConsigneeActivityAsync(["consignee-late"], BaseTime, CancellationToken.None));
        Assert.Empty(await store.UpdateManyAsync([], CancellationToken.None));
    }

    // ---- Concurrency ----

    [SkippableFact]
    public async Task ParallelInsertsGetEveryPositionOnce()
    {
        var store = await OpenFreshStoreAsync();
        const int Tasks = 8;
        const int PerTask = 40;

        var cursors = await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var i = 0; i < PerTask; i++)
            {
                var outcome = await store.InsertAsync(Insert(Filer, $"t{t}-{i}"), CancellationToken.None);
                Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
                mine.Add(outcome.Event!.Cursor);
            }
            return mine;
        })));

        // Each write's position is one of the log's, once; each task's writes follow one another.
        var log = await LogPositionsAsync(store, Filer);
        Assert.Equal(log.Select(p => p.ToString()).Order(StringComparer.Ordinal), cursors.SelectMany(c => c).Order(StringComparer.Ordinal));
        Assert.All(cursors, mine => Assert.Equal(mine.Select(EventPositionOf).Order(), mine.Select(EventPositionOf)));
        var all = Enumerable.Range(1, Tasks * PerTask).Select(i => (long)i);
        var events = await NumberedAsync(store, Filer, await ReadLogAsync(store, Filer, EventPosition.Start, 1000, null, CancellationToken.None));
        Assert.Equal(all.Select(s => s.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(e => e.Cursor));
        Assert.Equal(Tasks * PerTask, await LastEventNumberAsync(store, Filer));
        Assert.Equal(Tasks * PerTask, (await store.ListAsync(new(Filer, 1000), CancellationToken.None)).Count);
    }

    [SkippableFact]
    public async Task AReaderFollowingTheLogDuringWritesMissesNothing()
    {
        // What a watch stream does: read after the last cursor seen, again and again, while
        // several writers of the one filer insert and update side by side (on PostgreSQL with no
        // lock between them, committing in any order). No event may appear behind a cursor
        // already passed: the reader must end with the whole log, each event once, in its order.
        var store = await OpenFreshStoreAsync();
        const int Writers = 6;
        const int PerWriter = 20;
        var writers = Task.WhenAll(Enumerable.Range(0, Writers).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                var inserted = await store.InsertManyAsync([Insert(Filer, $"t{t}-{i}-a"), Insert(Filer, $"t{t}-{i}-b")], CancellationToken.None);
                await store.UpdateAsync(Update(inserted[0].Declaration!, d => d.Remarks = "amended"), CancellationToken.None);
            }
        })));

        var seen = new List<DeclarationEvent>();
        var done = false;
        while (!done)
        {
            if (writers.IsCompleted)
            {
                // One more read once the writers finished (and every write is readable) picks up the rest.
                await SettleAsync();
                done = true;
            }
            var after = seen.Count == 0 ? EventPosition.Start : EventPositionOf(seen[^1].Cursor);
            var events = await store.ReadEventsAsync(Filer, after, 7, null, CancellationToken.None);
            seen.AddRange(events);
            done &= events.Count < 7;
        }
        await writers;

        var log = await ReadLogAsync(store, Filer, EventPosition.Start, 10_000, null, CancellationToken.None);
        Assert.Equal(Writers * PerWriter * 3, log.Count);
        Assert.Equal(log, seen);
        Assert.Equal(log.Count, seen.Select(e => e.Cursor).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            (await NumberedAsync(store, Filer, seen)).Select(e => e.Cursor));
    }

    [SkippableFact]
    public async Task ConcurrentDuplicatesOfOneRequestWriteOnce()
    {
        var store = await OpenFreshStoreAsync();
        const int Rounds = 5;

        for (var round = 0; round < Rounds; round++)
        {
            // A gate released once every task is ready makes the duplicates really overlap.
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var requestId = $"req-{round}";
            var pending = Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await store.InsertAsync(Insert(Filer, $"decl-{round}-{i}", requestId: requestId), CancellationToken.None);
            })).ToArray();
            start.SetResult();
            var outcomes = await Task.WhenAll(pending);

            var written = Assert.Single(outcomes, o => o.Kind == WriteOutcomeKind.Written);
            Assert.Equal(9, outcomes.Count(o => o.Kind == WriteOutcomeKind.Replayed));
            Assert.All(outcomes, o => Assert.Equal(written.Declaration, o.Declaration));
            Assert.Equal(written.Declaration, (await store.FindIdempotencyRecordAsync(Filer, requestId, CancellationToken.None))!.Response);
        }
        Assert.Equal(Rounds, (await store.ListAsync(new(Filer, 100), CancellationToken.None)).Count);
        Assert.Equal(Rounds, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task ConcurrentUpdatesOfOneRevisionLetExactlyOneWin()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            store.UpdateAsync(Update(insert.Declaration, d => d.Remarks = $"writer {i}"), CancellationToken.None))));

        var winner = Assert.Single(outcomes, o => o.Kind == WriteOutcomeKind.Written);
        Assert.Equal(7, outcomes.Count(o => o.Kind == WriteOutcomeKind.RevisionConflict));
        Assert.Equal(winner.Declaration, await store.GetAsync(insert.Key, CancellationToken.None));
        Assert.Equal(2, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task ConcurrentUpdateBatchesOverSeveralFilersKeepEachLogGapless()
    {
        // Batches naming the same filers in opposite orders: a store that locked filers in the
        // order of the writes could deadlock here.
        var store = await OpenFreshStoreAsync();
        string[] filers = ["filer-a", "filer-b", "filer-c"];
        const int Tasks = 6;
        const int Rounds = 10;
        var current = new Declaration[Tasks][];
        for (var t = 0; t < Tasks; t++)
        {
            var writes = filers.Select(filer => Insert(filer, $"t{t}")).ToArray();
            await store.InsertManyAsync(writes, CancellationToken.None);
            current[t] = writes.Select(w => w.Declaration).ToArray();
        }

        await Task.WhenAll(Enumerable.Range(0, Tasks).Select(t => Task.Run(async () =>
        {
            for (var round = 0; round < Rounds; round++)
            {
                var order = t % 2 == 0 ? new[] { 0, 1, 2 } : [2, 1, 0];
                var writes = order.Select(f => Update(current[t][f], d => d.Remarks = $"round {round}")).ToArray();
                var outcomes = await store.UpdateManyAsync(writes, CancellationToken.None);
                Assert.All(outcomes, o => Assert.Equal(WriteOutcomeKind.Written, o.Kind));
                for (var i = 0; i < order.Length; i++)
                {
                    current[t][order[i]] = writes[i].Declaration;
                }
            }
        })));

        foreach (var filer in filers)
        {
            var events = await NumberedAsync(store, filer, await ReadLogAsync(store, filer, EventPosition.Start, 1000, null, CancellationToken.None));
            var total = Tasks * (Rounds + 1);
            Assert.Equal(Enumerable.Range(1, total).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                events.Select(e => e.Cursor));
        }
        for (var t = 0; t < Tasks; t++)
        {
            foreach (var declaration in current[t])
            {
                Assert.Equal(declaration, await store.GetAsync(KeyOf(declaration), CancellationToken.None));
            }
        }
    }

    [SkippableFact]
    public async Task TwoNodesOnOneDatabaseShareOneGaplessLog()
    {
        var nodes = new[] { await OpenFreshStoreAsync(), await OpenStoreTrackedAsync() };

        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var outcome = await nodes[(t + i) % 2].InsertAsync(
                    Insert(Filer, $"t{t}-{i}", requestId: $"req-{t}-{i % 5}", requestHash: Hash($"{t}-{i}")),
                    CancellationToken.None);
                Assert.Equal(i < 5 ? WriteOutcomeKind.Written : WriteOutcomeKind.RequestIdConflict, outcome.Kind);
            }
        })));

        foreach (var node in nodes)
        {
            var events = await NumberedAsync(node, Filer, await ReadLogAsync(node, Filer, EventPosition.Start, 1000, null, CancellationToken.None));
            Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), events.Select(e => e.Cursor));
            Assert.Equal(20, await LastEventNumberAsync(node, Filer));
        }
    }

    [SkippableFact]
    public async Task NodesStartingAtOnceOnAnEmptyDatabaseAllOpen()
    {
        await CreateFreshDatabaseAsync();

        var nodes = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(OpenStoreTrackedAsync)));

        var write = Insert(Filer, "decl-1");
        await nodes[0].InsertAsync(write, CancellationToken.None);
        Assert.All(await Task.WhenAll(nodes.Select(n => n.GetAsync(write.Key, CancellationToken.None))),
            d => Assert.Equal(write.Declaration, d));
    }

    // ---- Durability and cancellation ----

    [SkippableFact]
    public async Task EverythingIsThereAfterReopening()
    {
        var store = await OpenFreshStoreAsync();
        var first = Insert(Filer, "decl-1", requestId: "req-1");
        var second = Insert(Filer, "decl-2", createTime: BaseTime.AddSeconds(1), sample: SampleDeclarations.ExpressMarketplaceSale());
        await store.InsertManyAsync([first, second], CancellationToken.None);
        var amend = Update(first.Declaration, d => d.Status = DeclarationStatus.UnderReview, requestId: "req-2");
        await store.UpdateAsync(amend, CancellationToken.None);
        await CloseAsync(store);

        var reopened = await OpenStoreTrackedAsync();

        Assert.Equal(amend.Declaration.ToByteArray(), (await reopened.GetAsync(first.Key, CancellationToken.None))!.ToByteArray());
        Assert.Equal(second.Declaration.ToByteArray(), (await reopened.GetAsync(second.Key, CancellationToken.None))!.ToByteArray());
        Assert.Equal([second.Declaration, amend.Declaration], await reopened.ListAsync(new(Filer, 10), CancellationToken.None));
        Assert.Equal(
            [WithCursor(first.Event, 1), WithCursor(second.Event, 2), WithCursor(amend.Event, 3)],
            await NumberedAsync(reopened, Filer, await ReadLogAsync(reopened, Filer, EventPosition.Start, 10, null, CancellationToken.None)));
        Assert.Equal(3, await LastEventNumberAsync(reopened, Filer));
        Assert.Equal(first.Declaration, (await reopened.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None))!.Response);
        Assert.Equal(amend.Declaration, (await reopened.FindIdempotencyRecordAsync(Filer, "req-2", CancellationToken.None))!.Response);
        Assert.Equal(WriteOutcomeKind.Replayed, (await reopened.InsertAsync(first, CancellationToken.None)).Kind);
        Assert.Equal("4", (await NumberedAsync(reopened, Filer, (await reopened.InsertAsync(Insert(Filer, "decl-3"), CancellationToken.None)).Event))!.Cursor);
    }

    [SkippableFact]
    public async Task CancelledCallsThrowAndChangeNothing()
    {
        var store = await OpenFreshStoreAsync();
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var write = Insert(Filer, "decl-1", requestId: "req-1");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.InsertAsync(write, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.InsertManyAsync([write], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.UpdateAsync(Update(write.Declaration, d => d.Remarks = "x"), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.GetAsync(write.Key, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListAsync(new(Filer, 10), cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ReadEventsAsync(Filer, EventPosition.Start, 10, null, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.UpdateManyAsync([Update(write.Declaration, d => d.Remarks = "x")], cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListDueForAssessmentAsync(BaseTime, 10, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.ListByStatusAsync(DeclarationStatus.Accepted, null, null, 10, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.ListFlaggedAsync("fda", null, 10, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            store.GetConsigneeActivityAsync(["consignee-default"], BaseTime, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            (StoresOf(store).Registries).TryInsertAsync(new("kind", "id", 1, [1]), cancelled.Token));

        Assert.Null(await store.GetAsync(write.Key, CancellationToken.None));
        Assert.Null(await store.FindIdempotencyRecordAsync(Filer, "req-1", CancellationToken.None));
        Assert.Equal(0, await LastEventNumberAsync(store, Filer));
    }

    [SkippableFact]
    public async Task LimitsMustBePositive()
    {
        var store = await OpenFreshStoreAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListAsync(new(Filer, 0), CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ReadEventsAsync(Filer, EventPosition.Start, 0, null, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListDueForAssessmentAsync(BaseTime, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            store.ListByStatusAsync(DeclarationStatus.Accepted, null, null, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => store.ListFlaggedAsync("fda", null, 0, CancellationToken.None));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            (StoresOf(store).Registries).ListAsync("kind", "", null, 0, CancellationToken.None));
    }

    // ---- Helpers ----

    /// <summary>Makes this test's empty database (skipping the test when the backend is unavailable).</summary>
    private async Task CreateFreshDatabaseAsync()
    {
        Skip.If(SkipReason is not null, SkipReason);
        await CreateDatabaseAsync();
        _databaseCreated = true;
    }

    /// <summary>A store on a new, empty database of this test's own.</summary>
    protected async Task<IDeclarationStore> OpenFreshStoreAsync()
    {
        await CreateFreshDatabaseAsync();
        return await OpenStoreTrackedAsync();
    }

    /// <summary>Another store on this test's database, closed when the test ends.</summary>
    private async Task<IDeclarationStore> OpenStoreTrackedAsync()
    {
        var stores = await OpenStoreAsync();
        lock (_openStores)
        {
            _openStores.Add(stores);
        }
        return stores.Declarations;
    }

    /// <summary>The stores opened with <paramref name="store"/> (any one of them): one database, one repository per aggregate.</summary>
    protected ExchangeStores StoresOf(object store)
    {
        lock (_openStores)
        {
            return _openStores.Single(stores =>
                ReferenceEquals(stores.Declarations, store) || ReferenceEquals(stores.Registries, store)
                || ReferenceEquals(stores.Reports, store) || ReferenceEquals(stores.Outbox, store)
                || ReferenceEquals(stores.Notices, store) || ReferenceEquals(stores.Audit, store));
        }
    }

    /// <summary>Closes the database of <paramref name="store"/> (any of its stores).</summary>
    private async Task CloseAsync(object store)
    {
        var stores = StoresOf(store);
        lock (_openStores)
        {
            _openStores.Remove(stores);
        }
        await stores.DisposeAsync();
    }

    private static async Task<List<Declaration>> ReadAllPagesAsync(IDeclarationStore store, DeclarationQuery query)
    {
        var all = new List<Declaration>();
        while (true)
        {
            var page = await store.ListAsync(query, CancellationToken.None);
            all.AddRange(page);
            if (page.Count < query.Limit)
            {
                return all;
            }
            query = query with { After = PositionAfter(page[^1]) };
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// What the enforcement side asks of a store: the facts kept next to a declaration (consignee,
/// value, assessment, agency flags) and the queries across filers built on them.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    // ---- Facts ----

    [SkippableFact]
    public async Task FactsAreKeptByAnUpdateWithoutAndReplacedByOneWith()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        var assessed = Assessment(insert.Declaration, score: 40);
        insert = insert with { Facts = Facts("consignee-1", 500, assessed, "fda") };
        await store.InsertAsync(insert, CancellationToken.None);

        Assert.Equal(assessed, await store.GetAssessmentAsync(insert.Key, CancellationToken.None));
        Assert.Equal(new ConsigneeActivity(1, 500), (await Activity(store, "consignee-1"))["consignee-1"]);
        Assert.True(await store.IsFlaggedAsync("fda", insert.Key, CancellationToken.None));

        // No facts: everything stays.
        var amend = Update(insert.Declaration, d => d.Remarks = "amended");
        await store.UpdateAsync(amend, CancellationToken.None);
        Assert.Equal(assessed, await store.GetAssessmentAsync(insert.Key, CancellationToken.None));
        Assert.Equal(new ConsigneeActivity(1, 500), (await Activity(store, "consignee-1"))["consignee-1"]);

        // Facts: consignee, value and assessment are replaced, flags are added to.
        var reassessed = Assessment(amend.Declaration, score: 75);
        var reassess = Update(amend.Declaration, d => d.Status = DeclarationStatus.Held,
            facts: Facts("consignee-2", 700, reassessed, "usda"));
        await store.UpdateAsync(reassess, CancellationToken.None);
        Assert.Equal(reassessed, await store.GetAssessmentAsync(insert.Key, CancellationToken.None));
        var activity = await Activity(store, "consignee-1", "consignee-2");
        Assert.Equal(new Dictionary<string, ConsigneeActivity> { ["consignee-2"] = new(1, 700) }, activity);
        Assert.True(await store.IsFlaggedAsync("fda", insert.Key, CancellationToken.None));
        Assert.True(await store.IsFlaggedAsync("usda", insert.Key, CancellationToken.None));

        // Facts without an assessment clear it; flags still stay.
        await store.UpdateAsync(Update(reassess.Declaration, d => d.Remarks = "x", facts: Facts("consignee-2", 700)), CancellationToken.None);
        Assert.Null(await store.GetAssessmentAsync(insert.Key, CancellationToken.None));
        Assert.True(await store.IsFlaggedAsync("fda", insert.Key, CancellationToken.None));
        Assert.True(await store.IsFlaggedAsync("usda", insert.Key, CancellationToken.None));

        // The facts never change the declaration's bytes, and belong to its filer only.
        Assert.Equal(4, (await store.GetAsync(insert.Key, CancellationToken.None))!.Revision);
        Assert.Null(await store.GetAssessmentAsync(new(OtherFiler, "decl-1"), CancellationToken.None));
        Assert.Null(await store.GetAssessmentAsync(new(Filer, "decl-2"), CancellationToken.None));
        Assert.False(await store.IsFlaggedAsync("fda", new(OtherFiler, "decl-1"), CancellationToken.None));
    }

    [SkippableFact]
    public async Task AnAssessmentIsReturnedAsStored()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        var assessed = Assessment(insert.Declaration, score: 12);
        assessed.Hits.Add(new RuleHit { RuleId = "undervaluation", Kind = RuleKind.Undervaluation, Weight = 12, Reason = "items[0] far below the reference value", FieldPaths = { "items[0].unit_value" } });
        assessed.FlaggedAgencies.Add("agencies/fda");
        await store.InsertAsync(insert with { Facts = Facts("consignee-1", 1, assessed) }, CancellationToken.None);

        var stored = await store.GetAssessmentAsync(insert.Key, CancellationToken.None);

        Assert.Equal(assessed, stored);
        Assert.NotSame(assessed, stored);
    }

    // ---- Agency flags ----

    [SkippableFact]
    public async Task FlagsAccumulateAndListNewestFirstWithPaging()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        var f1 = Insert(Filer, "f1", createTime: t0, facts: Facts("c", agencies: ["fda", "usda"]));
        var f2 = Insert(OtherFiler, "f2", createTime: t0, facts: Facts("c", agencies: "fda"));
        var f3 = Insert(Filer, "f3", createTime: t0.AddSeconds(1));
        var f4 = Insert(Filer, "f4", createTime: t0.AddSeconds(2), facts: Facts("c", agencies: "usda"));
        var f5 = Insert(Filer, "f5", createTime: t0.AddSeconds(-1), facts: Facts("c", agencies: ["fda", "fda"]));
        await store.InsertManyAsync([f1, f2, f3, f4], CancellationToken.None);
        await store.InsertAsync(f5, CancellationToken.None);
        // f3 is flagged by an update; f1's later facts name no agency, and take none away.
        var f3Flagged = Update(f3.Declaration, d => d.Status = DeclarationStatus.Held, facts: Facts("c", agencies: ["fda", "fda"]));
        await store.UpdateManyAsync(
            [f3Flagged, Update(f1.Declaration, d => d.Remarks = "x", facts: Facts("c"))], CancellationToken.None);
        await store.UpdateAsync(Update(f3Flagged.Declaration, d => d.Remarks = "again", facts: Facts("c", agencies: "fda")), CancellationToken.None);

        async Task<string[]> Flagged(string agency, ListPosition? after = null, int limit = 100) =>
            (await store.ListFlaggedAsync(agency, after, limit, CancellationToken.None)).Select(d => KeyOf(d).DeclarationId).ToArray();

        Assert.Equal(["f3", "f2", "f1", "f5"], await Flagged("fda"));
        Assert.Equal(["f4", "f1"], await Flagged("usda"));
        Assert.Empty(await Flagged("cbp"));
        Assert.Equal(["f3", "f2"], await Flagged("fda", limit: 2));
        Assert.Equal(["f1", "f5"], await Flagged("fda", PositionAfter(f2.Declaration), 2));
        Assert.Equal(["f5"], await Flagged("fda", PositionAfter(f1.Declaration)));
        Assert.Empty(await Flagged("fda", PositionAfter(f5.Declaration)));
        // A position between stored times: everything created before it.
        Assert.Equal(["f2", "f1", "f5"], await Flagged("fda", new ListPosition(t0.AddTicks(1), "")));

        // The listed declarations are their current state.
        var listed = await store.ListFlaggedAsync("fda", null, 1, CancellationToken.None);
        Assert.Equal(DeclarationStatus.Held, listed[0].Status);
        Assert.Equal(3, listed[0].Revision);

        var pages = new List<string>();
        ListPosition? position = null;
        while (true)
        {
            var page = await store.ListFlaggedAsync("fda", position, 1, CancellationToken.None);
            if (page.Count == 0)
            {
                break;
            }
            pages.Add(KeyOf(page[0]).DeclarationId);
            position = PositionAfter(page[0]);
        }
        Assert.Equal(["f3", "f2", "f1", "f5"], pages);

        Assert.True(await store.IsFlaggedAsync("fda", f1.Key, CancellationToken.None));
        Assert.True(await store.IsFlaggedAsync("fda", f2.Key, CancellationToken.None));
        Assert.True(await store.IsFlaggedAsync("fda", f3.Key, CancellationToken.None));
        Assert.False(await store.IsFlaggedAsync("fda", f4.Key, CancellationToken.None));
        Assert.False(await store.IsFlaggedAsync("usda", f2.Key, CancellationToken.None));
        Assert.False(await store.IsFlaggedAsync("fda", new(OtherFiler, "f1"), CancellationToken.None));
    }

    // ---- The assessor's work queue ----

    [SkippableFact]
    public async Task DueForAssessmentIsAcceptedOnlyOldestUpdateFirstUpToTheCutoff()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        var q1 = Insert(Filer, "q1", createTime: t0.AddSeconds(5));
        var q2 = Insert(OtherFiler, "q2", createTime: t0.AddSeconds(1));
        var q3 = Insert(Filer, "q3", createTime: t0.AddSeconds(-10));
        var q4 = Insert(OtherFiler, "q4", createTime: t0.AddSeconds(-9.5));
        var held = Insert(Filer, "h1", createTime: t0.AddSeconds(-20), configure: d => d.Status = DeclarationStatus.Held);
        var released = Insert(OtherFiler, "r1", createTime: t0.AddSeconds(-30), configure: d => d.Status = DeclarationStatus.Released);
        await store.InsertManyAsync([q1, q2, q3, q4, held, released], CancellationToken.None);
        // Updated a second after its creation, still ACCEPTED: q3 now comes after q4, though created before it.
        await store.UpdateAsync(Update(q3.Declaration, d => d.Remarks = "amended"), CancellationToken.None);

        async Task<string[]> Due(DateTimeOffset cutoff, int limit = 100) =>
            (await store.ListDueForAssessmentAsync(cutoff, limit, CancellationToken.None)).Select(d => KeyOf(d).DeclarationId).ToArray();

        var q2Updated = t0.AddSeconds(1);
        Assert.Equal(["q4", "q3", "q2"], await Due(q2Updated));
        Assert.Equal(["q4", "q3"], await Due(q2Updated.AddTicks(-1)));
        Assert.Equal(["q4", "q3", "q2"], await Due(q2Updated.AddTicks(1)));
        Assert.Equal(["q4", "q3"], await Due(q2Updated, limit: 2));
        Assert.Equal(["q4", "q3", "q2", "q1"], await Due(DateTimeOffset.MaxValue));
        Assert.Empty(await Due(t0.AddHours(-1)));

        // Leaving ACCEPTED leaves the queue.
        await store.UpdateAsync(Update(q4.Declaration, d => d.Status = DeclarationStatus.Released), CancellationToken.None);
        Assert.Equal(["q3", "q2", "q1"], await Due(DateTimeOffset.MaxValue));
    }

    // ---- By status ----

    [SkippableFact]
    public async Task ByStatusIsOldestFirstAcrossFilersOrForOne()
    {
        var store = await OpenFreshStoreAsync();
        var t0 = BaseTime;
        await store.InsertManyAsync(
            [
                Insert(Filer, "a1", createTime: t0),
                Insert(OtherFiler, "b1", createTime: t0),
                Insert(Filer, "a2", createTime: t0.AddSeconds(1), configure: d => d.Status = DeclarationStatus.Held),
                Insert(OtherFiler, "b0", createTime: t0.AddSeconds(2)),
                Insert(Filer, "a0", createTime: t0.AddSeconds(3)),
                Insert(OtherFiler, "b2", createTime: t0.AddSeconds(-1)),
            ],
            CancellationToken.None);

        async Task<string[]> ByStatus(DeclarationStatus status, string? filer, ListPosition? after = null, int limit = 100) =>
            (await store.ListByStatusAsync(status, filer, after, limit, CancellationToken.None)).Select(d => KeyOf(d).DeclarationId).ToArray();

        Assert.Equal(["b2", "a1", "b1", "b0", "a0"], await ByStatus(DeclarationStatus.Accepted, null));
        Assert.Equal(["a1", "a0"], await ByStatus(DeclarationStatus.Accepted, Filer));
        Assert.Equal(["b2", "b1", "b0"], await ByStatus(DeclarationStatus.Accepted, OtherFiler));
        Assert.Equal(["a2"], await ByStatus(DeclarationStatus.Held, null));
        Assert.Empty(await ByStatus(DeclarationStatus.Held, OtherFiler));
        Assert.Empty(await ByStatus(DeclarationStatus.Accepted, "filer-unknown"));

        // Positions: strictly after, ties on the time broken by id.
        Assert.Equal(["b2", "a1"], await ByStatus(DeclarationStatus.Accepted, null, limit: 2));
        Assert.Equal(["b1", "b0"], await ByStatus(DeclarationStatus.Accepted, null, new(t0, "a1"), 2));
        Assert.Equal(["a0"], await ByStatus(DeclarationStatus.Accepted, null, new(t0.AddSeconds(2), "b0"), 2));
        Assert.Empty(await ByStatus(DeclarationStatus.Accepted, null, new(t0.AddSeconds(3), "a0")));
        Assert.Equal(["b0"], await ByStatus(DeclarationStatus.Accepted, OtherFiler, new(t0, "b1")));
        Assert.Equal(["a0"], await ByStatus(DeclarationStatus.Accepted, Filer, new(t0, "a1")));
        // A position between stored times: everything created from the next microsecond on.
        Assert.Equal(["b0", "a0"], await ByStatus(DeclarationStatus.Accepted, null, new(t0.AddTicks(1), "zzz")));

        var paged = new List<string>();
        ListPosition? position = null;
        while (true)
        {
            var page = await store.ListByStatusAsync(DeclarationStatus.Accepted, null, position, 2, CancellationToken.None);
            paged.AddRange(page.Select(d => KeyOf(d).DeclarationId));
            if (page.Count < 2)
            {
                break;
            }
            position = PositionAfter(page[^1]);
        }
        Assert.Equal(["b2", "a1", "b1", "b0", "a0"], paged);
    }

    // ---- Consignee activity ----

    [SkippableFact]
    public async Task ConsigneeActivityCountsRecentUncancelledDeclarationsOfEveryFiler()
    {
        var store = await OpenFreshStoreAsync();
        var since = BaseTime;
        await store.InsertManyAsync(
            [
                Insert(Filer, "c1", createTime: since.AddTicks(-10), facts: Facts("k1", 100)),          // a microsecond too early
                Insert(Filer, "c2", createTime: since, facts: Facts("k1", 200)),                        // exactly at the start
                Insert(OtherFiler, "c3", createTime: since.AddHours(1), facts: Facts("k1", 400)),       // another filer
                Insert(Filer, "c4", createTime: since.AddSeconds(1), facts: Facts("k1", 800),
                    configure: d => d.Status = DeclarationStatus.Cancelled),                             // cancelled
                Insert(Filer, "c5", createTime: since.AddSeconds(1), facts: Facts("k2", 50),
                    configure: d => d.Status = DeclarationStatus.Cancelled),
                Insert(OtherFiler, "c6", createTime: since.AddSeconds(2), facts: Facts("k3", 7)),
            ],
            CancellationToken.None);

        Assert.Equal(
            new Dictionary<string, ConsigneeActivity> { ["k1"] = new(2, 600), ["k3"] = new(1, 7) },
            await store.GetConsigneeActivityAsync(["k1", "k2", "k4", "k1", "k3"], since, CancellationToken.None));
        Assert.Equal(new ConsigneeActivity(3, 700), (await Activity(store, since.AddTicks(-10), "k1"))["k1"]);
        Assert.Equal(new ConsigneeActivity(2, 600), (await Activity(store, since.AddTicks(-1), "k1"))["k1"]);
        Assert.Equal(new ConsigneeActivity(1, 400), (await Activity(store, since.AddTicks(1), "k1"))["k1"]);
        Assert.Empty(await store.GetConsigneeActivityAsync([], since, CancellationToken.None));
        Assert.Empty(await Activity(store, since.AddDays(1), "k1"));

        // Cancelling takes a declaration out of the sum.
        var c2 = (await store.GetAsync(new(Filer, "c2"), CancellationToken.None))!;
        await store.UpdateAsync(Update(c2, d => d.Status = DeclarationStatus.Cancelled), CancellationToken.None);
        Assert.Equal(new ConsigneeActivity(1, 400), (await Activity(store, since, "k1"))["k1"]);
    }

    [SkippableFact]
    public async Task ConsigneeActivityAnswersManyKeysAtOnce()
    {
        var store = await OpenFreshStoreAsync();
        var writes = Enumerable.Range(0, 250)
            .Select(i => Insert(i % 2 == 0 ? Filer : OtherFiler, $"d{i}", facts: Facts($"key-{i}", i)))
            .ToArray();
        await store.InsertManyAsync(writes, CancellationToken.None);
        var keys = Enumerable.Range(0, 260).Select(i => $"key-{i}").ToArray();

        var activity = await store.GetConsigneeActivityAsync(keys, BaseTime, CancellationToken.None);

        Assert.Equal(250, activity.Count);
        Assert.All(Enumerable.Range(0, 250), i => Assert.Equal(new ConsigneeActivity(1, i), activity[$"key-{i}"]));
    }

    [SkippableFact]
    public async Task ConsigneeActivityIsExactFromAnyTimeAcrossHoursAndChanges()
    {
        // Declarations every 17 minutes over five hours, three consignees; the answer from any
        // start, on and off the hour boundaries the store counts by, must equal a plain count.
        var store = await OpenFreshStoreAsync();
        var rows = Enumerable.Range(0, 18)
            .Select(i => (Id: $"t{i}", Key: $"key-{i % 3}", Value: 100L + i, Time: BaseTime.AddMinutes(17 * i)))
            .ToList();
        await store.InsertManyAsync(
            rows.Select(r => Insert(r.Id.EndsWith('7') ? OtherFiler : Filer, r.Id, createTime: r.Time, facts: Facts(r.Key, r.Value))).ToArray(),
            CancellationToken.None);
        var counted = rows.ToDictionary(r => r.Id, r => (r.Key, r.Value, r.Time));

        async Task AssertCountsFromEverywhere()
        {
            DateTimeOffset[] starts =
            [
                BaseTime.AddHours(-80), BaseTime.AddTicks(-1), BaseTime, BaseTime.AddTicks(1), BaseTime.AddMinutes(17),
                BaseTime.AddMinutes(17).AddTicks(1), BaseTime.AddMinutes(59), BaseTime.AddHours(1).AddTicks(-1),
                BaseTime.AddHours(1), BaseTime.AddHours(2).AddMinutes(30), BaseTime.AddHours(4).AddMinutes(50), BaseTime.AddHours(6),
            ];
            foreach (var since in starts)
            {
                var expected = counted.Values.Where(c => c.Time >= since).GroupBy(c => c.Key)
                    .ToDictionary(g => g.Key, g => new ConsigneeActivity(g.Count(), g.Sum(c => c.Value)));
                Assert.Equal(expected, await Activity(store, since, "key-0", "key-1", "key-2", "key-new"));
            }
        }

        await AssertCountsFromEverywhere();

        // Cancelling takes one out; an amendment moves one to another consignee and value.
        var cancelled = (await store.GetAsync(new(Filer, "t4"), CancellationToken.None))!;
        await store.UpdateAsync(Update(cancelled, d => d.Status = DeclarationStatus.Cancelled), CancellationToken.None);
        counted.Remove("t4");
        var moved = (await store.GetAsync(new(Filer, "t9"), CancellationToken.None))!;
        await store.UpdateAsync(Update(moved, d => d.Remarks = "new consignee", facts: Facts("key-new", 5_000)), CancellationToken.None);
        counted["t9"] = ("key-new", 5_000, counted["t9"].Time);
        // An update that keeps the facts and a status that stays counted change nothing.
        var released = (await store.GetAsync(new(Filer, "t10"), CancellationToken.None))!;
        await store.UpdateAsync(Update(released, d => d.Status = DeclarationStatus.Released), CancellationToken.None);

        await AssertCountsFromEverywhere();
    }

    [SkippableFact]
    public async Task ConsigneeActivityValueSaturatesInsteadOfFailingTheWrite()
    {
        var store = await OpenFreshStoreAsync();
        await store.InsertManyAsync(
            [
                Insert(Filer, "s1", createTime: BaseTime.AddMinutes(1), facts: Facts("k", long.MaxValue)),
                Insert(Filer, "s2", createTime: BaseTime.AddMinutes(2), facts: Facts("k", long.MaxValue)),
                Insert(Filer, "s3", createTime: BaseTime.AddHours(2), facts: Facts("k", long.MaxValue)),
            ],
            CancellationToken.None);

        Assert.Equal(new ConsigneeActivity(3, long.MaxValue), (await Activity(store, BaseTime, "k"))["k"]);
        Assert.Equal(new ConsigneeActivity(3, long.MaxValue), (await Activity(store, BaseTime.AddMinutes(1), "k"))["k"]);
        Assert.Equal(new ConsigneeActivity(1, long.MaxValue), (await Activity(store, BaseTime.AddHours(1), "k"))["k"]);

        // A saturated hour stays saturated when one of its declarations is cancelled: what it
        // held is unknown, and counting too much is the safe side for risk.
        await store.InsertManyAsync(
            [
                Insert(Filer, "s4", createTime: BaseTime.AddMinutes(3), facts: Facts("k2", long.MaxValue)),
                Insert(Filer, "s5", createTime: BaseTime.AddMinutes(4), facts: Facts("k2", 100)),
            ],
            CancellationToken.None);
        var absurd = (await store.GetAsync(new(Filer, "s4"), CancellationToken.None))!;
        await store.UpdateAsync(Update(absurd, d => d.Status = DeclarationStatus.Cancelled), CancellationToken.None);
        Assert.Equal(new ConsigneeActivity(1, long.MaxValue), (await Activity(store, BaseTime.AddHours(-1), "k2"))["k2"]);
        // Counted exactly (since's own hour), the cancelled one is simply left out.
        Assert.Equal(new ConsigneeActivity(1, 100), (await Activity(store, BaseTime, "k2"))["k2"]);
    }

    private static Task<IReadOnlyDictionary<string, ConsigneeActivity>> Activity(IDeclarationStore store, params string[] keys) =>
        Activity(store, BaseTime, keys);

    private static Task<IReadOnlyDictionary<string, ConsigneeActivity>> Activity(
        IDeclarationStore store, DateTimeOffset since, params string[] keys) =>
        store.GetConsigneeActivityAsync(keys, since, CancellationToken.None);
}

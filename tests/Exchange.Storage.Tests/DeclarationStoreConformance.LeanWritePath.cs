using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The lean write path (schema version 9): an idempotency record answered by the declaration's row
/// instead of a copy of it, and the reference look-up through its side table. What a retry and a
/// reference filter return must not change with how little is written.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    [SkippableFact]
    public async Task AnInsertRetriedAfterTheDeclarationChangedGetsTheDeclarationAsFirstWritten()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1", requestId: "req-create");
        await store.InsertAsync(insert, CancellationToken.None);
        var amend = Update(insert.Declaration, d => d.Remarks = "amended", requestId: "req-amend");
        await store.UpdateAsync(amend, CancellationToken.None);
        await store.UpdateAsync(Update(amend.Declaration, d => d.Remarks = "amended again"), CancellationToken.None);

        var retry = await store.InsertAsync(Insert(Filer, "decl-2", requestId: "req-create"), CancellationToken.None);
        var retriedAmend = await store.UpdateAsync(amend, CancellationToken.None);

        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(insert.Declaration, retry.Declaration);
        Assert.Equal(insert.Declaration, (await store.FindIdempotencyRecordAsync(Filer, "req-create", CancellationToken.None))!.Response);
        Assert.Equal(WriteOutcomeKind.Replayed, retriedAmend.Kind);
        Assert.Equal(amend.Declaration, retriedAmend.Declaration);
    }

    [SkippableFact]
    public async Task TwoUpdatesOfOneDeclarationInOneBatchAreEachReplayedWithTheirOwnAnswer()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1");
        await store.InsertAsync(insert, CancellationToken.None);
        var first = Update(insert.Declaration, d => d.Remarks = "first", requestId: "req-1");
        var second = Update(first.Declaration, d => d.Remarks = "second", requestId: "req-2");
        await store.UpdateManyAsync([first, second], CancellationToken.None);
        await store.UpdateAsync(Update(second.Declaration, d => d.Remarks = "third"), CancellationToken.None);

        var retries = await store.UpdateManyAsync([second, first], CancellationToken.None);

        Assert.Equal([WriteOutcomeKind.Replayed, WriteOutcomeKind.Replayed], retries.Select(o => o.Kind));
        Assert.Equal([second.Declaration, first.Declaration], retries.Select(o => o.Declaration));
    }

    [SkippableFact]
    public async Task AReferenceAnAmendmentDroppedNoLongerMatchesAndTheNewOneDoes()
    {
        var store = await OpenFreshStoreAsync();
        var insert = Insert(Filer, "decl-1", configure: d => d.CustomsReference = "26DE0000000000001A");
        await store.InsertAsync(insert, CancellationToken.None);

        await store.UpdateAsync(Update(insert.Declaration, d => d.CustomsReference = "26DE0000000000002B"), CancellationToken.None);

        Assert.Empty(await store.ListAsync(new(Filer, 10, Reference: "26DE0000000000001A"), CancellationToken.None));
        Assert.Equal("26DE0000000000002B",
            Assert.Single(await store.ListAsync(new(Filer, 10, Reference: "26DE0000000000002B"), CancellationToken.None)).CustomsReference);
        // The local reference number did not change and still matches once (one side-table entry).
        Assert.Single(await store.ListAsync(new(Filer, 10, Reference: insert.Declaration.LocalReferenceNumber), CancellationToken.None));
    }

    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion8KeepsItsReferencesAndItsAnswers()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(8);
        var old = Insert(Filer, "decl-old", requestId: "req-old", configure: d => d.CustomsReference = "26DE0000000000003C");
        await InsertAsRelease1Async(old);

        var store = await OpenStoreTrackedAsync();

        // The references of the earlier rows were copied into the side table.
        foreach (var reference in new[] { old.Declaration.LocalReferenceNumber, "26DE0000000000003C" })
        {
            Assert.Equal(old.Declaration.Name, Assert.Single(await store.ListAsync(new(Filer, 10, Reference: reference), CancellationToken.None)).Name);
        }
        // Its record keeps its own copy: a retry after a change still gets the first answer.
        await store.UpdateAsync(Update(old.Declaration, d => d.Remarks = "amended"), CancellationToken.None);
        var retry = await store.InsertAsync(Insert(Filer, "decl-new", requestId: "req-old"), CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Replayed, retry.Kind);
        Assert.Equal(old.Declaration, retry.Declaration);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 9"));
    }
}

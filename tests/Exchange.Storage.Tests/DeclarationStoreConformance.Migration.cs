using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Storage;
using Exchange.Storage.Schema;
using Google.Protobuf;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>Opening a database an earlier release wrote: the migrations run and its rows stay readable.</summary>
public abstract partial class DeclarationStoreConformance
{
    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion1IsMigratedAndItsRowsStayReadable()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(1);
        var old = Insert(Filer, "decl-old", requestId: "req-old");
        await InsertAsRelease1Async(old);

        var store = await OpenStoreTrackedAsync();

        Assert.Equal(old.Declaration.ToByteArray(), (await store.GetAsync(old.Key, CancellationToken.None))!.ToByteArray());
        Assert.Equal([old.Declaration], await store.ListAsync(new(Filer, 10), CancellationToken.None));
        // The event written before keeps its cursor: a watch resumes from "1" as before.
        Assert.Equal([WithCursor(old.Event, 1)], await ReadLogAsync(store, Filer, EventPosition.Start, 10, null, CancellationToken.None));
        Assert.Equal(old.Declaration, (await store.FindIdempotencyRecordAsync(Filer, "req-old", CancellationToken.None))!.Response);
        // The new columns of an old row: no consignee, no value, no assessment, no flags.
        Assert.Null(await store.GetAssessmentAsync(old.Key, CancellationToken.None));
        Assert.Equal(new ConsigneeActivity(1, 0), (await store.GetConsigneeActivityAsync([""], BaseTime, CancellationToken.None))[""]);
        Assert.Empty(await store.ListFlaggedAsync("fda", null, 10, CancellationToken.None));
        Assert.Equal([old.Declaration], await store.ListByStatusAsync(DeclarationStatus.Accepted, null, null, 10, CancellationToken.None));
        Assert.Equal([old.Declaration], await store.ListDueForAssessmentAsync(BaseTime, 10, CancellationToken.None));

        // It can be updated with and without facts, and the log goes on from where it was.
        var amend = Update(old.Declaration, d => d.Remarks = "amended");
        Assert.Equal(WithCursor(amend.Event, 2), await NumberedAsync(store, Filer, (await store.UpdateAsync(amend, CancellationToken.None)).Event));
        Assert.Equal(new ConsigneeActivity(1, 0), (await store.GetConsigneeActivityAsync([""], BaseTime, CancellationToken.None))[""]);
        var assessed = Assessment(amend.Declaration, score: 10);
        var assess = Update(amend.Declaration, d => d.Status = DeclarationStatus.Held, facts: Facts("consignee-1", 900, assessed, "fda"));
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(assess, CancellationToken.None)).Kind);
        Assert.Equal(
            new Dictionary<string, ConsigneeActivity> { ["consignee-1"] = new(1, 900) },
            await store.GetConsigneeActivityAsync(["", "consignee-1"], BaseTime, CancellationToken.None));
        Assert.Equal(assessed, await store.GetAssessmentAsync(old.Key, CancellationToken.None));
        Assert.Equal([assess.Declaration], await store.ListFlaggedAsync("fda", null, 10, CancellationToken.None));
        Assert.Equal("4", (await NumberedAsync(store, Filer, (await store.InsertAsync(Insert(Filer, "decl-new"), CancellationToken.None)).Event))!.Cursor);
        Assert.Equal([WithCursor(old.Event, 1)], await ReadLogAsync(store, Filer, EventPosition.Start, 1, null, CancellationToken.None));
        Assert.Equal(3, (await ReadLogAsync(store, Filer, EventPositionOf("1"), 10, null, CancellationToken.None)).Count);

        // Each migration ran once; opening again finds nothing left to do.
        var version = await ScalarAsync("SELECT MAX(version) FROM schema_version");
        Assert.True(version > 1);
        await OpenStoreTrackedAsync();
        Assert.Equal(version, await ScalarAsync("SELECT MAX(version) FROM schema_version"));
        Assert.Equal(version, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
    }

    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion4GainsTheOutboxAndTheAuditLog()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(4);
        var old = Insert(Filer, "decl-old", requestId: "req-old");
        await InsertAsRelease1Async(old);

        var store = await OpenStoreTrackedAsync();

        // The change that shares goes out with its message; the audit log takes records and keeps them.
        var message = new OutboxEntry("m-1", "BE", old.Key.Name, MessageKind.Declarations, [1, 2], BaseTime);
        var amend = Update(old.Declaration, d => d.Remarks = "amended") with { Outbox = [message] };
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(amend, CancellationToken.None)).Kind);
        var pending = await (StoresOf(store).Outbox).ListPendingAsync("BE", 10, CancellationToken.None);
        Assert.Equal(["m-1"], pending.Select(r => r.Entry.MessageId));
        var entry = new AuditEntry(BaseTime, "officers/o", "GetDeclaration", old.Key.Name, "OK", "");
        await (StoresOf(store).Audit).AppendAsync([entry], CancellationToken.None);
        Assert.Equal(entry, Assert.Single(await (StoresOf(store).Audit).ListAsync(new(10), CancellationToken.None)).Entry);
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => ExecuteSqlAsync("DELETE FROM audit_log"));
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 5"));
    }

    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion5GainsConsigneeCountersFilledFromItsRows()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(5);
        var writes = new[]
        {
            Insert(Filer, "m1", createTime: BaseTime.AddMinutes(5), facts: Facts("k1", 100)),
            Insert(Filer, "m2", createTime: BaseTime.AddMinutes(70), facts: Facts("k1", 200)),
            Insert(OtherFiler, "m3", createTime: BaseTime.AddMinutes(130), facts: Facts("k1", 400)),
            Insert(Filer, "m4", createTime: BaseTime.AddMinutes(75), facts: Facts("k1", 800), configure: d => d.Status = DeclarationStatus.Cancelled),
            Insert(Filer, "m5", createTime: BaseTime.AddMinutes(75), facts: Facts("k2", 50)),
        };
        foreach (var write in writes)
        {
            await InsertRowWithFactsAsync(write);
        }

        var store = await OpenStoreTrackedAsync();

        Assert.Equal(
            new Dictionary<string, ConsigneeActivity> { ["k1"] = new(3, 700), ["k2"] = new(1, 50) },
            await store.GetConsigneeActivityAsync(["k1", "k2"], BaseTime, CancellationToken.None));
        Assert.Equal(new ConsigneeActivity(2, 600), (await store.GetConsigneeActivityAsync(["k1"], BaseTime.AddMinutes(6), CancellationToken.None))["k1"]);
        await store.InsertAsync(Insert(Filer, "m6", createTime: BaseTime.AddMinutes(71), facts: Facts("k1", 1)), CancellationToken.None);
        Assert.Equal(new ConsigneeActivity(4, 701), (await store.GetConsigneeActivityAsync(["k1"], BaseTime, CancellationToken.None))["k1"]);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 6"));
    }

    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion7GainsTheNoticeLog()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(7);
        var old = Insert(Filer, "decl-old", requestId: "req-old");
        await InsertAsRelease1Async(old);

        var store = await OpenStoreTrackedAsync();

        // A declaration of the earlier release is updated with a notice; the new log starts at 1.
        var notices = StoresOf(store).Notices;
        Assert.Equal(0, await notices.GetLastNoticeSequenceAsync("carrier-x", CancellationToken.None));
        var amend = Update(old.Declaration, d => d.Remarks = "amended") with { Notices = [new("carrier-x", [7, 8])] };
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(amend, CancellationToken.None)).Kind);
        var notice = Assert.Single(await notices.ReadNoticesAsync("carrier-x", 0, 10, CancellationToken.None));
        Assert.Equal(1, notice.Sequence);
        Assert.Equal([7, 8], notice.Payload);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 8"));
    }

    [SkippableFact]
    public async Task ADatabaseOfSchemaVersion9KeepsItsReferralAnswersUntypedAndGainsThePostalArrivals()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(9);
        await ExecuteSqlAsync("INSERT INTO declaration_referral_answers (filer_id, declaration_id, referral, response_micros) VALUES ('f', 'd', 'r', 5)");

        var store = await OpenStoreTrackedAsync();

        Assert.Equal(0, await ScalarAsync("SELECT referral_type FROM declaration_referral_answers WHERE referral = 'r'"));
        var arrival = new PostalArrivalWithoutData("post-a", "RB123456785GB", "GB", 1, "", 2);
        Assert.Equal(arrival, (await StoresOf(store).PostalArrivals.RecordAsync(arrival, null, CancellationToken.None)).Arrival);
        Assert.Equal(1, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE version = 10"));
    }

    [SkippableFact]
    public async Task EachAppliedMigrationIsRecordedWithTheChecksumOfItsStatements()
    {
        await OpenFreshStoreAsync();

        var migrations = SchemaMigrations.For(Dialect);
        Assert.Equal(SchemaMigrations.LatestVersion, migrations.Count);
        Assert.Equal(migrations.Count, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
        foreach (var migration in migrations)
        {
            Assert.Equal(64, migration.Checksum.Length);
            Assert.Equal(migration.Checksum,
                await ExecuteSqlAsync("SELECT checksum FROM schema_version WHERE version = @version", ("version", migration.Version)));
        }
        // A checksum is the text's: no two migrations share one.
        Assert.Equal(migrations.Count, migrations.Select(m => m.Checksum).Distinct().Count());
    }

    [SkippableFact]
    public async Task ADatabaseWhoseAppliedMigrationWasEditedIsRefused()
    {
        var store = await OpenFreshStoreAsync();
        await store.InsertAsync(Insert(Filer, "decl-1"), CancellationToken.None);
        await CloseAsync(store);
        await ExecuteSqlAsync("UPDATE schema_version SET checksum = @checksum WHERE version = 3", ("checksum", new string('0', 64)));

        var refused = await Assert.ThrowsAsync<SchemaChecksumMismatchException>(OpenStoreTrackedAsync);

        Assert.Equal(3, refused.Version);
        Assert.Contains("migration 3", refused.Message, StringComparison.Ordinal);
        Assert.Contains(new string('0', 64), refused.Message, StringComparison.Ordinal);
        Assert.Contains(SchemaMigrations.For(Dialect)[2].Checksum, refused.Message, StringComparison.Ordinal);
        // Refused, not repaired: the recorded checksum is left as found, so the next start is refused too.
        Assert.Equal(new string('0', 64), await ExecuteSqlAsync("SELECT checksum FROM schema_version WHERE version = 3"));
        await Assert.ThrowsAsync<SchemaChecksumMismatchException>(OpenStoreTrackedAsync);
    }

    [SkippableFact]
    public async Task ADatabaseOfAReleaseBeforeChecksumsGetsThemOnItsFirstOpening()
    {
        await CreateFreshDatabaseAsync();
        await MigrateToSchemaVersionAsync(SchemaMigrations.LatestVersion);
        // What a release before checksums left: schema_version without the column.
        await ExecuteSqlAsync("ALTER TABLE schema_version DROP COLUMN checksum");
        var old = Insert(Filer, "decl-old", requestId: "req-old");
        await InsertAsRelease1Async(old);

        var store = await OpenStoreTrackedAsync();

        Assert.Equal(old.Declaration, await store.GetAsync(old.Key, CancellationToken.None));
        Assert.Equal(0, await ScalarAsync("SELECT COUNT(*) FROM schema_version WHERE checksum IS NULL"));
        foreach (var migration in SchemaMigrations.For(Dialect))
        {
            Assert.Equal(migration.Checksum,
                await ExecuteSqlAsync("SELECT checksum FROM schema_version WHERE version = @version", ("version", migration.Version)));
        }
        Assert.Equal(SchemaMigrations.LatestVersion, await ScalarAsync("SELECT COUNT(*) FROM schema_version"));
    }

    private async Task<long> ScalarAsync(string sql) =>
        Convert.ToInt64(await ExecuteSqlAsync(sql), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The declaration row of an insert as schema versions 2 to 5 keep it: with its consignee key and value.</summary>
    private async Task InsertRowWithFactsAsync(DeclarationWrite write)
    {
        await InsertDeclarationRowAsync(write);
        await ExecuteSqlAsync(
            "UPDATE declarations SET consignee_key = @key, intrinsic_value_cents = @value WHERE filer_id = @filer_id AND declaration_id = @declaration_id",
            ("key", write.Facts!.ConsigneeKey), ("value", write.Facts.IntrinsicValueCents),
            ("filer_id", write.Key.FilerId), ("declaration_id", write.Key.DeclarationId));
    }

    /// <summary>Writes an insert the way release 1 did: the columns of schema version 1 only.</summary>
    private async Task InsertAsRelease1Async(DeclarationWrite write)
    {
        await InsertDeclarationRowAsync(write);
        await ExecuteSqlAsync(
            "INSERT INTO declaration_events (filer_id, seq, declaration_id, event) VALUES (@filer_id, 1, @declaration_id, @event)",
            ("filer_id", write.Key.FilerId), ("declaration_id", write.Key.DeclarationId), ("event", write.Event.ToByteArray()));
        await ExecuteSqlAsync("INSERT INTO filer_event_sequences (filer_id, last_seq) VALUES (@filer_id, 1)", ("filer_id", write.Key.FilerId));
        await ExecuteSqlAsync("""
            INSERT INTO idempotency_records (filer_id, request_id, request_hash, response)
            VALUES (@filer_id, @request_id, @request_hash, @response)
            """,
            ("filer_id", write.Key.FilerId), ("request_id", write.RequestId!), ("request_hash", write.RequestHash!),
            ("response", write.Declaration.ToByteArray()));
    }

    /// <summary>The declaration row with the columns of schema version 1.</summary>
    private async Task InsertDeclarationRowAsync(DeclarationWrite write)
    {
        var index = DeclarationIndex.Of(write.Declaration);
        await ExecuteSqlAsync("""
            INSERT INTO declarations (
                filer_id, declaration_id, status, revision, create_time, update_time,
                local_reference_number, unique_consignment_reference, item_identifier,
                house_waybill, master_waybill, customs_reference, declaration)
            VALUES (
                @filer_id, @declaration_id, @status, @revision, @create_time, @update_time,
                @local_reference_number, @unique_consignment_reference, @item_identifier,
                @house_waybill, @master_waybill, @customs_reference, @declaration)
            """,
            ("filer_id", write.Key.FilerId), ("declaration_id", write.Key.DeclarationId), ("status", index.Status),
            ("revision", index.Revision), ("create_time", index.CreateTime), ("update_time", index.UpdateTime),
            ("local_reference_number", index.LocalReferenceNumber), ("unique_consignment_reference", index.UniqueConsignmentReference),
            ("item_identifier", index.ItemIdentifier), ("house_waybill", index.HouseWaybill), ("master_waybill", index.MasterWaybill),
            ("customs_reference", index.CustomsReference), ("declaration", write.Declaration.ToByteArray()));
    }
}

using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The SQLite schema, as numbered migrations applied at start-up. A migration is never edited
/// once released: a change is a new entry at the end. Later migrations must stay readable by the
/// previous release, so a node that finds a newer schema than it knows keeps working.
/// </summary>
internal static class SqliteSchema
{
    /// <summary>Migration n brings the schema from version n-1 to n.</summary>
    private static readonly string[][] Migrations =
    [
        [
            // STRICT makes SQLite refuse a value of the wrong type instead of silently storing it.
            """
            CREATE TABLE IF NOT EXISTS declarations (
                filer_id TEXT NOT NULL,
                declaration_id TEXT NOT NULL,
                status INTEGER NOT NULL,
                revision INTEGER NOT NULL,
                create_time INTEGER NOT NULL,
                update_time INTEGER NOT NULL,
                local_reference_number TEXT NOT NULL,
                unique_consignment_reference TEXT NOT NULL,
                item_identifier TEXT NOT NULL,
                house_waybill TEXT NOT NULL,
                master_waybill TEXT NOT NULL,
                customs_reference TEXT NOT NULL,
                declaration BLOB NOT NULL,
                PRIMARY KEY (filer_id, declaration_id)
            ) STRICT
            """,
            // The list order, and the same order within one status.
            "CREATE INDEX IF NOT EXISTS declarations_by_create_time ON declarations (filer_id, create_time DESC, declaration_id DESC)",
            "CREATE INDEX IF NOT EXISTS declarations_by_status ON declarations (filer_id, status, create_time DESC, declaration_id DESC)",
            // The reference filter matches any of these columns exactly: one index each.
            "CREATE INDEX IF NOT EXISTS declarations_by_local_reference_number ON declarations (filer_id, local_reference_number)",
            "CREATE INDEX IF NOT EXISTS declarations_by_unique_consignment_reference ON declarations (filer_id, unique_consignment_reference)",
            "CREATE INDEX IF NOT EXISTS declarations_by_item_identifier ON declarations (filer_id, item_identifier)",
            "CREATE INDEX IF NOT EXISTS declarations_by_house_waybill ON declarations (filer_id, house_waybill)",
            "CREATE INDEX IF NOT EXISTS declarations_by_master_waybill ON declarations (filer_id, master_waybill)",
            "CREATE INDEX IF NOT EXISTS declarations_by_customs_reference ON declarations (filer_id, customs_reference)",
            """
            CREATE TABLE IF NOT EXISTS declaration_events (
                filer_id TEXT NOT NULL,
                seq INTEGER NOT NULL,
                declaration_id TEXT NOT NULL,
                event BLOB NOT NULL,
                PRIMARY KEY (filer_id, seq),
                FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
            ) STRICT
            """,
            "CREATE INDEX IF NOT EXISTS declaration_events_by_declaration ON declaration_events (filer_id, declaration_id, seq)",
            // The last event sequence handed out per filer. SQLite runs one writer at a time, so
            // here it is a plain counter (PostgreSQL also uses its row lock to order writers);
            // the two stores keep the same tables so one description of the data fits both.
            """
            CREATE TABLE IF NOT EXISTS filer_event_sequences (
                filer_id TEXT NOT NULL PRIMARY KEY,
                last_seq INTEGER NOT NULL
            ) STRICT
            """,
            """
            CREATE TABLE IF NOT EXISTS idempotency_records (
                filer_id TEXT NOT NULL,
                request_id TEXT NOT NULL,
                request_hash BLOB NOT NULL,
                response BLOB NOT NULL,
                PRIMARY KEY (filer_id, request_id)
            ) STRICT
            """,
        ],
        [
            // 2: what the enforcement side keeps next to a declaration (DeclarationFacts). Rows of
            // release 1 get an empty consignee key and no value, and a previous release still
            // inserts without naming the new columns.
            "ALTER TABLE declarations ADD COLUMN consignee_key TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE declarations ADD COLUMN intrinsic_value_cents INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE declarations ADD COLUMN assessment BLOB",
            // The assessor's work queue: ACCEPTED declarations, oldest update first.
            "CREATE INDEX IF NOT EXISTS declarations_by_status_update_time ON declarations (status, update_time)",
            // A status across filers, oldest first.
            "CREATE INDEX IF NOT EXISTS declarations_by_status_across_filers ON declarations (status, create_time, declaration_id)",
            // The split-shipment look-up; status and value ride along so the index answers it alone.
            "CREATE INDEX IF NOT EXISTS declarations_by_consignee ON declarations (consignee_key, create_time, status, intrinsic_value_cents)",
            // The agencies a declaration is flagged to, with the declaration's create time copied
            // in so an agency's list is one ordered index range.
            """
            CREATE TABLE IF NOT EXISTS declaration_agency_flags (
                agency_id TEXT NOT NULL,
                filer_id TEXT NOT NULL,
                declaration_id TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                PRIMARY KEY (agency_id, filer_id, declaration_id),
                FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
            ) STRICT
            """,
            "CREATE INDEX IF NOT EXISTS declaration_agency_flags_newest_first ON declaration_agency_flags (agency_id, create_time DESC, declaration_id DESC)",
        ],
        [
            // 3: the small registries (IRegistryStore). TEXT compares byte-wise (BINARY collation).
            """
            CREATE TABLE IF NOT EXISTS registry_records (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                revision INTEGER NOT NULL,
                payload BLOB NOT NULL,
                PRIMARY KEY (kind, id)
            ) STRICT
            """,
        ],
        [
            // 4: the performance report's measures (Exchange.Core.Reporting.DeclarationMeasures),
            // one row per declaration written with it from this version on. Declarations of
            // earlier versions get none (docs/reporting.md): their history is not in their bytes.
            // Outcomes are DecisionOutcome numbers; flags 0 or 1; complete_data NULL until assessed.
            // Derived data, rewritten with the declaration: no foreign key to check on the hot path.
            """
            CREATE TABLE IF NOT EXISTS declaration_measures (
                filer_id TEXT NOT NULL,
                declaration_id TEXT NOT NULL,
                create_time INTEGER NOT NULL,
                channel TEXT NOT NULL,
                origin_country TEXT NOT NULL,
                complete_data INTEGER,
                first_decision_time INTEGER,
                first_outcome INTEGER NOT NULL,
                latest_outcome INTEGER NOT NULL,
                amended INTEGER NOT NULL,
                referral_count INTEGER NOT NULL,
                agency_hold INTEGER NOT NULL,
                duty_micros INTEGER NOT NULL,
                duty_currency TEXT NOT NULL,
                tax_micros INTEGER NOT NULL,
                tax_currency TEXT NOT NULL,
                PRIMARY KEY (create_time, filer_id, declaration_id)
            ) STRICT, WITHOUT ROWID
            """,
            // Every report query is a range of create times: the table itself is kept in that
            // order (WITHOUT ROWID, clustered on its key), so a range is read sequentially with no
            // look-up per row. The writes find a declaration's row by this unique index.
            "CREATE UNIQUE INDEX IF NOT EXISTS declaration_measures_by_declaration ON declaration_measures (filer_id, declaration_id)",
            // One row per referral answered, for the median response time.
            """
            CREATE TABLE IF NOT EXISTS declaration_referral_answers (
                filer_id TEXT NOT NULL,
                declaration_id TEXT NOT NULL,
                referral TEXT NOT NULL,
                response_micros INTEGER NOT NULL,
                PRIMARY KEY (filer_id, declaration_id, referral)
            ) STRICT
            """,
        ],
        [
            // 5: the outbox to partner administrations (IOutboxStore), written with the change that
            // causes each message. AUTOINCREMENT: a sequence is never handed out twice, so the
            // outbox order and the keyset pages of the officers' view stay stable. States are
            // OutboxMessageState numbers (1 pending, 2 delivered, 3 rejected), kinds MessageKind
            // numbers; times Unix microseconds, as everywhere in this file.
            """
            CREATE TABLE IF NOT EXISTS outbox (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                message_id TEXT NOT NULL UNIQUE,
                partner TEXT NOT NULL,
                declaration_name TEXT NOT NULL,
                kind INTEGER NOT NULL,
                payload BLOB NOT NULL,
                create_time INTEGER NOT NULL,
                state INTEGER NOT NULL,
                attempts INTEGER NOT NULL,
                next_attempt_time INTEGER NOT NULL,
                last_error TEXT NOT NULL,
                acknowledge_time INTEGER,
                rejection BLOB
            ) STRICT
            """,
            // A partner's queue (and its counts per state), and all its messages in order.
            "CREATE INDEX IF NOT EXISTS outbox_by_partner_state ON outbox (partner, state, sequence)",
            "CREATE INDEX IF NOT EXISTS outbox_by_partner ON outbox (partner, sequence)",
            // The audit log (IAuditStore): append-only. The triggers refuse every UPDATE and
            // DELETE, whoever runs it (SQLite also skips its truncate shortcut on a table with
            // triggers, so a DELETE without WHERE is refused too).
            """
            CREATE TABLE IF NOT EXISTS audit_log (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                time INTEGER NOT NULL,
                actor TEXT NOT NULL,
                action TEXT NOT NULL,
                resource TEXT NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT NOT NULL
            ) STRICT
            """,
            // The filters of the audit view: who, about what (a prefix is a range), and when.
            "CREATE INDEX IF NOT EXISTS audit_log_by_actor ON audit_log (actor, sequence)",
            "CREATE INDEX IF NOT EXISTS audit_log_by_resource ON audit_log (resource, sequence)",
            "CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time)",
            """
            CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
            END
            """,
            """
            CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN
                SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
            END
            """,
        ],
        [
            // 6: the split-shipment counters (Exchange.Core.Storage.ConsigneeActivityBuckets): per
            // consignee key and hour of create time, the declarations not CANCELLED and their
            // summed intrinsic value. Triggers keep them in step with every write of the
            // declarations table, whoever makes it (a previous release too); the value saturates
            // at the largest INTEGER instead of failing the write. Filled from the rows already there.
            """
            CREATE TABLE IF NOT EXISTS consignee_activity (
                consignee_key TEXT NOT NULL,
                hour INTEGER NOT NULL,
                consignments INTEGER NOT NULL,
                value_cents INTEGER NOT NULL,
                PRIMARY KEY (consignee_key, hour)
            ) STRICT, WITHOUT ROWID
            """,
            $"""
            INSERT INTO consignee_activity (consignee_key, hour, consignments, value_cents)
            SELECT consignee_key, create_time / {Hour}, COUNT(*),
                CAST(MIN(TOTAL(intrinsic_value_cents), 9223372036854775807.0) AS INTEGER)
            FROM declarations WHERE status <> {Cancelled} GROUP BY consignee_key, create_time / {Hour}
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_insert AFTER INSERT ON declarations
            WHEN NEW.status <> {Cancelled}
            BEGIN
                {CountNew}
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_update
            AFTER UPDATE OF consignee_key, intrinsic_value_cents, status, create_time ON declarations
            WHEN OLD.consignee_key IS NOT NEW.consignee_key OR OLD.intrinsic_value_cents <> NEW.intrinsic_value_cents
              OR OLD.create_time <> NEW.create_time OR (OLD.status = {Cancelled}) <> (NEW.status = {Cancelled})
            BEGIN
                {UncountOld}
                {CountNew}
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_delete AFTER DELETE ON declarations
            BEGIN
                {UncountOld}
            END
            """,
            // The assessor's work queue holds ACCEPTED declarations only, and those decided on
            // arrival never are: a partial index has no entry to write for them (the queue's
            // query names the status as a literal, so it is used).
            $"CREATE INDEX IF NOT EXISTS declarations_accepted_by_update_time ON declarations (update_time) WHERE status = {Accepted}",
            "DROP INDEX IF EXISTS declarations_by_status_update_time",
        ],
        [
            // 7: the houses of a carrier's master consignment, across filers, oldest first
            // (IDeclarationStore.ListByMasterDocumentAsync). Partial: declarations that name no
            // master (single filing) write no entry; the query repeats the condition so it is used.
            "CREATE INDEX IF NOT EXISTS declarations_by_master_document ON declarations (master_waybill, create_time, declaration_id) WHERE master_waybill <> ''",
        ],
        [
            // 8: notices to parties other than a declaration's filer (INoticeStore), written with
            // the change that causes them: a log per recipient (a filer id), numbered like a
            // filer's events. The counter keeps the last sequence handed out per recipient, as
            // filer_event_sequences does for events (one writer at a time here, so a plain
            // counter; PostgreSQL also orders the recipient's writers by its row lock).
            // WITHOUT ROWID: a recipient's log is read in key order, so the table is kept in it.
            """
            CREATE TABLE IF NOT EXISTS party_notices (
                recipient TEXT NOT NULL,
                seq INTEGER NOT NULL,
                notice BLOB NOT NULL,
                PRIMARY KEY (recipient, seq)
            ) STRICT, WITHOUT ROWID
            """,
            """
            CREATE TABLE IF NOT EXISTS notice_sequences (
                recipient TEXT NOT NULL PRIMARY KEY,
                last_seq INTEGER NOT NULL
            ) STRICT, WITHOUT ROWID
            """,
        ],
    ];

    private const int Cancelled = (int)Exchange.Contracts.Declaration.V1.DeclarationStatus.Cancelled;
    private const int Accepted = (int)Exchange.Contracts.Declaration.V1.DeclarationStatus.Accepted;
    private const long Hour = Exchange.Core.Storage.ConsigneeActivityBuckets.Width;

    // Properties, not fields: the migrations above are built from them when the class initialises.

    /// <summary>Counts the NEW row in its hour unless it is CANCELLED (the SELECT's WHERE is also what lets SQLite parse an upsert there).</summary>
    private static string CountNew => $"""
        INSERT INTO consignee_activity (consignee_key, hour, consignments, value_cents)
                SELECT NEW.consignee_key, NEW.create_time / {Hour}, 1, NEW.intrinsic_value_cents WHERE NEW.status <> {Cancelled}
                ON CONFLICT (consignee_key, hour) DO UPDATE SET consignments = consignments + 1,
                    value_cents = CASE WHEN value_cents > 9223372036854775807 - excluded.value_cents
                        THEN 9223372036854775807 ELSE value_cents + excluded.value_cents END;
        """;

    /// <summary>
    /// Takes the OLD row out of its hour's counter, when it was counted. A saturated value stays
    /// saturated: what it held is unknown, and counting too much is the safe side for risk.
    /// </summary>
    private static string UncountOld => $"""
        UPDATE consignee_activity SET consignments = consignments - 1,
                    value_cents = CASE WHEN value_cents = 9223372036854775807 THEN value_cents
                        ELSE MAX(value_cents - OLD.intrinsic_value_cents, 0) END
                WHERE OLD.status <> {Cancelled} AND consignee_key = OLD.consignee_key AND hour = OLD.create_time / {Hour};
        """;

    /// <summary>The schema version this build writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Brings the database to <see cref="LatestVersion"/>. Runs in one BEGIN IMMEDIATE transaction,
    /// which takes SQLite's write lock first, so processes opening the same file at once apply
    /// each migration exactly once; DDL is transactional in SQLite, so a failure leaves nothing half done.
    /// </summary>
    public static Task MigrateAsync(SqliteConnection connection, CancellationToken cancellationToken) =>
        MigrateAsync(connection, LatestVersion, cancellationToken);

    /// <summary>
    /// Brings the database to <paramref name="targetVersion"/> (at most <see cref="LatestVersion"/>);
    /// a lower target is how tests make a database as an earlier release left it.
    /// </summary>
    internal static async Task MigrateAsync(SqliteConnection connection, int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        using var transaction = connection.BeginTransaction(deferred: false);
        await ExecuteAsync(connection, transaction,
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT",
            cancellationToken);

        await using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        for (var version = current + 1; version <= targetVersion; version++)
        {
            foreach (var statement in Migrations[version - 1])
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken);
            }
            await using var record = connection.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES (@version, @applied_at)";
            record.Parameters.AddWithValue("@version", version);
            record.Parameters.AddWithValue("@applied_at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(SqliteConnection connection, SqliteTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

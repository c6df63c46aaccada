using System.Data;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema, as numbered migrations applied at start-up by whichever node gets
/// there first. A migration is never edited once released: a change is a new entry at the end.
/// Later migrations must stay readable by the previous release, so during a rolling upgrade a
/// node that finds a newer schema than it knows keeps working.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>
    /// Key of the transaction-level advisory lock that serializes migrations between nodes
    /// ("EXCHDECL" in ASCII, unlikely to collide with another application's key). Without it, two
    /// nodes starting at once can both run CREATE TABLE IF NOT EXISTS and one fails on the catalog's
    /// unique index, or both apply the same migration.
    /// </summary>
    private const long MigrationLockKey = 0x4558_4348_4445_434C;

    /// <summary>
    /// Migration n brings the schema from version n-1 to n. Text columns use the "C" collation so
    /// ids order byte-wise, exactly as in SQLite, whatever the database's default collation (a
    /// linguistic collation would, for one, ignore the hyphens in declaration ids when sorting).
    /// </summary>
    private static readonly string[][] Migrations =
    [
        [
            """
            CREATE TABLE IF NOT EXISTS declarations (
                filer_id text COLLATE "C" NOT NULL,
                declaration_id text COLLATE "C" NOT NULL,
                status integer NOT NULL,
                revision bigint NOT NULL,
                create_time bigint NOT NULL,
                update_time bigint NOT NULL,
                local_reference_number text COLLATE "C" NOT NULL,
                unique_consignment_reference text COLLATE "C" NOT NULL,
                item_identifier text COLLATE "C" NOT NULL,
                house_waybill text COLLATE "C" NOT NULL,
                master_waybill text COLLATE "C" NOT NULL,
                customs_reference text COLLATE "C" NOT NULL,
                declaration bytea NOT NULL,
                PRIMARY KEY (filer_id, declaration_id)
            )
            """,
            // The list order, and the same order within one status.
            "CREATE INDEX IF NOT EXISTS declarations_by_create_time ON declarations (filer_id, create_time DESC, declaration_id DESC)",
            "CREATE INDEX IF NOT EXISTS declarations_by_status ON declarations (filer_id, status, create_time DESC, declaration_id DESC)",
            // The reference filter matches any of these columns exactly: one index each, which
            // the planner combines with a BitmapOr.
            "CREATE INDEX IF NOT EXISTS declarations_by_local_reference_number ON declarations (filer_id, local_reference_number)",
            "CREATE INDEX IF NOT EXISTS declarations_by_unique_consignment_reference ON declarations (filer_id, unique_consignment_reference)",
            "CREATE INDEX IF NOT EXISTS declarations_by_item_identifier ON declarations (filer_id, item_identifier)",
            "CREATE INDEX IF NOT EXISTS declarations_by_house_waybill ON declarations (filer_id, house_waybill)",
            "CREATE INDEX IF NOT EXISTS declarations_by_master_waybill ON declarations (filer_id, master_waybill)",
            "CREATE INDEX IF NOT EXISTS declarations_by_customs_reference ON declarations (filer_id, customs_reference)",
            """
            CREATE TABLE IF NOT EXISTS declaration_events (
                filer_id text COLLATE "C" NOT NULL,
                seq bigint NOT NULL,
                declaration_id text COLLATE "C" NOT NULL,
                event bytea NOT NULL,
                PRIMARY KEY (filer_id, seq),
                FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
            )
            """,
            "CREATE INDEX IF NOT EXISTS declaration_events_by_declaration ON declaration_events (filer_id, declaration_id, seq)",
            // The last event sequence per filer. Its row lock is what orders a filer's writers:
            // see PostgresDeclarationStore.LockFilerSequencesAsync.
            """
            CREATE TABLE IF NOT EXISTS filer_event_sequences (
                filer_id text COLLATE "C" NOT NULL PRIMARY KEY,
                last_seq bigint NOT NULL
            )
            """,
            """
            CREATE TABLE IF NOT EXISTS idempotency_records (
                filer_id text COLLATE "C" NOT NULL,
                request_id text COLLATE "C" NOT NULL,
                request_hash bytea NOT NULL,
                response bytea NOT NULL,
                PRIMARY KEY (filer_id, request_id)
            )
            """,
        ],
        [
            // 2: what the enforcement side keeps next to a declaration (DeclarationFacts). A
            // constant default makes ADD COLUMN a catalog change, not a table rewrite; rows of
            // release 1 get an empty consignee key and no value, and a previous release still
            // inserts without naming the new columns.
            """
            ALTER TABLE declarations
                ADD COLUMN IF NOT EXISTS consignee_key text COLLATE "C" NOT NULL DEFAULT '',
                ADD COLUMN IF NOT EXISTS intrinsic_value_cents bigint NOT NULL DEFAULT 0,
                ADD COLUMN IF NOT EXISTS assessment bytea
            """,
            // The assessor's work queue: ACCEPTED declarations, oldest update first.
            "CREATE INDEX IF NOT EXISTS declarations_by_status_update_time ON declarations (status, update_time)",
            // A status across filers, oldest first.
            "CREATE INDEX IF NOT EXISTS declarations_by_status_across_filers ON declarations (status, create_time, declaration_id)",
            // The split-shipment look-up; status and value ride along so an index-only scan answers it.
            "CREATE INDEX IF NOT EXISTS declarations_by_consignee ON declarations (consignee_key, create_time) INCLUDE (status, intrinsic_value_cents)",
            // The agencies a declaration is flagged to, with the declaration's create time copied
            // in so an agency's list is one ordered index range.
            """
            CREATE TABLE IF NOT EXISTS declaration_agency_flags (
                agency_id text COLLATE "C" NOT NULL,
                filer_id text COLLATE "C" NOT NULL,
                declaration_id text COLLATE "C" NOT NULL,
                create_time bigint NOT NULL,
                PRIMARY KEY (agency_id, filer_id, declaration_id),
                FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
            )
            """,
            "CREATE INDEX IF NOT EXISTS declaration_agency_flags_newest_first ON declaration_agency_flags (agency_id, create_time DESC, declaration_id DESC)",
        ],
        [
            // 3: the small registries (IRegistryStore). "C" orders ids byte-wise, as SQLite does.
            """
            CREATE TABLE IF NOT EXISTS registry_records (
                kind text COLLATE "C" NOT NULL,
                id text COLLATE "C" NOT NULL,
                revision bigint NOT NULL,
                payload bytea NOT NULL,
                PRIMARY KEY (kind, id)
            )
            """,
        ],
        [
            // 4: the performance report's measures (Exchange.Core.Reporting.DeclarationMeasures),
            // one row per declaration written with it from this version on. Declarations of
            // earlier versions get none (docs/reporting.md): their history is not in their bytes.
            // Outcomes are DecisionOutcome numbers; complete_data NULL until assessed. Derived
            // data, rewritten with the declaration: no foreign key to check on the hot path.
            """
            CREATE TABLE IF NOT EXISTS declaration_measures (
                filer_id text COLLATE "C" NOT NULL,
                declaration_id text COLLATE "C" NOT NULL,
                create_time bigint NOT NULL,
                channel text COLLATE "C" NOT NULL,
                origin_country text COLLATE "C" NOT NULL,
                complete_data boolean,
                first_decision_time bigint,
                first_outcome smallint NOT NULL,
                latest_outcome smallint NOT NULL,
                amended boolean NOT NULL,
                referral_count integer NOT NULL,
                agency_hold boolean NOT NULL,
                duty_micros bigint NOT NULL,
                duty_currency text COLLATE "C" NOT NULL,
                tax_micros bigint NOT NULL,
                tax_currency text COLLATE "C" NOT NULL,
                PRIMARY KEY (filer_id, declaration_id)
            )
            """,
            // Every report query is a range of create times.
            "CREATE INDEX IF NOT EXISTS declaration_measures_by_create_time ON declaration_measures (create_time)",
            // One row per referral answered, for the median response time.
            """
            CREATE TABLE IF NOT EXISTS declaration_referral_answers (
                filer_id text COLLATE "C" NOT NULL,
                declaration_id text COLLATE "C" NOT NULL,
                referral text COLLATE "C" NOT NULL,
                response_micros bigint NOT NULL,
                PRIMARY KEY (filer_id, declaration_id, referral)
            )
            """,
        ],
        [
            // 5: the outbox to partner administrations (IOutboxStore), written with the change that
            // causes each message. The identity hands out sequences at insert time, not in commit
            // order across writers; the messages of one declaration still follow their commit
            // order, because its writers queue on the filer's lock before inserting. States are
            // OutboxMessageState numbers (1 pending, 2 delivered, 3 rejected), kinds MessageKind
            // numbers; times Unix microseconds, as everywhere in this schema.
            """
            CREATE TABLE IF NOT EXISTS outbox (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id text COLLATE "C" NOT NULL UNIQUE,
                partner text COLLATE "C" NOT NULL,
                declaration_name text COLLATE "C" NOT NULL,
                kind integer NOT NULL,
                payload bytea NOT NULL,
                create_time bigint NOT NULL,
                state integer NOT NULL,
                attempts integer NOT NULL,
                next_attempt_time bigint NOT NULL,
                last_error text NOT NULL,
                acknowledge_time bigint,
                rejection bytea
            )
            """,
            // A partner's queue (and its counts per state), and all its messages in order.
            "CREATE INDEX IF NOT EXISTS outbox_by_partner_state ON outbox (partner, state, sequence)",
            "CREATE INDEX IF NOT EXISTS outbox_by_partner ON outbox (partner, sequence)",
            // The audit log (IAuditStore): append-only. One statement-level trigger refuses every
            // UPDATE, DELETE and TRUNCATE, whoever runs it and however many rows it would touch.
            """
            CREATE TABLE IF NOT EXISTS audit_log (
                sequence bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                time bigint NOT NULL,
                actor text COLLATE "C" NOT NULL,
                action text COLLATE "C" NOT NULL,
                resource text COLLATE "C" NOT NULL,
                outcome text COLLATE "C" NOT NULL,
                detail text NOT NULL
            )
            """,
            // The filters of the audit view: who, about what (a prefix is a range), and when.
            "CREATE INDEX IF NOT EXISTS audit_log_by_actor ON audit_log (actor, sequence)",
            "CREATE INDEX IF NOT EXISTS audit_log_by_resource ON audit_log (resource, sequence)",
            "CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time)",
            """
            CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """,
            """
            CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
            """,
        ],
        [
            // 6: the split-shipment counters (Exchange.Core.Storage.ConsigneeActivityBuckets): per
            // consignee key and hour of create time, the declarations not CANCELLED and their
            // summed intrinsic value. A trigger keeps them in step with every write of the
            // declarations table, whoever makes it (a previous release too); the value saturates
            // at the largest bigint instead of failing the write. Filled from the rows already
            // there. Two transactions counting the same consignees in opposite orders can
            // deadlock on these rows: the store retries a transaction PostgreSQL aborted for that.
            // The lock first: a node of the previous release writing between the backfill's
            // snapshot and the triggers' creation would otherwise never be counted.
            "LOCK TABLE declarations IN SHARE ROW EXCLUSIVE MODE",
            """
            CREATE TABLE IF NOT EXISTS consignee_activity (
                consignee_key text COLLATE "C" NOT NULL,
                hour bigint NOT NULL,
                consignments bigint NOT NULL,
                value_cents bigint NOT NULL,
                PRIMARY KEY (consignee_key, hour)
            )
            """,
            $"""
            INSERT INTO consignee_activity (consignee_key, hour, consignments, value_cents)
            SELECT consignee_key, create_time / {Hour}, count(*), LEAST(sum(intrinsic_value_cents), 9223372036854775807)::bigint
            FROM declarations WHERE status <> {Cancelled} GROUP BY consignee_key, create_time / {Hour}
            ON CONFLICT (consignee_key, hour) DO NOTHING
            """,
            $"""
            CREATE OR REPLACE FUNCTION consignee_activity_count() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.status <> {Cancelled} THEN
                    UPDATE consignee_activity SET consignments = consignments - 1,
                        value_cents = CASE WHEN value_cents = 9223372036854775807 THEN value_cents
                            ELSE GREATEST(value_cents - OLD.intrinsic_value_cents, 0) END
                    WHERE consignee_key = OLD.consignee_key AND hour = OLD.create_time / {Hour};
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.status <> {Cancelled} THEN
                    INSERT INTO consignee_activity AS counter (consignee_key, hour, consignments, value_cents)
                    VALUES (NEW.consignee_key, NEW.create_time / {Hour}, 1, NEW.intrinsic_value_cents)
                    ON CONFLICT (consignee_key, hour) DO UPDATE SET consignments = counter.consignments + 1,
                        value_cents = CASE WHEN counter.value_cents > 9223372036854775807 - EXCLUDED.value_cents
                            THEN 9223372036854775807 ELSE counter.value_cents + EXCLUDED.value_cents END;
                END IF;
                RETURN NULL;
            END
            $$
            """,
            $"""
            CREATE OR REPLACE TRIGGER consignee_activity_on_insert AFTER INSERT ON declarations
            FOR EACH ROW WHEN (NEW.status <> {Cancelled}) EXECUTE FUNCTION consignee_activity_count()
            """,
            $"""
            CREATE OR REPLACE TRIGGER consignee_activity_on_update
            AFTER UPDATE OF consignee_key, intrinsic_value_cents, status, create_time ON declarations
            FOR EACH ROW WHEN (OLD.consignee_key IS DISTINCT FROM NEW.consignee_key
                OR OLD.intrinsic_value_cents <> NEW.intrinsic_value_cents OR OLD.create_time <> NEW.create_time
                OR (OLD.status = {Cancelled}) <> (NEW.status = {Cancelled}))
            EXECUTE FUNCTION consignee_activity_count()
            """,
            """
            CREATE OR REPLACE TRIGGER consignee_activity_on_delete AFTER DELETE ON declarations
            FOR EACH ROW EXECUTE FUNCTION consignee_activity_count()
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
            // filer's events.
            """
            CREATE TABLE IF NOT EXISTS party_notices (
                recipient text COLLATE "C" NOT NULL,
                seq bigint NOT NULL,
                notice bytea NOT NULL,
                PRIMARY KEY (recipient, seq)
            )
            """,
            // The last notice sequence per recipient. Its row lock is what orders a recipient's
            // writers, as filer_event_sequences' does a filer's: see
            // PostgresDeclarationStore.LockNoticeSequencesAsync.
            """
            CREATE TABLE IF NOT EXISTS notice_sequences (
                recipient text COLLATE "C" NOT NULL PRIMARY KEY,
                last_seq bigint NOT NULL
            )
            """,
        ],
    ];

    private const int Cancelled = (int)Exchange.Contracts.Declaration.V1.DeclarationStatus.Cancelled;
    private const int Accepted = (int)Exchange.Contracts.Declaration.V1.DeclarationStatus.Accepted;
    private const long Hour = Exchange.Core.Storage.ConsigneeActivityBuckets.Width;

    /// <summary>The schema version this build writes.</summary>
    public static int LatestVersion => Migrations.Length;

    /// <summary>
    /// Brings the database to <see cref="LatestVersion"/> in one transaction holding the
    /// migration advisory lock: concurrent nodes queue on the lock, and the later ones find the
    /// work done. DDL is transactional in PostgreSQL, so a failure leaves nothing half done.
    /// </summary>
    public static Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken) =>
        MigrateAsync(dataSource, LatestVersion, cancellationToken);

    /// <summary>
    /// Brings the database to <paramref name="targetVersion"/> (at most <see cref="LatestVersion"/>);
    /// a lower target is how tests make a database as an earlier release left it.
    /// </summary>
    internal static async Task MigrateAsync(NpgsqlDataSource dataSource, int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, LatestVersion);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", MigrationLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await ExecuteAsync(connection, transaction, """
            CREATE TABLE IF NOT EXISTS schema_version (
                version integer NOT NULL PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """, cancellationToken);

        int current;
        await using (var command = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_version", connection, transaction))
        {
            current = (int)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        for (var version = current + 1; version <= targetVersion; version++)
        {
            foreach (var statement in Migrations[version - 1])
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken);
            }
            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version) VALUES (@version)", connection, transaction);
            record.Parameters.AddWithValue("version", version);
            await record.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

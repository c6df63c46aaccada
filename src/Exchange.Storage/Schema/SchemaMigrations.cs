using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;

namespace Exchange.Storage.Schema;

/// <summary>One numbered migration as a database applies it: its statements and the checksum of their text.</summary>
public sealed record Migration(int Version, IReadOnlyList<string> Statements)
{
    /// <summary>SHA-256 of the statements (as this dialect runs them), hex: what schema_version records.</summary>
    public string Checksum { get; } = Convert.ToHexStringLower(
        SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n;\n", Statements))));
}

/// <summary>
/// The schema of both stores, as numbered migrations applied at start-up. Each statement is
/// written once, with the column types as tokens the dialect renders ({key} is an id or other
/// text compared byte-wise: SQLite's TEXT, PostgreSQL's text COLLATE "C", so ids order the same
/// whatever the database's default collation); a statement has a SQLite and a PostgreSQL text
/// (<see cref="SqlDialect.Pick"/>) only where the DDL truly differs.
///
/// A migration is never edited once released: a change is a new entry at the end. Each carries
/// a checksum recorded when it is applied, and a database whose recorded checksum differs from
/// this build's is refused (<see cref="SchemaMigrator"/>). Later migrations must stay readable by
/// the previous release, so during a rolling upgrade a node that finds a newer schema than it
/// knows keeps working.
/// </summary>
public static class SchemaMigrations
{
    private const int Cancelled = (int)DeclarationStatus.Cancelled;
    private const int Accepted = (int)DeclarationStatus.Accepted;
    private const long Hour = ConsigneeActivityBuckets.Width;
    private const string Int64Max = "9223372036854775807";

    /// <summary>The schema version this build writes: the number of migrations below.</summary>
    public const int LatestVersion = 14;

    /// <summary>The migrations as <paramref name="dialect"/> runs them: migration n brings the schema from version n-1 to n.</summary>
    public static IReadOnlyList<Migration> For(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        string[][] migrations =
        [
            [
                // STRICT (SQLite) refuses a value of the wrong type instead of silently storing it.
                """
                CREATE TABLE IF NOT EXISTS declarations (
                    filer_id {key} NOT NULL,
                    declaration_id {key} NOT NULL,
                    status {int} NOT NULL,
                    revision {bigint} NOT NULL,
                    create_time {bigint} NOT NULL,
                    update_time {bigint} NOT NULL,
                    local_reference_number {key} NOT NULL,
                    unique_consignment_reference {key} NOT NULL,
                    item_identifier {key} NOT NULL,
                    house_waybill {key} NOT NULL,
                    master_waybill {key} NOT NULL,
                    customs_reference {key} NOT NULL,
                    declaration {bytes} NOT NULL,
                    PRIMARY KEY (filer_id, declaration_id)
                ){strict}
                """,
                // The list order, and the same order within one status.
                "CREATE INDEX IF NOT EXISTS declarations_by_create_time ON declarations (filer_id, create_time DESC, declaration_id DESC)",
                "CREATE INDEX IF NOT EXISTS declarations_by_status ON declarations (filer_id, status, create_time DESC, declaration_id DESC)",
                // The reference filter matches any of these columns exactly: one index each
                // (SQLite unions the matches, PostgreSQL combines them with a BitmapOr).
                "CREATE INDEX IF NOT EXISTS declarations_by_local_reference_number ON declarations (filer_id, local_reference_number)",
                "CREATE INDEX IF NOT EXISTS declarations_by_unique_consignment_reference ON declarations (filer_id, unique_consignment_reference)",
                "CREATE INDEX IF NOT EXISTS declarations_by_item_identifier ON declarations (filer_id, item_identifier)",
                "CREATE INDEX IF NOT EXISTS declarations_by_house_waybill ON declarations (filer_id, house_waybill)",
                "CREATE INDEX IF NOT EXISTS declarations_by_master_waybill ON declarations (filer_id, master_waybill)",
                "CREATE INDEX IF NOT EXISTS declarations_by_customs_reference ON declarations (filer_id, customs_reference)",
                """
                CREATE TABLE IF NOT EXISTS declaration_events (
                    filer_id {key} NOT NULL,
                    seq {bigint} NOT NULL,
                    declaration_id {key} NOT NULL,
                    event {bytes} NOT NULL,
                    PRIMARY KEY (filer_id, seq),
                    FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
                ){strict}
                """,
                "CREATE INDEX IF NOT EXISTS declaration_events_by_declaration ON declaration_events (filer_id, declaration_id, seq)",
                // The last event sequence handed out per filer. PostgreSQL's row lock on it is what
                // orders a filer's writers (SequenceCounters); SQLite's single writer needs only the counter.
                """
                CREATE TABLE IF NOT EXISTS filer_event_sequences (
                    filer_id {key} NOT NULL PRIMARY KEY,
                    last_seq {bigint} NOT NULL
                ){strict}
                """,
                """
                CREATE TABLE IF NOT EXISTS idempotency_records (
                    filer_id {key} NOT NULL,
                    request_id {key} NOT NULL,
                    request_hash {bytes} NOT NULL,
                    response {bytes} NOT NULL,
                    PRIMARY KEY (filer_id, request_id)
                ){strict}
                """,
            ],
            [
                // 2: what the enforcement side keeps next to a declaration (DeclarationFacts). A
                // constant default makes ADD COLUMN a catalog change, not a table rewrite; rows of
                // release 1 get an empty consignee key and no value, and a previous release still
                // inserts without naming the new columns.
                "ALTER TABLE declarations ADD COLUMN {if_not_exists}consignee_key {key} NOT NULL DEFAULT ''",
                "ALTER TABLE declarations ADD COLUMN {if_not_exists}intrinsic_value_cents {bigint} NOT NULL DEFAULT 0",
                "ALTER TABLE declarations ADD COLUMN {if_not_exists}assessment {bytes}",
                // The assessor's work queue: ACCEPTED declarations, oldest update first.
                "CREATE INDEX IF NOT EXISTS declarations_by_status_update_time ON declarations (status, update_time)",
                // A status across filers, oldest first.
                "CREATE INDEX IF NOT EXISTS declarations_by_status_across_filers ON declarations (status, create_time, declaration_id)",
                // The split-shipment look-up; status and value ride along so the index answers it alone.
                dialect.Pick(
                    sqlite: "CREATE INDEX IF NOT EXISTS declarations_by_consignee ON declarations (consignee_key, create_time, status, intrinsic_value_cents)",
                    postgres: "CREATE INDEX IF NOT EXISTS declarations_by_consignee ON declarations (consignee_key, create_time) INCLUDE (status, intrinsic_value_cents)"),
                // The agencies a declaration is flagged to, with the declaration's create time copied
                // in so an agency's list is one ordered index range.
                """
                CREATE TABLE IF NOT EXISTS declaration_agency_flags (
                    agency_id {key} NOT NULL,
                    filer_id {key} NOT NULL,
                    declaration_id {key} NOT NULL,
                    create_time {bigint} NOT NULL,
                    PRIMARY KEY (agency_id, filer_id, declaration_id),
                    FOREIGN KEY (filer_id, declaration_id) REFERENCES declarations (filer_id, declaration_id)
                ){strict}
                """,
                "CREATE INDEX IF NOT EXISTS declaration_agency_flags_newest_first ON declaration_agency_flags (agency_id, create_time DESC, declaration_id DESC)",
            ],
            [
                // 3: the small registries (IRegistryStore), ids ordered byte-wise.
                """
                CREATE TABLE IF NOT EXISTS registry_records (
                    kind {key} NOT NULL,
                    id {key} NOT NULL,
                    revision {bigint} NOT NULL,
                    payload {bytes} NOT NULL,
                    PRIMARY KEY (kind, id)
                ){strict}
                """,
            ],
            [
                // 4: the performance report's measures (Exchange.Core.Reporting.DeclarationMeasures),
                // one row per declaration written with it from this version on. Declarations of
                // earlier versions get none (docs/reporting.md): their history is not in their bytes.
                // Outcomes are DecisionOutcome numbers; complete_data NULL until assessed. Derived
                // data, rewritten with the declaration: no foreign key to check on the hot path.
                // Every report query is a range of create times: SQLite keeps the table itself in
                // that order (WITHOUT ROWID, clustered on its key), so a range is read sequentially
                // with no look-up per row, and the writes find a declaration's row by a unique
                // index; PostgreSQL indexes the create time.
                $$"""
                CREATE TABLE IF NOT EXISTS declaration_measures (
                    filer_id {key} NOT NULL,
                    declaration_id {key} NOT NULL,
                    create_time {bigint} NOT NULL,
                    channel {key} NOT NULL,
                    origin_country {key} NOT NULL,
                    complete_data {bool},
                    first_decision_time {bigint},
                    first_outcome {smallint} NOT NULL,
                    latest_outcome {smallint} NOT NULL,
                    amended {bool} NOT NULL,
                    referral_count {int} NOT NULL,
                    agency_hold {bool} NOT NULL,
                    duty_micros {bigint} NOT NULL,
                    duty_currency {key} NOT NULL,
                    tax_micros {bigint} NOT NULL,
                    tax_currency {key} NOT NULL,
                    {{dialect.Pick(sqlite: "PRIMARY KEY (create_time, filer_id, declaration_id)", postgres: "PRIMARY KEY (filer_id, declaration_id)")}}
                ){strict}{without_rowid}
                """,
                dialect.Pick(
                    sqlite: "CREATE UNIQUE INDEX IF NOT EXISTS declaration_measures_by_declaration ON declaration_measures (filer_id, declaration_id)",
                    postgres: "CREATE INDEX IF NOT EXISTS declaration_measures_by_create_time ON declaration_measures (create_time)"),
                // One row per referral answered, for the median response time.
                """
                CREATE TABLE IF NOT EXISTS declaration_referral_answers (
                    filer_id {key} NOT NULL,
                    declaration_id {key} NOT NULL,
                    referral {key} NOT NULL,
                    response_micros {bigint} NOT NULL,
                    PRIMARY KEY (filer_id, declaration_id, referral)
                ){strict}
                """,
            ],
            [
                // 5: the outbox to partner administrations (IOutboxStore), written with the change
                // that causes each message. The sequence is never handed out twice (SQLite's
                // AUTOINCREMENT, PostgreSQL's identity), so the outbox order and the keyset pages of
                // the officers' view stay stable; on PostgreSQL it follows insert order, and a
                // declaration's messages still follow their commit order because its writers queue
                // on the filer's lock before inserting. States are OutboxMessageState numbers (1
                // pending, 2 delivered, 3 rejected), kinds MessageKind numbers; times Unix microseconds.
                """
                CREATE TABLE IF NOT EXISTS outbox (
                    sequence {identity},
                    message_id {key} NOT NULL UNIQUE,
                    partner {key} NOT NULL,
                    declaration_name {key} NOT NULL,
                    kind {int} NOT NULL,
                    payload {bytes} NOT NULL,
                    create_time {bigint} NOT NULL,
                    state {int} NOT NULL,
                    attempts {int} NOT NULL,
                    next_attempt_time {bigint} NOT NULL,
                    last_error {text} NOT NULL,
                    acknowledge_time {bigint},
                    rejection {bytes}
                ){strict}
                """,
                // A partner's queue (and its counts per state), and all its messages in order.
                "CREATE INDEX IF NOT EXISTS outbox_by_partner_state ON outbox (partner, state, sequence)",
                "CREATE INDEX IF NOT EXISTS outbox_by_partner ON outbox (partner, sequence)",
                // The audit log (IAuditStore): append-only, see the triggers below.
                """
                CREATE TABLE IF NOT EXISTS audit_log (
                    sequence {identity},
                    time {bigint} NOT NULL,
                    actor {key} NOT NULL,
                    action {key} NOT NULL,
                    resource {key} NOT NULL,
                    outcome {key} NOT NULL,
                    detail {text} NOT NULL
                ){strict}
                """,
                // The filters of the audit view: who, about what (a prefix is a range), and when.
                "CREATE INDEX IF NOT EXISTS audit_log_by_actor ON audit_log (actor, sequence)",
                "CREATE INDEX IF NOT EXISTS audit_log_by_resource ON audit_log (resource, sequence)",
                "CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time)",
                // The triggers refuse every UPDATE and DELETE, whoever runs it. SQLite also skips
                // its truncate shortcut on a table with triggers, so a DELETE without WHERE is
                // refused too; PostgreSQL's one statement-level trigger refuses TRUNCATE as well.
                dialect.Pick(
                    sqlite: """
                        CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
                        BEGIN
                            SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
                        END
                        """,
                    postgres: """
                        CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                        BEGIN
                            RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
                        END
                        $$
                        """),
                dialect.Pick(
                    sqlite: """
                        CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
                        BEGIN
                            SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
                        END
                        """,
                    postgres: """
                        CREATE OR REPLACE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
                        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change()
                        """),
            ],
            ConsigneeActivity(dialect),
            [
                // 7: the houses of a carrier's master consignment, across filers, oldest first
                // (IDeclarationStore.ListByMasterDocumentAsync). Partial: declarations that name no
                // master (single filing) write no entry; the query repeats the condition so it is used.
                "CREATE INDEX IF NOT EXISTS declarations_by_master_document ON declarations (master_waybill, create_time, declaration_id) WHERE master_waybill <> ''",
            ],
            [
                // 8: notices to parties other than a declaration's filer (INoticeStore), written with
                // the change that causes them: a log per recipient (a filer id), numbered like a
                // filer's events, from a counter per recipient like filer_event_sequences.
                // A recipient's log is read in key order: SQLite keeps the table in it (WITHOUT ROWID).
                """
                CREATE TABLE IF NOT EXISTS party_notices (
                    recipient {key} NOT NULL,
                    seq {bigint} NOT NULL,
                    notice {bytes} NOT NULL,
                    PRIMARY KEY (recipient, seq)
                ){strict}{without_rowid}
                """,
                """
                CREATE TABLE IF NOT EXISTS notice_sequences (
                    recipient {key} NOT NULL PRIMARY KEY,
                    last_seq {bigint} NOT NULL
                ){strict}{without_rowid}
                """,
            ],
            LeanWritePath(),
            [
                // 10: the performance report's referral answers by type (a ReferralType number; 0 for
                // answers recorded before, which count only in the overall median), and the postal
                // items that arrived with no advance data (IPostalArrivalStore), once per post and
                // S10 identifier, read by arrival time.
                "ALTER TABLE declaration_referral_answers ADD COLUMN referral_type {smallint} NOT NULL DEFAULT 0",
                """
                CREATE TABLE IF NOT EXISTS postal_arrivals_without_data (
                    filer_id {key} NOT NULL,
                    item_identifier {key} NOT NULL,
                    origin_country {key} NOT NULL,
                    arrive_time {bigint} NOT NULL,
                    arrival_office {key} NOT NULL,
                    record_time {bigint} NOT NULL,
                    PRIMARY KEY (filer_id, item_identifier)
                ){strict}
                """,
                "CREATE INDEX IF NOT EXISTS postal_arrivals_without_data_by_time ON postal_arrivals_without_data (arrive_time)",
            ],
            [
                // 11: revenue (docs/revenue.md), kept with each declaration's measures: what its duty
                // assessment makes due at importation and what was paid, in micro-units of its
                // currency, for the report's revenue measures; and the VAT charged at sale under
                // IOSS with the number and month, for the officers' IOSS monthly totals. Defaults
                // stand for "not assessed", so earlier rows need no rewrite.
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}revenue_currency {key} NOT NULL DEFAULT ''",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}revenue_assessed_micros {bigint} NOT NULL DEFAULT 0",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}revenue_collected_micros {bigint} NOT NULL DEFAULT 0",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}ioss_number {key} NOT NULL DEFAULT ''",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}ioss_month {key} NOT NULL DEFAULT ''",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}ioss_vat_micros {bigint} NOT NULL DEFAULT 0",
                // The IOSS totals group the few rows with an IOSS number, in the list's order.
                "CREATE INDEX IF NOT EXISTS declaration_measures_by_ioss ON declaration_measures (ioss_number, ioss_month) WHERE ioss_number <> ''",
            ],
            [
                // 12: what became of held goods, per declaration, for the report's seizures and
                // returns by reason (DeclarationMeasures.Disposition, .DispositionReason): the
                // DispositionType and the legal basis code. Constant defaults keep ADD COLUMN a
                // catalog change; the seizures and returns decided before are carried over from the
                // latest outcome (no legal basis was recorded with them).
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}disposition {smallint} NOT NULL DEFAULT 0",
                "ALTER TABLE declaration_measures ADD COLUMN {if_not_exists}disposition_reason {text} NOT NULL DEFAULT ''",
                $"UPDATE declaration_measures SET disposition = {(int)DispositionType.Seized} WHERE latest_outcome = {(int)DecisionOutcome.Seize} AND disposition = 0",
                $"UPDATE declaration_measures SET disposition = {(int)DispositionType.ReturnedToSender} WHERE latest_outcome = {(int)DecisionOutcome.ReturnToSender} AND disposition = 0",
            ],
            ReviewFixes(),
            EventTransactions(dialect),
        ];
        if (migrations.Length != LatestVersion)
        {
            throw new InvalidOperationException($"SchemaMigrations.LatestVersion is {LatestVersion}, but there are {migrations.Length} migrations.");
        }
        return migrations
            .Select((statements, index) => new Migration(index + 1, statements.Select(dialect.Render).ToArray()))
            .ToArray();
    }

    /// <summary>
    /// 13: two review fixes. (1) A post's item arrival answered "no advance data" is kept under its
    /// request id (IPostalArrivalStore), naming the item, so a retry gets that answer even after
    /// the item's declaration was filed. (2) The IOSS monthly totals read one index in the list's
    /// order: number, month and currency are its keys (the GROUP BY and ORDER BY) and the VAT its
    /// last column, so the sums need neither the table nor a sort; it supersedes the index of 11,
    /// a prefix of it. Both only add or drop what no earlier release reads.
    /// </summary>
    private static string[] ReviewFixes() =>
    [
        """
        CREATE TABLE IF NOT EXISTS postal_arrival_requests (
            filer_id {key} NOT NULL,
            request_id {key} NOT NULL,
            request_hash {bytes} NOT NULL,
            item_identifier {key} NOT NULL,
            PRIMARY KEY (filer_id, request_id)
        ){strict}{without_rowid}
        """,
        "CREATE INDEX IF NOT EXISTS declaration_measures_by_ioss_month_currency "
            + "ON declaration_measures (ioss_number, ioss_month, revenue_currency, ioss_vat_micros) WHERE ioss_number <> ''",
        "DROP INDEX IF EXISTS declaration_measures_by_ioss",
    ];

    /// <summary>
    /// 9: what a declaration costs to write (issue 17, docs/benchmarks.md). (1) The reference
    /// look-up reads a narrow side table, one row per distinct non-empty reference of a
    /// declaration, instead of six indexes on the declarations row that every write updated
    /// (empty references included); the reference columns stay, and the query re-checks them, so a
    /// reference an amendment dropped is never matched. (2) An idempotency record no longer holds a
    /// second copy of the declaration: an empty response means "the declaration's row", and the
    /// record names it (declaration_id); a change of the row first copies the row into the records
    /// that still point at it (the partial index finds them), so a retry keeps getting the first
    /// answer. Records of earlier versions keep their copy and name no declaration. A node of an
    /// earlier release must not share a database migrated to this version: it would read such a
    /// record as an empty declaration.
    /// </summary>
    private static string[] LeanWritePath()
    {
        string[] references = ["local_reference_number", "unique_consignment_reference", "item_identifier", "house_waybill", "master_waybill", "customs_reference"];
        return
        [
            """
            CREATE TABLE IF NOT EXISTS declaration_references (
                filer_id {key} NOT NULL,
                reference {key} NOT NULL,
                declaration_id {key} NOT NULL,
                PRIMARY KEY (filer_id, reference, declaration_id)
            ){strict}{without_rowid}
            """,
            "INSERT INTO declaration_references (filer_id, reference, declaration_id)\n"
                + string.Join("\nUNION ", references.Select(column =>
                    $"SELECT filer_id, {column}, declaration_id FROM declarations WHERE {column} <> ''")),
            .. references.Select(column => $"DROP INDEX IF EXISTS declarations_by_{column}"),
            "ALTER TABLE idempotency_records ADD COLUMN {if_not_exists}declaration_id {key}",
            "CREATE INDEX IF NOT EXISTS idempotency_records_by_row ON idempotency_records (filer_id, declaration_id) WHERE length(response) = 0",
        ];
    }

    /// <summary>
    /// 14: each event
    /// carries the id of the transaction that wrote it (<see cref="Core.Storage.EventPosition"/>),
    /// so PostgreSQL orders a filer's events by (xid, seq) and its writers need no per-filer lock.
    /// The events written before keep their numbers under transaction 0, ahead of every later
    /// one, so a cursor issued before (a plain number) resumes where it was. PostgreSQL's primary
    /// key and per-declaration index take the new order; SQLite (transaction 0 always, numbered
    /// per filer by its single writer) only gets the column, a catalog change.
    /// </summary>
    private static string[] EventTransactions(SqlDialect dialect) =>
    [
        "ALTER TABLE declaration_events ADD COLUMN {if_not_exists}xid {bigint} NOT NULL DEFAULT 0",
        .. dialect.Pick<string[]>(sqlite: [], postgres:
        [
            """
            ALTER TABLE declaration_events DROP CONSTRAINT declaration_events_pkey,
                ADD CONSTRAINT declaration_events_pkey PRIMARY KEY (filer_id, xid, seq)
            """,
            "DROP INDEX IF EXISTS declaration_events_by_declaration",
            "CREATE INDEX declaration_events_by_declaration ON declaration_events (filer_id, declaration_id, xid, seq)",
        ]),
    ];

    /// <summary>
    /// 6: the split-shipment counters (ConsigneeActivityBuckets): per consignee key and hour of
    /// create time, the declarations not CANCELLED and their summed intrinsic value. Triggers keep
    /// them in step with every write of the declarations table, whoever makes it (a previous
    /// release too); the value saturates at the largest 64-bit integer instead of failing the
    /// write. Filled from the rows already there. On PostgreSQL, two transactions counting the same
    /// consignees in opposite orders can deadlock on these rows: the store retries a transaction
    /// aborted for that. The triggers are each database's own language.
    /// </summary>
    private static string[] ConsigneeActivity(SqlDialect dialect)
    {
        // SQLite: counts the NEW row in its hour unless it is CANCELLED (the SELECT's WHERE is
        // also what lets SQLite parse an upsert there).
        var countNew = $"""
            INSERT INTO consignee_activity (consignee_key, hour, consignments, value_cents)
                    SELECT NEW.consignee_key, NEW.create_time / {Hour}, 1, NEW.intrinsic_value_cents WHERE NEW.status <> {Cancelled}
                    ON CONFLICT (consignee_key, hour) DO UPDATE SET consignments = consignments + 1,
                        value_cents = CASE WHEN value_cents > {Int64Max} - excluded.value_cents
                            THEN {Int64Max} ELSE value_cents + excluded.value_cents END;
            """;
        // SQLite: takes the OLD row out of its hour's counter, when it was counted. A saturated
        // value stays saturated: what it held is unknown, and counting too much is the safe side for risk.
        var uncountOld = $"""
            UPDATE consignee_activity SET consignments = consignments - 1,
                        value_cents = CASE WHEN value_cents = {Int64Max} THEN value_cents
                            ELSE MAX(value_cents - OLD.intrinsic_value_cents, 0) END
                    WHERE OLD.status <> {Cancelled} AND consignee_key = OLD.consignee_key AND hour = OLD.create_time / {Hour};
            """;
        string[] postgresOnly =
        [
            // The lock first: a node of the previous release writing between the backfill's
            // snapshot and the triggers' creation would otherwise never be counted.
            "LOCK TABLE declarations IN SHARE ROW EXCLUSIVE MODE",
        ];
        string[] shared =
        [
            """
            CREATE TABLE IF NOT EXISTS consignee_activity (
                consignee_key {key} NOT NULL,
                hour {bigint} NOT NULL,
                consignments {bigint} NOT NULL,
                value_cents {bigint} NOT NULL,
                PRIMARY KEY (consignee_key, hour)
            ){strict}{without_rowid}
            """,
            $"""
            INSERT INTO consignee_activity (consignee_key, hour, consignments, value_cents)
            SELECT consignee_key, create_time / {Hour}, COUNT(*), {dialect.SaturatingSum("intrinsic_value_cents")}
            FROM declarations WHERE status <> {Cancelled} GROUP BY consignee_key, create_time / {Hour}
            """ + dialect.Pick(sqlite: "", postgres: "\nON CONFLICT (consignee_key, hour) DO NOTHING"),
        ];
        string[] sqliteTriggers =
        [
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_insert AFTER INSERT ON declarations
            WHEN NEW.status <> {Cancelled}
            BEGIN
                {countNew}
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_update
            AFTER UPDATE OF consignee_key, intrinsic_value_cents, status, create_time ON declarations
            WHEN OLD.consignee_key IS NOT NEW.consignee_key OR OLD.intrinsic_value_cents <> NEW.intrinsic_value_cents
              OR OLD.create_time <> NEW.create_time OR (OLD.status = {Cancelled}) <> (NEW.status = {Cancelled})
            BEGIN
                {uncountOld}
                {countNew}
            END
            """,
            $"""
            CREATE TRIGGER IF NOT EXISTS consignee_activity_on_delete AFTER DELETE ON declarations
            BEGIN
                {uncountOld}
            END
            """,
        ];
        string[] postgresTriggers =
        [
            $$"""
            CREATE OR REPLACE FUNCTION consignee_activity_count() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'INSERT' AND OLD.status <> {{Cancelled}} THEN
                    UPDATE consignee_activity SET consignments = consignments - 1,
                        value_cents = CASE WHEN value_cents = {{Int64Max}} THEN value_cents
                            ELSE GREATEST(value_cents - OLD.intrinsic_value_cents, 0) END
                    WHERE consignee_key = OLD.consignee_key AND hour = OLD.create_time / {{Hour}};
                END IF;
                IF TG_OP <> 'DELETE' AND NEW.status <> {{Cancelled}} THEN
                    INSERT INTO consignee_activity AS counter (consignee_key, hour, consignments, value_cents)
                    VALUES (NEW.consignee_key, NEW.create_time / {{Hour}}, 1, NEW.intrinsic_value_cents)
                    ON CONFLICT (consignee_key, hour) DO UPDATE SET consignments = counter.consignments + 1,
                        value_cents = CASE WHEN counter.value_cents > {{Int64Max}} - EXCLUDED.value_cents
                            THEN {{Int64Max}} ELSE counter.value_cents + EXCLUDED.value_cents END;
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
        ];
        return
        [
            .. dialect.Pick<string[]>(sqlite: [], postgres: postgresOnly),
            .. shared,
            .. dialect.Pick(sqlite: sqliteTriggers, postgres: postgresTriggers),
            // The assessor's work queue holds ACCEPTED declarations only, and those decided on
            // arrival never are: a partial index has no entry to write for them (the queue's
            // query names the status as a literal, so it is used).
            $"CREATE INDEX IF NOT EXISTS declarations_accepted_by_update_time ON declarations (update_time) WHERE status = {Accepted}",
            "DROP INDEX IF EXISTS declarations_by_status_update_time",
        ];
    }
}

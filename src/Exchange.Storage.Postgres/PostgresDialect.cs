using System.Data;
using System.Data.Common;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// PostgreSQL's side of the shared statements (<see cref="SqlDialect"/>). Parameters are typed
/// (no boxing; the PostgreSQL type follows from the CLR type), lists are arrays, and the report's
/// aggregates are computed by the database (percentile_cont) in one round trip.
/// </summary>
public sealed class PostgresDialect : SqlDialect
{
    public static PostgresDialect Instance { get; } = new();

    /// <summary>REJECT, SEIZE and RETURN_TO_SENDER: the outcomes the report counts as refusals.</summary>
    private static readonly string RefusedOutcomes = string.Join(", ",
        new[] { DecisionOutcome.Reject, DecisionOutcome.Seize, DecisionOutcome.ReturnToSender }
            .Select(o => ((int)o).ToString(CultureInfo.InvariantCulture)));

    /// <summary>Each window's measures rows: the windows drive the query, each one a range of the create-time index.</summary>
    private const string WindowsJoin = """
        FROM unnest(@window_starts, @window_ends) AS w (window_start, window_end)
        JOIN declaration_measures AS m ON m.create_time >= w.window_start AND m.create_time < w.window_end
        """;

    private PostgresDialect()
    {
    }

    public override DbParameter Parameter<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    public override DbParameter NullableParameter(string name, object? value, DbType type) =>
        new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value };

    public override IEnumerable<DbParameter> ListParameters(string name, IReadOnlyCollection<string> values) =>
        [new NpgsqlParameter<string[]>(name, values.ToArray())];

    public override IEnumerable<DbParameter> KeyListParameters(string name, IReadOnlyCollection<DeclarationKey> keys) =>
    [
        new NpgsqlParameter<string[]>(name + "_filer_ids", keys.Select(key => key.FilerId).ToArray()),
        new NpgsqlParameter<string[]>(name + "_declaration_ids", keys.Select(key => key.DeclarationId).ToArray()),
    ];

    public override string InList(string name) => $"= ANY(@{name})";

    public override string ListValues(string name) => $"unnest(@{name}) AS value";

    public override string KeyList(string name) => $"SELECT * FROM unnest(@{name}_filer_ids, @{name}_declaration_ids)";

    public override string OrderedJoin => "JOIN";

    public override string SaturatingSum(string column) => $"LEAST(sum({column}), 9223372036854775807)::bigint";

    /// <summary>pg_current_xact_id(): the 64-bit transaction id (epoch included, so it never wraps), assigned now if not yet.</summary>
    public override string TransactionIdQuery => "SELECT pg_current_xact_id()::text::bigint";

    /// <summary>
    /// After the position, and written by a transaction below the watermark: the oldest
    /// transaction id still running anywhere in the cluster when this statement's snapshot was
    /// taken (pg_snapshot_xmin). Every transaction below it has ended, and every later one gets a
    /// higher id, so no row can still appear below a row returned: a filer's writers commit in
    /// any order without a lock, and readers still see one order. The watermark is computed once
    /// per statement (the sub-select becomes an InitPlan), not per row.
    /// </summary>
    public override string LogAfter =>
        "(xid, seq) > (@after_xid, @after_seq) AND xid < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)";

    public override string LogOrder(bool descending) => descending ? "xid DESC, seq DESC" : "xid, seq";

    /// <summary>
    /// Creates, or locks with a no-op update, each key's counter row and returns its last
    /// sequence, in one statement. The lock is held until commit and serializes the key's
    /// writers: the next sequence is handed out only after the previous holder committed, so a
    /// reader that saw sequence N never later finds a new one below N (a SERIAL or SEQUENCE
    /// would not promise that: it hands out numbers at insert time, not in commit order). The
    /// rows are inserted, and so locked, in the order of the sorted SELECT: byte-wise key order,
    /// the same for every transaction, so two transactions never each hold a key the other
    /// waits for.
    /// </summary>
    public override string LockCounters(string table, string keyColumn) => $"""
        INSERT INTO {table} ({keyColumn}, last_seq)
        SELECT value, 0 FROM unnest(@keys) AS value ORDER BY value COLLATE "C"
        ON CONFLICT ({keyColumn}) DO UPDATE SET last_seq = {table}.last_seq
        RETURNING {keyColumn}, last_seq
        """;

    public override async Task AggregateAsync(
        DbConnection connection, ReportQuery query, string group, ReportAggregates aggregates, CancellationToken cancellationToken)
    {
        var windows = query.Windows();
        var starts = windows.Select(w => w.Start).ToArray();
        var ends = windows.Select(w => w.End).ToArray();

        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection);
        void Query(string sql)
        {
            var command = new NpgsqlBatchCommand(sql);
            command.Parameters.Add(new NpgsqlParameter<long[]>("window_starts", starts));
            command.Parameters.Add(new NpgsqlParameter<long[]>("window_ends", ends));
            batch.BatchCommands.Add(command);
        }
        Query($"""
            SELECT w.window_start, {group} AS report_group, m.duty_currency, m.tax_currency, m.revenue_currency,
                count(*), count(m.complete_data), count(*) FILTER (WHERE m.complete_data), count(m.first_decision_time),
                count(*) FILTER (WHERE m.latest_outcome = {(int)DecisionOutcome.Release}),
                count(*) FILTER (WHERE m.first_outcome = {(int)DecisionOutcome.Hold}),
                count(*) FILTER (WHERE m.latest_outcome IN ({RefusedOutcomes})),
                count(*) FILTER (WHERE m.agency_hold),
                count(*) FILTER (WHERE m.referral_count = 0 AND NOT m.amended),
                coalesce(sum(m.duty_micros), 0)::bigint, coalesce(sum(m.tax_micros), 0)::bigint,
                count(*) FILTER (WHERE m.channel = 'POSTAL'),
                coalesce(sum(m.revenue_assessed_micros), 0)::bigint, coalesce(sum(m.revenue_collected_micros), 0)::bigint
            {WindowsJoin}
            GROUP BY 1, 2, 3, 4, 5
            """);
        Query($"""
            SELECT w.window_start, {group} AS report_group,
                percentile_cont(0.5) WITHIN GROUP (ORDER BY m.first_decision_time - m.create_time),
                percentile_cont(0.9) WITHIN GROUP (ORDER BY m.first_decision_time - m.create_time)
            {WindowsJoin}
            WHERE m.first_decision_time IS NOT NULL
            GROUP BY 1, 2
            """);
        Query($"""
            SELECT w.window_start, {group} AS report_group, count(*),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY a.response_micros)
            {WindowsJoin}
            JOIN declaration_referral_answers AS a ON a.filer_id = m.filer_id AND a.declaration_id = m.declaration_id
            GROUP BY 1, 2
            """);
        Query($"""
            SELECT w.window_start, {group} AS report_group, a.referral_type, count(*),
                percentile_cont(0.5) WITHIN GROUP (ORDER BY a.response_micros)
            {WindowsJoin}
            JOIN declaration_referral_answers AS a ON a.filer_id = m.filer_id AND a.declaration_id = m.declaration_id
            GROUP BY 1, 2, 3
            """);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.AddCounts(reader.GetInt64(0), reader.GetString(1),
                new ReportAggregates.Counts(
                    reader.GetInt64(5), reader.GetInt64(6), reader.GetInt64(7), reader.GetInt64(8), reader.GetInt64(9),
                    reader.GetInt64(10), reader.GetInt64(11), reader.GetInt64(12), reader.GetInt64(13), reader.GetInt64(16)),
                reader.GetString(2), reader.GetInt64(14), reader.GetString(3), reader.GetInt64(15));
            aggregates.AddRevenue(reader.GetInt64(0), reader.GetString(1), reader.GetString(4), reader.GetInt64(17), reader.GetInt64(18));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.SetDecisionTimes(reader.GetInt64(0), reader.GetString(1), reader.GetDouble(2), reader.GetDouble(3));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.SetReferralTimes(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), reader.GetDouble(3));
        }
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            aggregates.SetReferralTypeTimes(reader.GetInt64(0), reader.GetString(1), reader.GetInt16(2), reader.GetInt64(3), reader.GetDouble(4));
        }
    }

    // ---- Schema ----

    /// <summary>
    /// Ids and other compared text use the "C" collation so they order byte-wise, exactly as in
    /// SQLite, whatever the database's default collation (a linguistic collation would, for one,
    /// ignore the hyphens in declaration ids when sorting).
    /// </summary>
    protected override IReadOnlyList<(string Token, string Words)> DdlWords { get; } =
    [
        ("{key}", "text COLLATE \"C\""),
        ("{text}", "text"),
        ("{int}", "integer"),
        ("{bigint}", "bigint"),
        ("{smallint}", "smallint"),
        ("{bool}", "boolean"),
        ("{bytes}", "bytea"),
        ("{identity}", "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY"),
        ("{strict}", ""),
        ("{without_rowid}", ""),
        ("{if_not_exists}", "IF NOT EXISTS "),
    ];

    public override T Pick<T>(T sqlite, T postgres) => postgres;

    public override string SchemaVersionTable => """
        CREATE TABLE IF NOT EXISTS schema_version (
            version integer NOT NULL PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now(),
            checksum text
        )
        """;

    public override async Task AddChecksumColumnAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS checksum text";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override string RecordMigrationSql => "INSERT INTO schema_version (version, checksum) VALUES (@version, @checksum)";
}

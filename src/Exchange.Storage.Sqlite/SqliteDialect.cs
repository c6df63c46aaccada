using System.Data;
using System.Data.Common;
using System.Text.Json;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// SQLite's side of the shared statements (<see cref="SqlDialect"/>). Lists travel as one JSON
/// parameter read back by json_each, so a statement's text (and its prepared plan) is the same
/// whatever the list's length. Booleans are INTEGER 0 or 1; every integer is a 64-bit INTEGER.
/// </summary>
public sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    private SqliteDialect()
    {
    }

    // Named as in the SQL, "@" included: Microsoft.Data.Sqlite binds such a name at once, while a
    // bare name costs a failed look-up and a prefixed retry per parameter on every execution.
    public override DbParameter Parameter<T>(string name, T value) => new SqliteParameter("@" + name, value);

    public override DbParameter NullableParameter(string name, object? value, DbType type) =>
        new SqliteParameter("@" + name, value ?? DBNull.Value);

    public override IEnumerable<DbParameter> ListParameters(string name, IReadOnlyCollection<string> values) =>
        [new SqliteParameter("@" + name, JsonSerializer.Serialize(values))];

    public override IEnumerable<DbParameter> KeyListParameters(string name, IReadOnlyCollection<DeclarationKey> keys) =>
        [new SqliteParameter("@" + name, JsonSerializer.Serialize(keys.Select(key => new[] { key.FilerId, key.DeclarationId })))];

    public override string InList(string name) => $"IN (SELECT value FROM json_each(@{name}))";

    public override string ListValues(string name) => $"json_each(@{name})";

    public override string KeyList(string name) =>
        $"SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@{name})";

    // SQLite's CROSS JOIN keeps the tables in the order written.
    public override string OrderedJoin => "CROSS JOIN";

    public override string SaturatingSum(string column) => $"CAST(MIN(TOTAL({column}), 9223372036854775807.0) AS INTEGER)";

    /// <summary>
    /// SQLite runs one writer at a time, and it holds the file's write lock from BEGIN IMMEDIATE
    /// on: reading the counters is all it takes.
    /// </summary>
    /// <summary>None: the single writer numbers each filer's events from its counter, under transaction 0.</summary>
    public override string? TransactionIdQuery => null;

    /// <summary>Every committed row is final (one writer at a time); positions of transaction 0 only, so the primary key's order serves.</summary>
    public override string LogAfter => "@after_xid = 0 AND seq > @after_seq";

    public override string LogOrder(bool descending) => descending ? "seq DESC" : "seq";

    public override string LockCounters(string table, string keyColumn) =>
        $"SELECT {keyColumn}, last_seq FROM {table} WHERE {keyColumn} {InList("keys")}";

    /// <summary>
    /// SQLite has no percentile_cont, and its GROUP BY and window functions sort the whole range:
    /// the rows of the range are read in one sequential pass (the table is clustered on create
    /// time) and counted, summed and sorted per window and group by <see cref="ReportAggregates"/>,
    /// which interpolates exactly as PostgreSQL does.
    /// </summary>
    public override async Task AggregateAsync(
        DbConnection connection, ReportQuery query, string group, ReportAggregates aggregates, CancellationToken cancellationToken)
    {
        var starts = query.Windows().Select(w => w.Start).ToArray();

        await using (var rows = connection.CreateCommand())
        {
            rows.CommandText = $"""
                SELECT m.create_time, {group}, m.complete_data, m.first_decision_time - m.create_time, m.first_outcome,
                    m.latest_outcome, m.amended, m.referral_count, m.agency_hold, m.duty_currency, m.duty_micros,
                    m.tax_currency, m.tax_micros, m.channel, m.revenue_currency, m.revenue_assessed_micros, m.revenue_collected_micros
                FROM declaration_measures AS m
                WHERE m.create_time >= @start AND m.create_time < @end
                """;
            rows.Parameters.Add(new SqliteParameter("@start", starts[0]));
            rows.Parameters.Add(new SqliteParameter("@end", query.End));
            await using var reader = await rows.ExecuteReaderAsync(cancellationToken);
            // Read, not ReadAsync: SQLite reads synchronously anyway, and a task per row costs more than the row.
            while (reader.Read())
            {
                aggregates.AddDeclaration(
                    ReportAggregates.WindowOf(starts, reader.GetInt64(0)), reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetInt64(2) == 1,
                    reader.IsDBNull(3) ? null : reader.GetInt64(3),
                    reader.GetInt32(4), reader.GetInt32(5), reader.GetInt64(6) == 1, reader.GetInt32(7), reader.GetInt64(8) == 1,
                    reader.GetString(9), reader.GetInt64(10), reader.GetString(11), reader.GetInt64(12),
                    postal: reader.GetString(13) == "POSTAL");
                aggregates.AddRevenue(
                    ReportAggregates.WindowOf(starts, reader.GetInt64(0)), reader.GetString(1), reader.GetString(14), reader.GetInt64(15), reader.GetInt64(16));
            }
        }

        // The answered referrals are few: each finds its declaration's row by the unique index.
        await using (var answers = connection.CreateCommand())
        {
            answers.CommandText = $"""
                SELECT m.create_time, {group}, a.response_micros, a.referral_type
                FROM declaration_referral_answers AS a
                CROSS JOIN declaration_measures AS m ON m.filer_id = a.filer_id AND m.declaration_id = a.declaration_id
                WHERE m.create_time >= @start AND m.create_time < @end
                """;
            answers.Parameters.Add(new SqliteParameter("@start", starts[0]));
            answers.Parameters.Add(new SqliteParameter("@end", query.End));
            await using var reader = await answers.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                aggregates.AddReferralAnswer(ReportAggregates.WindowOf(starts, reader.GetInt64(0)), reader.GetString(1), reader.GetInt64(2), reader.GetInt32(3));
            }
        }
    }


    // ---- Schema ----

    /// <summary>STRICT makes SQLite refuse a value of the wrong type; TEXT compares byte-wise (BINARY collation).</summary>
    protected override IReadOnlyList<(string Token, string Words)> DdlWords { get; } =
    [
        ("{key}", "TEXT"),
        ("{text}", "TEXT"),
        ("{int}", "INTEGER"),
        ("{bigint}", "INTEGER"),
        ("{smallint}", "INTEGER"),
        ("{bool}", "INTEGER"),
        ("{bytes}", "BLOB"),
        ("{identity}", "INTEGER PRIMARY KEY AUTOINCREMENT"),
        ("{strict}", " STRICT"),
        ("{without_rowid}", ", WITHOUT ROWID"),
        ("{if_not_exists}", ""),
    ];

    public override T Pick<T>(T sqlite, T postgres) => sqlite;

    public override string SchemaVersionTable =>
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL, checksum TEXT) STRICT";

    public override async Task AddChecksumColumnAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('schema_version') WHERE name = 'checksum'";
        if (await command.ExecuteScalarAsync(cancellationToken) is 0L)
        {
            command.CommandText = "ALTER TABLE schema_version ADD COLUMN checksum TEXT";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // applied_at: Unix milliseconds, as the releases before checksums recorded it.
    public override string RecordMigrationSql => """
        INSERT INTO schema_version (version, applied_at, checksum)
        VALUES (@version, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), @checksum)
        """;
}

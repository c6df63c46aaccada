using System.Data.Common;
using System.Globalization;

namespace Exchange.Storage.Schema;

/// <summary>
/// Brings a database to a schema version inside a transaction the provider opened (and locked:
/// SQLite's BEGIN IMMEDIATE, PostgreSQL's advisory lock), so nodes starting at once apply each
/// migration exactly once; DDL is transactional in both, so a failure leaves nothing half done.
///
/// Each applied migration's checksum is recorded in schema_version. A database whose recorded
/// checksum of a migration this build knows differs from this build's was migrated by an edited
/// migration (or this build's was edited): it is refused, since its schema may not be what the
/// code expects. A migration applied by a release before checksums has none recorded: its
/// checksum is filled in from this build (backfill), once.
/// </summary>
public static class SchemaMigrator
{
    public static async Task MigrateAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, int targetVersion, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(targetVersion, SchemaMigrations.LatestVersion);
        var migrations = SchemaMigrations.For(dialect);
        await ExecuteAsync(connection, transaction, dialect.SchemaVersionTable, cancellationToken);
        await dialect.AddChecksumColumnAsync(connection, transaction, cancellationToken);

        var applied = new List<(int Version, string? Checksum)>();
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "SELECT version, checksum FROM schema_version ORDER BY version";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                applied.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), reader.IsDBNull(1) ? null : reader.GetString(1)));
            }
        }

        // A version above this build's is a newer release's: it is not ours to check.
        foreach (var (version, recorded) in applied.Where(row => row.Version <= migrations.Count))
        {
            var expected = migrations[version - 1].Checksum;
            if (recorded is null)
            {
                await ExecuteAsync(connection, transaction, "UPDATE schema_version SET checksum = @checksum WHERE version = @version",
                    cancellationToken, (dialect.Parameter("checksum", expected), dialect.Parameter("version", version)));
            }
            else if (!string.Equals(recorded, expected, StringComparison.Ordinal))
            {
                throw new SchemaChecksumMismatchException(version, recorded, expected);
            }
        }

        var current = applied.Count == 0 ? 0 : applied.Max(row => row.Version);
        for (var version = current + 1; version <= targetVersion; version++)
        {
            var migration = migrations[version - 1];
            foreach (var statement in migration.Statements)
            {
                await ExecuteAsync(connection, transaction, statement, cancellationToken);
            }
            await ExecuteAsync(connection, transaction, dialect.RecordMigrationSql, cancellationToken,
                (dialect.Parameter("version", version), dialect.Parameter("checksum", migration.Checksum)));
        }
    }

    private static async Task ExecuteAsync(
        DbConnection connection, DbTransaction transaction, string sql, CancellationToken cancellationToken,
        (DbParameter, DbParameter)? parameters = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        if (parameters is var (first, second))
        {
            command.Parameters.Add(first);
            command.Parameters.Add(second);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>
/// The database records another checksum for an applied migration than this build's: the
/// migration was edited after it was released (or the database was changed by hand). The node
/// refuses to start on it rather than run on a schema that is not the one its code was written for.
/// </summary>
public sealed class SchemaChecksumMismatchException(int version, string recorded, string expected)
    : InvalidOperationException(
        $"Schema migration {version} applied to this database does not match migration {version} of this build " +
        $"(recorded checksum {recorded}, this build's {expected}). A released migration must never be edited: " +
        "add a new migration instead, or open the database with the release that migrated it. Refusing to open the store.")
{
    public int Version { get; } = version;
}

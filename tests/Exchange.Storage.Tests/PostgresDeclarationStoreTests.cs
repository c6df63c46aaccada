using Exchange.Core.Storage;
using Exchange.Storage;
using Exchange.Storage.Postgres;
using Exchange.Testing;
using Npgsql;

namespace Exchange.Storage.Tests;

/// <summary>
/// The conformance suite against PostgreSQL: one database per test (see PostgresTestDatabase).
/// Without EXCHANGE_TEST_POSTGRES every test is reported as skipped, never as passed.
/// </summary>
public sealed class PostgresDeclarationStoreTests : DeclarationStoreConformance
{
    private PostgresTestDatabase? _database;

    protected override string? SkipReason => PostgresTestDatabase.SkipReason;

    protected override async Task CreateDatabaseAsync() => _database = await PostgresTestDatabase.CreateAsync();

    protected override SqlDialect Dialect => PostgresDialect.Instance;

    protected override Task<ExchangeStores> OpenStoreAsync() => ExchangeStores.OpenAsync(new PostgresDatabase(_database!.ConnectionString));

    protected override async Task MigrateToSchemaVersionAsync(int version)
    {
        await using var database = new PostgresDatabase(_database!.ConnectionString);
        await database.OpenAsync(version, CancellationToken.None);
    }

    protected override async Task<object?> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var dataSource = NpgsqlDataSource.Create(_database!.ConnectionString);
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return await command.ExecuteScalarAsync();
    }

    /// <summary>
    /// Waits for the oldest transaction still running to be one that began after this call (its
    /// id at or above the next id now): the event watermark has then passed every earlier write.
    /// </summary>
    protected override async Task SettleAsync()
    {
        var next = (long)(await ExecuteSqlAsync("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint"))!;
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            if ((long)(await ExecuteSqlAsync("SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint"))! >= next)
            {
                return;
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("A transaction on the test server has run for over ten seconds.");
    }

    [SkippableFact]
    public async Task TheAuditLogRefusesTruncate()
    {
        var audit = StoresOf(await OpenFreshStoreAsync()).Audit;
        var entry = new AuditEntry(DateTimeOffset.UnixEpoch, "filers/a", "CreateDeclaration", "filers/a/declarations/d1", "OK", "");
        await audit.AppendAsync([entry], CancellationToken.None);

        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteSqlAsync("TRUNCATE audit_log"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        Assert.Equal(entry, Assert.Single(await audit.ListAsync(new(10), CancellationToken.None)).Entry);
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}

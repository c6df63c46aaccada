using Exchange.Core.Storage;
using Exchange.Storage.Postgres;
using Npgsql;

namespace Exchange.Storage.Tests;

/// <summary>
/// The conformance suite against PostgreSQL, on the server named by EXCHANGE_TEST_POSTGRES: one
/// database per test, created empty and dropped afterwards, so tests share no state. Without the
/// variable every test is reported as skipped, never as passed.
/// </summary>
public sealed class PostgresDeclarationStoreTests : DeclarationStoreConformance
{
    private const string Variable = "EXCHANGE_TEST_POSTGRES";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(Variable);

    // Only lower-case hex after the prefix: safe to splice into CREATE/DROP DATABASE, which take no parameters.
    private readonly string _database = "exchange_test_" + Guid.NewGuid().ToString("N");

    protected override string? SkipReason => string.IsNullOrWhiteSpace(ServerConnectionString)
        ? $"PostgreSQL tests SKIPPED: {Variable} is not set (run ./scripts/test, which starts a throwaway PostgreSQL)"
        : null;

    protected override Task CreateDatabaseAsync() => ExecuteOnServerAsync($"CREATE DATABASE {_database}");

    protected override async Task<IDeclarationStore> OpenStoreAsync()
    {
        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _database };
        return await PostgresDeclarationStore.OpenAsync(connectionString.ConnectionString);
    }

    // FORCE ends connections a failed test may have left open.
    protected override Task DropDatabaseAsync() => ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {_database} WITH (FORCE)");

    private static async Task ExecuteOnServerAsync(string sql)
    {
        // No pooling: the server connection is used twice per test and must not linger.
        var connectionString = new NpgsqlConnectionStringBuilder(ServerConnectionString) { Pooling = false };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

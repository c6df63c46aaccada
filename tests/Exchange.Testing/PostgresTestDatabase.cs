using Npgsql;

namespace Exchange.Testing;

/// <summary>
/// An empty PostgreSQL database of its own for one test, on the server named by the
/// EXCHANGE_TEST_POSTGRES connection string (./scripts/test starts a throwaway server and sets
/// it). Dropped on dispose, so tests share no state. Without the variable, tests must report
/// themselves as skipped with <see cref="SkipReason"/>, never as passed.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncDisposable
{
    public const string Variable = "EXCHANGE_TEST_POSTGRES";

    private static readonly string? ServerConnectionString = Environment.GetEnvironmentVariable(Variable);

    // Only lower-case hex after the prefix: safe to splice into CREATE/DROP DATABASE, which take no parameters.
    private readonly string _name = "exchange_test_" + Guid.NewGuid().ToString("N");

    private PostgresTestDatabase()
    {
    }

    /// <summary>Why PostgreSQL tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => string.IsNullOrWhiteSpace(ServerConnectionString)
        ? $"PostgreSQL tests SKIPPED: {Variable} is not set (run ./scripts/test, which starts a throwaway PostgreSQL)"
        : null;

    /// <summary>The connection string of this database.</summary>
    public string ConnectionString =>
        new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = _name }.ConnectionString;

    public static async Task<PostgresTestDatabase> CreateAsync()
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
        var database = new PostgresTestDatabase();
        await ExecuteOnServerAsync($"CREATE DATABASE {database._name}");
        return database;
    }

    // FORCE ends connections a failed test may have left open.
    public async ValueTask DisposeAsync() => await ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {_name} WITH (FORCE)");

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

namespace Exchange.Storage.Postgres;

/// <summary>Opens the stores of one PostgreSQL database directly, for tests, benchmarks and tools (a node registers <see cref="PostgresServiceCollectionExtensions.AddExchangePostgres"/>).</summary>
public static class PostgresStore
{
    /// <summary>
    /// Connects to the database named by <paramref name="connectionString"/>, brings its schema up
    /// to date and returns its stores. Safe to call from several nodes at once.
    /// </summary>
    public static Task<ExchangeStores> OpenAsync(string connectionString, CancellationToken cancellationToken = default) =>
        ExchangeStores.OpenAsync(new PostgresDatabase(connectionString), cancellationToken);

    /// <summary>Brings the database to schema <paramref name="version"/> only, as the release that introduced it left it.</summary>
    internal static async Task MigrateToVersionAsync(string connectionString, int version, CancellationToken cancellationToken = default)
    {
        await using var database = new PostgresDatabase(connectionString);
        await database.OpenAsync(version, cancellationToken);
    }
}


namespace Exchange.Storage.Sqlite;

/// <summary>Opens the stores of one SQLite file directly, for tests, benchmarks and tools (a node registers <see cref="SqliteServiceCollectionExtensions.AddExchangeSqlite"/>).</summary>
public static class SqliteStore
{
    /// <summary>
    /// Opens (creating if needed, directory included) the database file at
    /// <paramref name="databasePath"/>, brings its schema up to date and returns its stores.
    /// </summary>
    public static Task<ExchangeStores> OpenAsync(string databasePath, CancellationToken cancellationToken = default) =>
        ExchangeStores.OpenAsync(new SqliteDatabase(databasePath), cancellationToken);

    /// <summary>Makes (or brings) the file at <paramref name="databasePath"/> to schema <paramref name="version"/> only, as the release that introduced it left it.</summary>
    internal static async Task MigrateToVersionAsync(string databasePath, int version, CancellationToken cancellationToken = default)
    {
        await using var database = new SqliteDatabase(databasePath);
        await database.OpenAsync(version, cancellationToken);
    }
}

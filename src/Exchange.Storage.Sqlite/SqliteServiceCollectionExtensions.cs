using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Storage.Sqlite;

public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite store of the file at <paramref name="databasePath"/>: the database,
    /// opened and migrated by the start-up step before the node serves a call, and a repository
    /// for each store interface.
    /// </summary>
    public static IServiceCollection AddExchangeSqlite(this IServiceCollection services, string databasePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        return services.AddExchangeStorage(_ => new SqliteDatabase(databasePath));
    }
}

using Exchange.Storage.Postgres;
using Exchange.Storage.Sqlite;

namespace Exchange.Server.Hosting;

/// <summary>
/// Registers the configured store provider (Exchange:Store:Provider): its database, the start-up
/// step that opens and migrates it before the node serves a call, and its repositories.
/// </summary>
public static class StoreProvider
{
    public const string SqliteFileName = "exchange.db";

    public static IServiceCollection AddConfiguredStore(this IServiceCollection services, StoreOptions options) =>
        options.Provider.ToUpperInvariant() switch
        {
            "SQLITE" => services.AddExchangeSqlite(Path.Combine(Path.GetFullPath(options.DataDirectory), SqliteFileName)),
            "POSTGRES" => services.AddExchangePostgres(
                options.ConnectionString ?? throw new InvalidOperationException("Exchange:Store:ConnectionString is required for the Postgres store.")),
            _ => throw new InvalidOperationException($"Exchange:Store:Provider must be 'Sqlite' or 'Postgres', not '{options.Provider}'."),
        };
}

using Exchange.Core.Storage;
using Exchange.Storage.Postgres;
using Exchange.Storage.Sqlite;

namespace Exchange.Server.Hosting;

/// <summary>Opens the configured store (creating or migrating its schema) once, at start-up.</summary>
public static class StoreFactory
{
    public const string SqliteFileName = "exchange.db";

    public static async Task<IDeclarationStore> OpenAsync(StoreOptions options, CancellationToken cancellationToken = default) =>
        options.Provider.ToUpperInvariant() switch
        {
            "SQLITE" => await SqliteDeclarationStore.OpenAsync(
                Path.Combine(Path.GetFullPath(options.DataDirectory), SqliteFileName), cancellationToken),
            "POSTGRES" => await PostgresDeclarationStore.OpenAsync(
                options.ConnectionString ?? throw new InvalidOperationException("Exchange:Store:ConnectionString is required for the Postgres store."),
                cancellationToken),
            _ => throw new InvalidOperationException($"Exchange:Store:Provider must be 'Sqlite' or 'Postgres', not '{options.Provider}'."),
        };
}

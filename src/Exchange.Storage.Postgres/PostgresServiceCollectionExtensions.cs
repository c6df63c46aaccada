using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>
    /// Registers the PostgreSQL store of the database named by <paramref name="connectionString"/>:
    /// one data source for the node, the schema brought up to date by the start-up step before
    /// the node serves a call, and a repository for each store interface.
    /// </summary>
    public static IServiceCollection AddExchangePostgres(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return services.AddExchangeStorage(_ => new PostgresDatabase(connectionString));
    }
}

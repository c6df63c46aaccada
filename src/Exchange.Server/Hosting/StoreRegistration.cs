using Exchange.Core.Consignments;
using Exchange.Core.Events;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Redis;
using Exchange.Storage;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires the store and the event signal: on their own (one node), or with Redis in front as the
/// shared fast path of several nodes (Exchange:Redis:Configuration set). The provider registers
/// its own repositories (AddExchangeSqlite / AddExchangePostgres) and opens the database in a
/// start-up step, so a store that cannot open stops the node at start-up. The declaration store
/// the node uses is instrumented (<see cref="InstrumentedDeclarationStore"/>), outermost, and
/// shares with partner administrations (<see cref="SharingDeclarationStore"/>) and tells carriers
/// of their houses (<see cref="NoticingDeclarationStore"/>), innermost.
/// </summary>
public static class StoreRegistration
{
    public static IServiceCollection AddExchangeStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddConfiguredStore(configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>()?.Store ?? new StoreOptions());
        // Redis cannot stop the node at start-up: a node starts without it and uses it once it is up.
        // Resolved only when Redis is configured; disposed (connection closed) with the host.
        services.AddSingleton(provider =>
        {
            var redis = Options(provider).Redis;
            return RedisConnection.Connect(redis.Configuration, redis.KeyPrefix, provider.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton<IEventSignal>(provider => UsesRedis(provider)
            ? new RedisEventSignal(provider.GetRequiredService<RedisConnection>(), provider.GetRequiredService<ILogger<RedisEventSignal>>())
            : new InProcessEventSignal());
        services.TryAddSingleton<ExchangeMetrics>();
        // Replaces the provider's IDeclarationStore (its repository, undecorated) with the decorated one.
        services.Replace(ServiceDescriptor.Singleton<IDeclarationStore>(provider =>
        {
            IDeclarationStore opened = provider.GetRequiredService<DeclarationRepository>();
            // Innermost, so what a change shares and tells other parties is written in the change's own transaction.
            IDeclarationStore store = new NoticingDeclarationStore(
                opened, provider.GetRequiredService<IRegistryStore>(), provider.GetRequiredService<IEventSignal>());
            store = provider.GetService<PartnerSharing>() is { } sharing
                ? new SharingDeclarationStore(store, sharing, provider.GetRequiredKeyedService<WorkPulse>(PartnerRegistration.OutboxPulse))
                : store;
            var cached = UsesRedis(provider)
                ? new CachingDeclarationStore(store, new RedisIdempotencyCache(
                    provider.GetRequiredService<RedisConnection>(), Options(provider).Redis.IdempotencyTtl))
                : store;
            return new InstrumentedDeclarationStore(cached, provider.GetRequiredService<ExchangeMetrics>());
        }));
        return services;
    }

    private static ExchangeOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<ExchangeOptions>>().Value;

    private static bool UsesRedis(IServiceProvider provider) => !string.IsNullOrWhiteSpace(Options(provider).Redis.Configuration);
}


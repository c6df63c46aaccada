using Exchange.Core.Events;
using Exchange.Core.Storage;
using Exchange.Redis;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires the store and the event signal: on their own (one node), or with Redis in front as the
/// shared fast path of several nodes (Exchange:Redis:Configuration set).
/// </summary>
public static class StoreRegistration
{
    public static IServiceCollection AddExchangeStore(this IServiceCollection services)
    {
        // Resolved only when Redis is configured; disposed (connection closed) with the host.
        services.AddSingleton(provider =>
        {
            var redis = Options(provider).Redis;
            return RedisConnection.Connect(redis.Configuration, redis.KeyPrefix, provider.GetRequiredService<ILoggerFactory>());
        });
        services.AddSingleton<IEventSignal>(provider => UsesRedis(provider)
            ? new RedisEventSignal(provider.GetRequiredService<RedisConnection>(), provider.GetRequiredService<ILogger<RedisEventSignal>>())
            : new InProcessEventSignal());
        // Opened once, before the first call: a store that cannot open stops the node at start-up.
        // Redis cannot: a node starts without it and uses it once it is up.
        services.AddSingleton<IDeclarationStore>(provider =>
        {
            var store = StoreFactory.OpenAsync(Options(provider).Store).GetAwaiter().GetResult();
            return UsesRedis(provider)
                ? new CachingDeclarationStore(store, new RedisIdempotencyCache(
                    provider.GetRequiredService<RedisConnection>(), Options(provider).Redis.IdempotencyTtl))
                : store;
        });
        return services;
    }

    private static ExchangeOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<ExchangeOptions>>().Value;

    private static bool UsesRedis(IServiceProvider provider) => !string.IsNullOrWhiteSpace(Options(provider).Redis.Configuration);
}

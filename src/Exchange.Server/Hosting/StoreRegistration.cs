using Exchange.Core.Consignments;
using Exchange.Core.Events;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires the store and the event signal: on their own (one node), or with Redis in front as the
/// shared fast path of several nodes (Exchange:Redis:Configuration set). The declaration store
/// the node uses is instrumented (<see cref="InstrumentedDeclarationStore"/>), outermost, and
/// shares with partner administrations (<see cref="SharingDeclarationStore"/>) and tells carriers
/// of their houses (<see cref="NoticingDeclarationStore"/>), innermost.
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
        // The registries live in the same database as the declarations: the opened store is both.
        services.AddSingleton(provider => new OpenedStore(StoreFactory.OpenAsync(Options(provider).Store).GetAwaiter().GetResult()));
        services.AddSingleton(provider => (IRegistryStore)provider.GetRequiredService<OpenedStore>().Store);
        services.AddSingleton(provider => (IOutboxStore)provider.GetRequiredService<OpenedStore>().Store);
        services.AddSingleton(provider => (INoticeStore)provider.GetRequiredService<OpenedStore>().Store);
        services.AddSingleton(provider => (IAuditStore)provider.GetRequiredService<OpenedStore>().Store);
        services.TryAddSingleton<ExchangeMetrics>();
        services.AddSingleton<IDeclarationStore>(provider =>
        {
            var opened = provider.GetRequiredService<OpenedStore>().Store;
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
        });
        return services;
    }

    private static ExchangeOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<ExchangeOptions>>().Value;

    private static bool UsesRedis(IServiceProvider provider) => !string.IsNullOrWhiteSpace(Options(provider).Redis.Configuration);
}

/// <summary>
/// The store as opened, before any decorator: the registries use it directly. Not disposable
/// itself: the host disposes the store through its IDeclarationStore registration.
/// </summary>
public sealed record OpenedStore(IDeclarationStore Store);

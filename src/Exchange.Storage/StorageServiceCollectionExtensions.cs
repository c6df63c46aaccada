using Exchange.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Exchange.Storage;

/// <summary>What both providers register: the database, its start-up step and one repository per store interface.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="database"/> (made once, disposed with the container), the
    /// start-up step that opens it (<see cref="StoreStartup"/>, as the first hosted service), and
    /// each repository as its store interface. <see cref="IDeclarationStore"/> is the repository
    /// itself; a host that decorates it replaces that registration and builds on
    /// <see cref="DeclarationRepository"/>.
    /// </summary>
    public static IServiceCollection AddExchangeStorage(this IServiceCollection services, Func<IServiceProvider, StoreDatabase> database)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(database);
        services.AddSingleton(database);
        // First among the hosted services (the web server's included): nothing starts before the
        // schema is up to date.
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StoreStartup>());
        services.AddSingleton<DeclarationRepository>();
        services.TryAddSingleton<IDeclarationStore>(provider => provider.GetRequiredService<DeclarationRepository>());
        services.AddSingleton<IRegistryStore, RegistryRepository>();
        services.AddSingleton<IReportStore, ReportRepository>();
        services.AddSingleton<IPostalArrivalStore, PostalArrivalRepository>();
        services.AddSingleton<IOutboxStore, OutboxRepository>();
        services.AddSingleton<INoticeStore, NoticeRepository>();
        services.AddSingleton<IAuditStore, AuditRepository>();
        return services;
    }
}

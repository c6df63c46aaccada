using Exchange.Core.Audit;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;
using Exchange.Server.Grpc;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// The audit log: one <see cref="AuditTrail"/> per node (a singleton: the interceptor records every
/// call through it, the partner exchange what it shares), drained when the host stops; the
/// interceptor, after the error interceptor and before the rate limits; and AuditService.
/// </summary>
public static class AuditRegistration
{
    public const string Section = ExchangeOptions.Section + ":Audit";

    public static IServiceCollection AddExchangeAudit(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<ExchangeOptions>, AuditOptionsValidation>();
        services.AddOptions<ExchangeOptions>().ValidateOnStart();
        services.AddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<ExchangeOptions>>().Value.Audit;
            var trail = new AuditTrail(provider.GetRequiredService<IAuditStore>(), settings, provider.GetRequiredService<TimeProvider>());
            var log = provider.GetRequiredService<ILogger<AuditTrail>>();
            trail.StoreFailed += (error, held, retryIn) =>
                log.LogWarning(error, "Writing the audit log failed; {Held} entries are held and retried in {RetryIn}", held, retryIn);
            trail.EntriesDropped += (count, reason) =>
            {
                if (reason == AuditDropReason.QueueFull)
                {
                    log.LogError("{Count} audit entries were dropped: {MaxQueued} entries were already waiting for the store", count, settings.MaxQueuedEntries);
                }
                else
                {
                    log.LogError("{Count} audit entries were lost: the store did not take them before the node stopped", count);
                }
            };
            provider.GetRequiredService<ExchangeMetrics>().ObserveAuditTrail(trail);
            return trail;
        });
        services.AddHostedService<AuditTrailService>();
        services.AddSingleton(provider => new AuditWorkflow(provider.GetRequiredService<IAuditStore>()));
        services.AddSingleton<AuditInterceptor>();
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<AuditInterceptor>());
        return services;
    }

    public static WebApplication MapExchangeAudit(this WebApplication app)
    {
        app.MapGrpcService<AuditGrpcService>();
        return app;
    }

    /// <summary>Every problem of Exchange:Audit, in one start-up failure.</summary>
    private sealed class AuditOptionsValidation : IValidateOptions<ExchangeOptions>
    {
        public ValidateOptionsResult Validate(string? name, ExchangeOptions options) =>
            options.Audit.Problems(Section + ":") is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems)
                : ValidateOptionsResult.Success;
    }

    /// <summary>
    /// Starts the trail with the host and drains it when the host stops: after the server has
    /// finished its calls (the web host stops first), so the last calls are recorded too. The
    /// host's shutdown timeout bounds the wait for a failing store.
    /// </summary>
    private sealed class AuditTrailService(AuditTrail trail) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => trail.CloseAsync(cancellationToken);
    }
}

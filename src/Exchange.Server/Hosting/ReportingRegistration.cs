using Exchange.Core.Monetary;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Exchange.Server.Grpc;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Wires the performance reporting service: the report queries of the opened store, the workflow,
/// and its targets and baseline from "Exchange:Reporting" (validated at start-up: a node with an
/// unknown measure or a half-set baseline does not start).
/// </summary>
public static class ReportingRegistration
{
    public const string Section = "Exchange:Reporting";

    public static IServiceCollection AddExchangeReporting(this IServiceCollection services)
    {
        services.AddOptions<ReportingOptions>()
            .BindConfiguration(Section)
            .PostConfigure<IConfiguration>((options, configuration) =>
            {
                // Binding adds to a list it finds filled, so the defaults apply only when no target is configured.
                if (!configuration.GetSection(Section + ":Targets").Exists())
                {
                    options.Targets = [.. ReportingOptions.DefaultTargets];
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ReportingOptions>, ReportingOptionsValidation>();
        // Reports read the store provider's IReportStore (AddExchangeSqlite / AddExchangePostgres) directly:
        // the Redis cache in front of the declaration store caches no aggregates.
        services.AddSingleton(provider => new ReportingWorkflow(
            provider.GetRequiredService<IReportStore>(),
            provider.GetRequiredService<IOptions<ReportingOptions>>().Value,
            provider.GetRequiredService<ExchangeRates>(),
            provider.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static WebApplication MapExchangeReporting(this WebApplication app)
    {
        app.MapGrpcService<ReportingGrpcService>();
        return app;
    }

    /// <summary>Every problem of the reporting options, in one start-up failure.</summary>
    private sealed class ReportingOptionsValidation : IValidateOptions<ReportingOptions>
    {
        public ValidateOptionsResult Validate(string? name, ReportingOptions options) =>
            options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}

namespace Exchange.Server.Hosting;

/// <summary>Wires the performance reporting service (placeholder until reporting lands).</summary>
public static class ReportingRegistration
{
    public static IServiceCollection AddExchangeReporting(this IServiceCollection services) => services;

    public static WebApplication MapExchangeReporting(this WebApplication app) => app;
}

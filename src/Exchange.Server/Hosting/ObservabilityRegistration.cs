namespace Exchange.Server.Hosting;

/// <summary>Wires metrics and traces (placeholder until observability lands).</summary>
public static class ObservabilityRegistration
{
    public static WebApplicationBuilder AddExchangeObservability(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapExchangeObservability(this WebApplication app) => app;
}

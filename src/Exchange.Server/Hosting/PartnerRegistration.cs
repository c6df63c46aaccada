namespace Exchange.Server.Hosting;

/// <summary>Customs-to-customs exchange with partner nodes. Placeholder: to be filled in.</summary>
public static class PartnerRegistration
{
    public static WebApplicationBuilder AddExchangePartners(this WebApplicationBuilder builder) => builder;

    public static WebApplication MapExchangePartners(this WebApplication app) => app;
}

/// <summary>Exchange:PartnerExchange. Placeholder.</summary>
public sealed class PartnerExchangeOptions
{
}

namespace Exchange.Server.Hosting;

/// <summary>Per-caller rate limits. Placeholder: to be filled in.</summary>
public static class RateLimitRegistration
{
    public static IServiceCollection AddExchangeRateLimits(this IServiceCollection services) => services;
}

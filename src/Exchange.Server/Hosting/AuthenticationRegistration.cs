using Exchange.Server.Identity;

namespace Exchange.Server.Hosting;

/// <summary>How callers are authenticated: the scheme named by Exchange:Authentication:Mode.</summary>
public static class AuthenticationRegistration
{
    public static WebApplicationBuilder AddExchangeAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ExchangeOptions>()
            .Validate(o => o.Authentication.Mode == "Development",
                "Exchange:Authentication:Mode must be 'Development' (the only scheme of this release).");
        builder.Services.AddSingleton<ICallerIdentityResolver, DevelopmentHeaderIdentityResolver>();
        return builder;
    }
}

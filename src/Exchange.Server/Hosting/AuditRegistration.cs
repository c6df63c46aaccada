namespace Exchange.Server.Hosting;

/// <summary>Options of the audit log (Exchange:Audit). Placeholder: to be filled in.</summary>
public sealed class AuditOptions
{
}

/// <summary>The audit log. Placeholder: to be filled in.</summary>
public static class AuditRegistration
{
    public static IServiceCollection AddExchangeAudit(this IServiceCollection services) => services;

    public static WebApplication MapExchangeAudit(this WebApplication app) => app;
}

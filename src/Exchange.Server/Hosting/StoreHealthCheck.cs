using Exchange.Core.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Exchange.Server.Hosting;

/// <summary>Serving only while the store answers: a node that cannot record declarations must not take them.</summary>
public sealed class StoreHealthCheck(IDeclarationStore store) : IHealthCheck
{
    // A read of a filer id that can never exist (ids cannot start with '-') touches the store and nothing else.
    private const string ProbeFilerId = "-health-probe";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetLastEventPositionAsync(ProbeFilerId, cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The store does not answer.", error);
        }
    }
}

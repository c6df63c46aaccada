using Exchange.Server.Grpc;
using Grpc.AspNetCore.Server;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Per-caller rate limits and stream caps (Exchange:RateLimits, <see cref="RateLimitOptions"/>),
/// and the memory budget of bulk streams (Exchange:Limits:BulkBytesPerCaller and BulkBytesPerNode).
/// </summary>
public static class RateLimitRegistration
{
    /// <summary>
    /// Registers the limits after AddGrpc and the audit log, so the interceptor runs inside the
    /// error interceptor (its refusals become statuses) and the audit interceptor (refusals are
    /// recorded). A node with out-of-range limits does not start.
    /// </summary>
    public static IServiceCollection AddExchangeRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<ExchangeOptions>, RateLimitOptionsValidator>();
        services.AddOptions<ExchangeOptions>().ValidateOnStart();
        // One instance: the buckets must outlive the call (the container disposes it at shutdown).
        services.AddSingleton<RateLimitInterceptor>();
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<RateLimitInterceptor>());
        // One per node: the budgets are shared by every bulk stream. Applies whether or not the
        // rate limits are enabled: memory must stay bounded either way.
        services.AddSingleton<BulkStreamBudgets>();
        return services;
    }

    private sealed class RateLimitOptionsValidator : IValidateOptions<ExchangeOptions>
    {
        public ValidateOptionsResult Validate(string? name, ExchangeOptions options) =>
            options.RateLimits.Problems().Concat(options.Limits.BulkBudgetProblems()).ToList() is { Count: > 0 } problems
                ? ValidateOptionsResult.Fail(problems)
                : ValidateOptionsResult.Success;
    }
}

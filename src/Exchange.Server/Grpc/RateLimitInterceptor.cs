using System.Globalization;
using System.Threading.RateLimiting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Grpc;

/// <summary>
/// Admits each call against its caller's token bucket (Exchange:RateLimits), partitioned by
/// <see cref="ICallerIdentityResolver.DescribeCaller"/>, and caps the watches a caller holds open.
/// A call counts once when it starts, streaming or not. Refusals are exceptions of the standard,
/// turned into RESOURCE_EXHAUSTED by <see cref="ErrorInterceptor"/>: RATE_LIMITED with a
/// google.rpc.RetryInfo, or STREAM_LIMIT_EXCEEDED. Health checks pass unlimited, so probes keep
/// working while callers are refused. One instance per node (the buckets live here).
/// </summary>
public sealed class RateLimitInterceptor : Interceptor, IDisposable
{
    /// <summary>grpc.health.v1: load balancers and orchestrators must always get an answer.</summary>
    private const string HealthService = "/grpc.health.v1.Health/";

    /// <summary>How often the partitioned limiter refills its buckets (its fixed timer in System.Threading.RateLimiting).</summary>
    private static readonly TimeSpan RefillTick = TimeSpan.FromMilliseconds(100);

    private readonly ICallerIdentityResolver _identities;
    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<string> _requests;
    private readonly PartitionedRateLimiter<string> _streams;

    public RateLimitInterceptor(ICallerIdentityResolver identities, IOptions<ExchangeOptions> options)
    {
        _identities = identities;
        _options = options.Value.RateLimits;
        // Idle partitions (a full bucket, no open stream) are dropped by the limiter after a few
        // seconds, so memory follows the callers active now, not every caller ever seen.
        _requests = PartitionedRateLimiter.Create<string, string>(caller => LimitOf(caller) is { PermitsPerSecond: > 0 } limit
            ? RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = limit.Burst,
                // Refilled continuously (pro rata on every tick), at PermitsPerSecond per second.
                TokensPerPeriod = limit.PermitsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(caller));
        _streams = PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetConcurrencyLimiter(caller, _ =>
            new ConcurrencyLimiterOptions { PermitLimit = _options.MaxConcurrentStreamsPerCaller, QueueLimit = 0 }));
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, context);
    }

    /// <summary>A watch: admitted like any call, then holds one of the caller's stream slots until it ends.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = OpenStream(Admit(context));
        await continuation(request, responseStream, context);
    }

    /// <summary>A bulk stream counts once: its items are bounded by Exchange:Limits:MaxDeclarationsPerBulkStream.</summary>
    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(requestStream, responseStream, context);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _streams.Dispose();
    }

    /// <summary>Takes one permit from the caller's bucket, or refuses the call; returns the caller (null: not limited).</summary>
    private string? Admit(ServerCallContext context)
    {
        if (!_options.Enabled || context.Method.StartsWith(HealthService, StringComparison.Ordinal))
        {
            return null;
        }
        var caller = _identities.DescribeCaller(context);
        using var lease = _requests.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            var limit = LimitOf(caller);
            throw new RateLimitedException(caller, limit.PermitsPerSecond, RetryDelay(limit));
        }
        return caller;
    }

    /// <summary>One of the caller's stream slots, released when disposed; null when streams are not capped.</summary>
    private RateLimitLease? OpenStream(string? caller)
    {
        if (caller is null || _options.MaxConcurrentStreamsPerCaller == 0)
        {
            return null;
        }
        var slot = _streams.AttemptAcquire(caller);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            throw new ConcurrentStreamLimitException(caller, _options.MaxConcurrentStreamsPerCaller);
        }
        return slot;
    }

    /// <summary>
    /// How long until the caller's bucket holds a permit again: one permit's refill time, plus one
    /// refill tick (the bucket grows on the tick, not continuously). The lease's own RetryAfter
    /// counts whole replenishment periods (a second here): far too long at thousands per second.
    /// </summary>
    private static TimeSpan RetryDelay(CallerRateLimit limit) =>
        TimeSpan.FromMilliseconds(Math.Ceiling(1000.0 / limit.PermitsPerSecond)) + RefillTick;

    /// <summary>The limit of the caller's role, read from the first segment of its resource name.</summary>
    private CallerRateLimit LimitOf(string caller) => caller[..Math.Max(caller.IndexOf('/'), 0)] switch
    {
        CertificateIdentity.Filers => _options.Filers,
        CertificateIdentity.Officers => _options.Officers,
        CertificateIdentity.Agencies => _options.Agencies,
        CertificateIdentity.Partners => _options.Partners,
        _ => _options.Anonymous,
    };
}

/// <summary>The caller already holds as many watches open as one caller may (Exchange:RateLimits:MaxConcurrentStreamsPerCaller).</summary>
public sealed class ConcurrentStreamLimitException(string caller, int limit)
    : ExchangeException(ErrorReason.StreamLimitExceeded,
        $"{caller} already has {limit.ToString(CultureInfo.InvariantCulture)} streams open, the most one caller may hold at once; close one before opening another.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>
    {
        ["caller"] = caller,
        ["limit"] = limit.ToString(CultureInfo.InvariantCulture),
    };
}

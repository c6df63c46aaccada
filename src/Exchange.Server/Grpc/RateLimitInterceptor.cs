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
/// <see cref="ICallerIdentityResolver.DescribeCaller"/>, and caps the watches and the bulk streams
/// a caller holds open. A call takes a token when it starts; a call with a request stream (a bulk
/// stream) takes one more before it reads each message, waiting for it when the bucket is empty:
/// back-pressure rather than a refusal, as the stream is within its rate once it waits, and the
/// wait happens before the message is read, so a waiting stream holds no more memory (the message
/// stays in the transport, under HTTP/2 flow control). Refusals are exceptions of the standard,
/// turned into RESOURCE_EXHAUSTED by <see cref="ErrorInterceptor"/>: RATE_LIMITED with a
/// google.rpc.RetryInfo, or STREAM_LIMIT_EXCEEDED. Health checks pass unlimited, so probes keep
/// working while callers are refused. One instance per node (the buckets live here); code outside
/// an interceptor (e.g. a call refused before its message could be read) counts a call with
/// <see cref="Admit(string)"/>.
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
    private readonly PartitionedRateLimiter<string> _bulkStreams;

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
        _streams = ConcurrencyPerCaller(_options.MaxConcurrentStreamsPerCaller);
        _bulkStreams = ConcurrencyPerCaller(_options.MaxConcurrentBulkStreamsPerCaller);
    }

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Admit(context);
        return continuation(request, context);
    }

    /// <summary>Like a bulk stream: one of the caller's bulk places, and a token per message read.</summary>
    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Admit(context);
        using var slot = OpenStream(_bulkStreams, caller, _options.MaxConcurrentBulkStreamsPerCaller);
        return await continuation(Paced(requestStream, caller), context);
    }

    /// <summary>A watch: admitted like any call, then holds one of the caller's stream slots until it ends.</summary>
    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        using var slot = OpenStream(_streams, Admit(context), _options.MaxConcurrentStreamsPerCaller);
        await continuation(request, responseStream, context);
    }

    /// <summary>
    /// A bulk stream: admitted like any call, holds one of the caller's bulk places until it ends,
    /// and takes a token for each message (<see cref="Paced"/>).
    /// </summary>
    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        var caller = Admit(context);
        using var slot = OpenStream(_bulkStreams, caller, _options.MaxConcurrentBulkStreamsPerCaller);
        await continuation(Paced(requestStream, caller), responseStream, context);
    }

    public void Dispose()
    {
        _requests.Dispose();
        _streams.Dispose();
        _bulkStreams.Dispose();
    }

    /// <summary>
    /// Takes one token from the caller's bucket, or refuses the call; returns the caller (null:
    /// limits off, or a health check).
    /// </summary>
    public string? Admit(ServerCallContext context)
    {
        if (!_options.Enabled || context.Method.StartsWith(HealthService, StringComparison.Ordinal))
        {
            return null;
        }
        var caller = _identities.DescribeCaller(context);
        Admit(caller);
        return caller;
    }

    /// <summary>
    /// Takes one token from the bucket of <paramref name="caller"/> (as
    /// <see cref="ICallerIdentityResolver.DescribeCaller"/> names it), or throws
    /// <see cref="RateLimitedException"/>: for a call counted outside the interceptor.
    /// </summary>
    public void Admit(string caller)
    {
        if (!_options.Enabled)
        {
            return;
        }
        using var lease = _requests.AttemptAcquire(caller);
        if (!lease.IsAcquired)
        {
            var limit = LimitOf(caller);
            throw new RateLimitedException(caller, limit.PermitsPerSecond, RetryDelay(limit));
        }
    }

    /// <summary>
    /// Takes one token from the caller's bucket, waiting (a refill tick at a time) while it is
    /// empty; ends with <see cref="OperationCanceledException"/> when the call does.
    /// </summary>
    public async ValueTask WaitForTokenAsync(string caller, CancellationToken cancellationToken)
    {
        while (_options.Enabled)
        {
            using (var lease = _requests.AttemptAcquire(caller))
            {
                if (lease.IsAcquired)
                {
                    return;
                }
            }
            // The bucket grows on the limiter's tick: trying again sooner finds it empty still.
            await Task.Delay(RetryDelay(LimitOf(caller)), cancellationToken);
        }
    }

    /// <summary>The request stream, taking a token before each message is read; unchanged when not limited.</summary>
    private IAsyncStreamReader<T> Paced<T>(IAsyncStreamReader<T> requestStream, string? caller) =>
        caller is null ? requestStream : new PacedReader<T>(requestStream, this, caller);

    private static PartitionedRateLimiter<string> ConcurrencyPerCaller(int permits) =>
        PartitionedRateLimiter.Create<string, string>(caller => RateLimitPartition.GetConcurrencyLimiter(caller, _ =>
            new ConcurrencyLimiterOptions { PermitLimit = Math.Max(permits, 1), QueueLimit = 0 }));

    /// <summary>One of the caller's places in <paramref name="places"/>, released when disposed; null when not capped.</summary>
    private static RateLimitLease? OpenStream(PartitionedRateLimiter<string> places, string? caller, int cap)
    {
        if (caller is null || cap == 0)
        {
            return null;
        }
        var slot = places.AttemptAcquire(caller);
        if (!slot.IsAcquired)
        {
            slot.Dispose();
            throw new ConcurrentStreamLimitException(caller, cap);
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

/// <summary>
/// A request stream whose every message costs its caller a token. The token is taken before the
/// message is read, so a stream waiting for its rate holds nothing it has not already read; the
/// first read is paid by the token the call took when it was admitted, and the end of the stream
/// (a read that finds no message) costs one like a message: N messages cost N + 1 tokens in all.
/// Reads no further ahead than its reader asks.
/// </summary>
internal sealed class PacedReader<T>(IAsyncStreamReader<T> inner, RateLimitInterceptor limiter, string caller) : IAsyncStreamReader<T>
{
    private bool _admitted = true;

    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (!_admitted)
        {
            await limiter.WaitForTokenAsync(caller, cancellationToken);
        }
        _admitted = false;
        return await inner.MoveNext(cancellationToken);
    }
}

/// <summary>
/// The caller already holds as many watches (Exchange:RateLimits:MaxConcurrentStreamsPerCaller) or
/// bulk streams (MaxConcurrentBulkStreamsPerCaller) open as one caller may.
/// </summary>
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

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using Google.Protobuf;
using StackExchange.Redis;

namespace Exchange.Redis;

/// <summary>
/// Answers already given, by (filer, request id), kept in Redis for a while so a retry (on any
/// node) is answered without a database round trip. Only ever a copy of the store's idempotency
/// records, written after they are durable: a miss, an expired entry or an unreachable Redis
/// just sends the caller to the store.
/// </summary>
/// <remarks>
/// Key: <c>{prefix}idem:{filer id}:{request id}</c> (filer ids have no ':' and request ids are
/// UUIDs, so keys cannot collide). Value: a format byte (1), the hash length, the request hash,
/// then the response declaration's protobuf bytes.
/// </remarks>
public sealed class RedisIdempotencyCache(RedisConnection redis, TimeSpan timeToLive)
{
    private const string Operation = "idempotency look-up";
    private const byte FormatVersion = 1;

    public RedisKey KeyFor(string filerId, string requestId) => redis.KeyPrefix + "idem:" + filerId + ":" + requestId;

    /// <summary>
    /// The cached answers of the given (filer, request id) pairs, null where there is none or
    /// Redis did not answer. Never throws for a Redis problem.
    /// </summary>
    public async Task<IdempotencyRecord?[]> FindAsync(
        IReadOnlyList<(string FilerId, string RequestId)> requests, CancellationToken cancellationToken)
    {
        var found = new IdempotencyRecord?[requests.Count];
        if (requests.Count == 0 || !redis.IsAvailable(Operation))
        {
            return found;
        }
        RedisValue[] values;
        try
        {
            var keys = new RedisKey[requests.Count];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = KeyFor(requests[i].FilerId, requests[i].RequestId);
            }
            values = await redis.Multiplexer.GetDatabase().StringGetAsync(keys).WaitAsync(cancellationToken);
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            redis.ReportUnavailable(Operation, error);
            return found;
        }
        for (var i = 0; i < values.Length; i++)
        {
            found[i] = Decode(requests[i].RequestId, values[i]);
        }
        return found;
    }

    /// <summary>
    /// Caches an answer the store has made durable. Fire and forget: the caller's response never
    /// waits for Redis, and a lost write only costs a later look-up in the store.
    /// </summary>
    public void Remember(string filerId, string requestId, byte[] requestHash, Declaration response)
    {
        if (!redis.IsAvailable(Operation))
        {
            return;
        }
        try
        {
            redis.Multiplexer.GetDatabase().StringSet(
                KeyFor(filerId, requestId), Encode(requestHash, response), timeToLive, flags: CommandFlags.FireAndForget);
        }
        catch (Exception error) when (error is RedisException or TimeoutException or ObjectDisposedException)
        {
            redis.ReportUnavailable(Operation, error);
        }
    }

    private static byte[] Encode(byte[] requestHash, Declaration response)
    {
        if (requestHash.Length > byte.MaxValue)
        {
            throw new ArgumentException("A request hash is at most 255 bytes.", nameof(requestHash));
        }
        var value = new byte[2 + requestHash.Length + response.CalculateSize()];
        value[0] = FormatVersion;
        value[1] = (byte)requestHash.Length;
        requestHash.CopyTo(value, 2);
        response.WriteTo(value.AsSpan(2 + requestHash.Length));
        return value;
    }

    private static IdempotencyRecord? Decode(string requestId, RedisValue value)
    {
        if (value.IsNull)
        {
            return null;
        }
        var bytes = (ReadOnlyMemory<byte>)value;
        // A value in another format (a newer node's, a stranger's key) is a miss, not an error.
        if (bytes.Length < 2 || bytes.Span[0] != FormatVersion || bytes.Length < 2 + bytes.Span[1])
        {
            return null;
        }
        var hashLength = bytes.Span[1];
        try
        {
            var response = Declaration.Parser.ParseFrom(bytes.Span[(2 + hashLength)..]);
            return new IdempotencyRecord(requestId, bytes.Span.Slice(2, hashLength).ToArray(), response);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }
}

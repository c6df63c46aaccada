using Exchange.Core.Events;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Exchange.Redis;

/// <summary>
/// Event signal shared by several nodes: a notification wakes this node's watchers at once and
/// is published on one Redis channel, whose subscription wakes the watchers of every other node.
/// The message is "{node id}:{filer id}"; a node ignores its own messages (it has woken its
/// watchers already). Without Redis only the cross-node part stops: local watchers are still
/// woken, and watchers elsewhere still see every event at their poll interval.
/// </summary>
public sealed class RedisEventSignal : IEventSignal, IDisposable
{
    private const string Operation = "event fan-out";

    private readonly InProcessEventSignal _local = new();
    private readonly RedisConnection _redis;
    private readonly ILogger _logger;
    private readonly RedisChannel _channel;
    private readonly string _nodeId = Guid.NewGuid().ToString("N");
    private readonly Action<RedisChannel, RedisValue> _handler;
    private readonly SemaphoreSlim _subscribeGate = new(1, 1);
    private volatile bool _subscribed;
    private volatile bool _disposed;

    public RedisEventSignal(RedisConnection redis, ILogger<RedisEventSignal> logger)
    {
        _redis = redis;
        _logger = logger;
        _channel = RedisChannel.Literal(redis.KeyPrefix + "events");
        _handler = OnMessage;
        // The client library re-subscribes by itself after a reconnect; a subscription that
        // could not be made at all (Redis down at start-up) is retried here once Redis is back.
        redis.Multiplexer.ConnectionRestored += OnConnectionRestored;
        Subscribed = EnsureSubscribedAsync();
    }

    /// <summary>
    /// Completes when the first subscription attempt ends (successful when Redis was up). Tests
    /// wait for it so a notification is not published before another node listens.
    /// </summary>
    public Task Subscribed { get; }

    public void Notify(string filerId)
    {
        _local.Notify(filerId);
        if (_disposed || !_redis.IsAvailable(Operation))
        {
            return;
        }
        try
        {
            // Fire and forget: a submit never waits for Redis; a lost message costs a poll interval.
            _redis.Multiplexer.GetSubscriber().Publish(_channel, _nodeId + ":" + filerId, CommandFlags.FireAndForget);
        }
        catch (Exception error) when (error is RedisException or TimeoutException or ObjectDisposedException)
        {
            _redis.ReportUnavailable(Operation, error);
        }
    }

    public Task NextAsync(string filerId, CancellationToken cancellationToken) => _local.NextAsync(filerId, cancellationToken);

    public void Dispose()
    {
        _disposed = true;
        _redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var text = (string?)message;
        var separator = text?.IndexOf(':') ?? -1;
        if (separator <= 0 || text.AsSpan(0, separator).SequenceEqual(_nodeId))
        {
            return;
        }
        _local.Notify(text![(separator + 1)..]);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (!_subscribed && !_disposed)
        {
            _ = EnsureSubscribedAsync();
        }
    }

    private async Task EnsureSubscribedAsync()
    {
        await _subscribeGate.WaitAsync();
        try
        {
            if (_subscribed || _disposed || !_redis.IsAvailable(Operation))
            {
                return;
            }
            var subscriber = _redis.Multiplexer.GetSubscriber();
            // A failed attempt may have left the handler registered without the server knowing:
            // drop it first, so a retry never delivers each message twice.
            await subscriber.UnsubscribeAsync(_channel, _handler);
            await subscriber.SubscribeAsync(_channel, _handler);
            _subscribed = true;
            _logger.LogDebug("Subscribed to Redis channel {Channel}", _channel);
        }
        catch (Exception error) when (error is RedisException or TimeoutException)
        {
            // Not an outage report: the interactive connection may be back before the
            // subscription one; the latter's restoration triggers the next attempt.
            _logger.LogDebug(error, "Subscribing to Redis channel {Channel} failed; retried when Redis reconnects", _channel);
        }
        finally
        {
            _subscribeGate.Release();
        }
    }
}

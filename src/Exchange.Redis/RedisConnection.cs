using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Exchange.Redis;

/// <summary>
/// The node's one connection to Redis, shared by the event signal and the idempotency cache.
/// Redis is only a fast path here: the connection never has to be up. It is opened without
/// waiting for Redis (a node starts while Redis is down), reconnects by itself, and makes
/// commands fail at once while disconnected instead of queueing them, so a caller falls back to
/// the store without delay. An outage is logged once when it starts and once when it ends, not
/// once per call.
/// </summary>
public sealed class RedisConnection : IAsyncDisposable
{
    private readonly ILogger _logger;
    private int _down;

    private RedisConnection(IConnectionMultiplexer multiplexer, string keyPrefix, ILogger logger)
    {
        Multiplexer = multiplexer;
        KeyPrefix = keyPrefix;
        _logger = logger;
        multiplexer.ConnectionFailed += (_, e) => ReportUnavailable($"connection ({e.ConnectionType}, {e.FailureType})", e.Exception);
        multiplexer.ConnectionRestored += (_, e) => ReportAvailable();
    }

    public IConnectionMultiplexer Multiplexer { get; }

    /// <summary>Starts every key and channel name, so several deployments (or tests) can share one Redis.</summary>
    public string KeyPrefix { get; }

    /// <summary>
    /// Connects to <paramref name="configuration"/> (a StackExchange.Redis configuration string).
    /// Returns even when Redis cannot be reached; the connection is then made in the background.
    /// </summary>
    public static RedisConnection Connect(string configuration, string keyPrefix, ILoggerFactory loggers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(configuration);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        var options = ConfigurationOptions.Parse(configuration);
        // Whatever the string says: a node must start without Redis and use it once it is up,
        // and a command must not wait in a backlog for a reconnect (it falls back to the store).
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        var logger = loggers.CreateLogger<RedisConnection>();
        var multiplexer = ConnectionMultiplexer.Connect(options);
        var connection = new RedisConnection(multiplexer, keyPrefix, logger);
        if (!multiplexer.IsConnected)
        {
            connection.ReportUnavailable("connecting at start-up", null);
        }
        return connection;
    }

    /// <summary>
    /// Whether Redis can take a command now. When it cannot, the outage is reported (logged
    /// once) and the caller skips Redis for this call.
    /// </summary>
    public bool IsAvailable(string operation)
    {
        if (Multiplexer.IsConnected)
        {
            return true;
        }
        ReportUnavailable(operation, null);
        return false;
    }

    /// <summary>Records that Redis failed; only the first failure of an outage is logged.</summary>
    public void ReportUnavailable(string operation, Exception? error)
    {
        if (Interlocked.Exchange(ref _down, 1) == 0)
        {
            _logger.LogWarning(error,
                "Redis is unavailable ({Operation} failed): the node carries on without it (idempotency look-ups go to the store, "
                + "watchers on other nodes see events at their poll interval) and uses it again once it is back",
                operation);
        }
    }

    private void ReportAvailable()
    {
        if (Interlocked.Exchange(ref _down, 0) == 1)
        {
            _logger.LogInformation("Redis is reachable again: idempotency cache and cross-node event fan-out resume");
        }
    }

    public async ValueTask DisposeAsync() => await Multiplexer.DisposeAsync();
}

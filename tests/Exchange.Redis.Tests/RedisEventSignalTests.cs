using Exchange.Redis.Tests.Support;
using Exchange.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Redis.Tests;

/// <summary>
/// Cross-node wake-ups: two signals on two connections stand for two nodes. Without Redis a
/// node's own watchers are still woken at once; with Redis back, fan-out resumes by itself.
/// </summary>
public sealed class RedisEventSignalTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [SkippableFact]
    public async Task A_notification_on_one_node_wakes_the_filers_watchers_on_another()
    {
        Skip.If(RedisTestServer.SkipReason is not null, RedisTestServer.SkipReason);
        var prefix = RedisTestServer.UniqueKeyPrefix();
        await using var redis1 = RedisConnection.Connect(RedisTestServer.Configuration, prefix, NullLoggerFactory.Instance);
        await using var redis2 = RedisConnection.Connect(RedisTestServer.Configuration, prefix, NullLoggerFactory.Instance);
        using var node1 = new RedisEventSignal(redis1, NullLogger<RedisEventSignal>.Instance);
        using var node2 = new RedisEventSignal(redis2, NullLogger<RedisEventSignal>.Instance);
        await Task.WhenAll(node1.Subscribed, node2.Subscribed);
        using var bound = new CancellationTokenSource(Bound);

        var watcherOfA = node2.NextAsync("filer-a", bound.Token);
        var watcherOfB = node2.NextAsync("filer-b", bound.Token);
        node1.Notify("filer-a");

        await watcherOfA; // cancelled (fails the test) if the wake-up never crosses over
        Assert.False(watcherOfB.IsCompleted);
        var backToNode1 = node1.NextAsync("filer-b", bound.Token);
        node2.Notify("filer-b");
        await backToNode1;
    }

    [SkippableFact]
    public async Task Without_redis_local_watchers_are_still_woken_and_fan_out_resumes_when_it_is_back()
    {
        Skip.If(RedisServerProcess.SkipReason is not null, RedisServerProcess.SkipReason);
        using var server = RedisServerProcess.OnFreePort(); // not started: Redis is down when the nodes start
        var logs = new CountingLoggerFactory();
        var prefix = "exchange-test:";
        await using var redis1 = RedisConnection.Connect(server.Configuration, prefix, logs);
        await using var redis2 = RedisConnection.Connect(server.Configuration, prefix, NullLoggerFactory.Instance);
        using var node1 = new RedisEventSignal(redis1, NullLogger<RedisEventSignal>.Instance);
        using var node2 = new RedisEventSignal(redis2, NullLogger<RedisEventSignal>.Instance);

        await AssertLocalWakeUpAsync(node1);
        await server.StartAsync();
        await AssertFanOutAsync(node1, node2);
        await AssertFanOutAsync(node2, node1);

        var warningsBefore = logs.Warnings;
        server.Kill();
        for (var i = 0; i < 100; i++)
        {
            await AssertLocalWakeUpAsync(node1);
        }
        Assert.Equal(1, logs.Warnings - warningsBefore); // once per outage, not once per call

        await server.StartAsync(); // same port, a new empty server: subscriptions must be made again
        await AssertFanOutAsync(node1, node2);
        await AssertFanOutAsync(node2, node1);
    }

    private static async Task AssertLocalWakeUpAsync(RedisEventSignal node)
    {
        using var bound = new CancellationTokenSource(Bound);
        var woken = node.NextAsync("filer-local", bound.Token);
        node.Notify("filer-local");
        await woken;
    }

    /// <summary>
    /// Notifies on <paramref name="from"/> until a watcher on <paramref name="to"/> wakes, within
    /// a bound: the connections come back on their own schedule after Redis starts.
    /// </summary>
    private static async Task AssertFanOutAsync(RedisEventSignal from, RedisEventSignal to)
    {
        using var bound = new CancellationTokenSource(Bound);
        while (true)
        {
            var woken = to.NextAsync("filer-remote", bound.Token);
            from.Notify("filer-remote");
            if (await Task.WhenAny(woken, Task.Delay(200, bound.Token)) == woken)
            {
                await woken;
                return;
            }
            bound.Token.ThrowIfCancellationRequested();
        }
    }
}

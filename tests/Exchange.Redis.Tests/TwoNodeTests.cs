using Exchange.Contracts.Declaration.V1;
using Exchange.Redis.Tests.Support;
using Exchange.Server.Identity;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Redis.Tests;

/// <summary>
/// The scale-out path end to end: two real server processes sharing one PostgreSQL database
/// (the system of record) and one Redis (fan-out and idempotency cache). Submits go through
/// both, watches on either see what the other accepted, and a retry landing on the other node
/// gets the first answer, also while Redis is down.
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const string Filer = "scale-cn";
    private const string Agency = "scale-fda";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new();
    private readonly List<IDisposable> _owned = [];
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.SkipReason is null)
        {
            _database = await PostgresTestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            owned.Dispose();
        }
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
        _directory.Dispose();
    }

    [SkippableFact]
    public async Task Events_cross_nodes_through_redis_and_a_retry_on_the_other_node_gets_the_first_answer()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        Skip.If(RedisTestServer.SkipReason is not null, RedisTestServer.SkipReason);
        // A one-minute poll: within the bounded waits below, only Redis can bring another node's event.
        var (node1, node2) = await StartNodesAsync(RedisTestServer.Configuration, RedisTestServer.UniqueKeyPrefix(), "00:01:00");

        var a = await node1.SubmitDeclarationAsync(Submit("LRN-A"));
        var b = await node2.SubmitDeclarationAsync(Submit("LRN-B"));
        using var watch1 = Watch(node1);
        using var watch2 = Watch(node2);
        // The history brings both watches up to date; from then on each waits for a wake-up.
        Assert.Equal([a.Declaration.Name, b.Declaration.Name], await NextAsync(watch1, 2));
        Assert.Equal([a.Declaration.Name, b.Declaration.Name], await NextAsync(watch2, 2));

        var c = await node2.SubmitDeclarationAsync(Submit("LRN-C"));
        Assert.Equal([c.Declaration.Name], await NextAsync(watch1, 1));
        var d = await node1.SubmitDeclarationAsync(Submit("LRN-D"));
        Assert.Equal([c.Declaration.Name, d.Declaration.Name], await NextAsync(watch2, 2));
        Assert.Equal([d.Declaration.Name], await NextAsync(watch1, 1));

        var request = Submit("LRN-RETRY");
        var first = await node1.SubmitDeclarationAsync(request);
        Assert.Equal(first.Declaration, (await node2.SubmitDeclarationAsync(request)).Declaration);
        Assert.Equal(first.Declaration, (await node1.SubmitDeclarationAsync(request)).Declaration);
        var reused = await Assert.ThrowsAsync<RpcException>(() =>
            node2.SubmitDeclarationAsync(Submit("LRN-OTHER", request.RequestId)).ResponseAsync);
        Assert.Equal(StatusCode.InvalidArgument, reused.StatusCode);
    }

    [SkippableFact]
    public async Task With_redis_gone_both_nodes_keep_accepting_and_watches_still_deliver_by_polling()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        Skip.If(RedisServerProcess.SkipReason is not null, RedisServerProcess.SkipReason);
        var redis = RedisServerProcess.OnFreePort();
        _owned.Add(redis);
        await redis.StartAsync();
        var (node1, node2) = await StartNodesAsync(redis.Configuration, "exchange-test:", "00:00:01");
        var request = Submit("LRN-BEFORE");
        var first = await node1.SubmitDeclarationAsync(request);
        using var watch1 = Watch(node1);
        Assert.Equal([first.Declaration.Name], await NextAsync(watch1, 1));

        redis.Kill();
        Assert.Equal(first.Declaration, (await node2.SubmitDeclarationAsync(request)).Declaration);
        var onNode2 = await node2.SubmitDeclarationAsync(Submit("LRN-DURING-2"));
        var onNode1 = await node1.SubmitDeclarationAsync(Submit("LRN-DURING-1"));
        Assert.Equal([onNode2.Declaration.Name, onNode1.Declaration.Name], await NextAsync(watch1, 2));
        var list = await node2.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Equal(3, list.Declarations.Count);
    }

    [SkippableFact]
    public async Task An_agency_subscription_made_on_one_node_counts_on_the_other_at_its_next_assessment()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        Skip.If(RedisTestServer.SkipReason is not null, RedisTestServer.SkipReason);
        // Decided on arrival, reference data kept for ten minutes: within the bound below, only
        // Redis can tell node 2.
        var (node1, node2) = await StartNodesAsync(
            RedisTestServer.Configuration, RedisTestServer.UniqueKeyPrefix(), "00:01:00",
            ("Exchange__Assessment__ReferenceDataLifetime", "00:10:00"), ("Exchange__Assessment__Delay", "00:00:00"));
        // Node 2 assesses once, so it holds a copy of the (empty) subscriptions.
        Assert.Equal(DeclarationStatus.Assessed, (await node2.Filer.SubmitDeclarationAsync(Express("LRN-BEFORE"))).Declaration.Status);

        await node1.Agency.CreateSubscriptionAsync(new Contracts.Enforcement.V1.CreateSubscriptionRequest
        {
            Parent = $"agencies/{Agency}",
            SubscriptionId = "audio",
            Subscription = new() { HsPrefixes = { "8518" }, Description = "Radio equipment conformity", HoldForReview = true },
        });

        // The announcement travels by pub/sub, so it may land a moment after the call returns.
        var deadline = DateTime.UtcNow + Bound;
        Declaration after;
        for (var attempt = 0; ; attempt++)
        {
            after = (await node2.Filer.SubmitDeclarationAsync(Express($"LRN-AFTER-{attempt}"))).Declaration;
            if (after.Status == DeclarationStatus.Held || DateTime.UtcNow >= deadline)
            {
                break;
            }
            await Task.Delay(100);
        }
        Assert.Equal(DeclarationStatus.Held, after.Status);
        Assert.Equal($"agencies/{Agency}", Assert.Single(after.AgencyHolds).Agency);
    }

    private async Task<(DeclarationService.DeclarationServiceClient, DeclarationService.DeclarationServiceClient)> StartNodesAsync(
        string redis, string keyPrefix, string pollInterval)
    {
        var (node1, node2) = await StartNodesAsync(redis, keyPrefix, pollInterval, []);
        return (node1.Filer, node2.Filer);
    }

    private async Task<(NodeClients, NodeClients)> StartNodesAsync(
        string redis, string keyPrefix, string pollInterval, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Exchange__Store__Provider"] = "Postgres",
            ["Exchange__Store__ConnectionString"] = _database!.ConnectionString,
            ["Exchange__Redis__Configuration"] = redis,
            ["Exchange__Redis__KeyPrefix"] = keyPrefix,
            ["Exchange__Watch__PollInterval"] = pollInterval,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }
        // One after the other: both would otherwise race to create the schema of the new database.
        var node1 = await ServerProcess.StartAsync(_directory.Path, settings);
        _owned.Add(node1);
        var node2 = await ServerProcess.StartAsync(_directory.Path, settings);
        _owned.Add(node2);
        return (Clients(node1), Clients(node2));
    }

    /// <summary>The filer's and the agency's clients of one node.</summary>
    private sealed record NodeClients(
        DeclarationService.DeclarationServiceClient Filer, Contracts.Enforcement.V1.AgencyService.AgencyServiceClient Agency);

    private NodeClients Clients(ServerProcess node)
    {
        var channel = node.OpenChannel();
        _owned.Add(channel);
        return new(
            new(channel.Intercept(metadata =>
            {
                metadata.Add(DevelopmentHeaderIdentityResolver.HeaderName, Filer);
                return metadata;
            })),
            new(channel.Intercept(metadata =>
            {
                metadata.Add(DevelopmentHeaderIdentityResolver.AgencyHeader, Agency);
                return metadata;
            })));
    }

    private static SubmitDeclarationRequest Express(string localReference) => new()
    {
        Parent = $"filers/{Filer}",
        Declaration = SampleDeclarations.ExpressMarketplaceSale(localReference),
        RequestId = Guid.NewGuid().ToString(),
    };

    private static AsyncServerStreamingCall<WatchDeclarationEventsResponse> Watch(DeclarationService.DeclarationServiceClient node) =>
        node.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = $"filers/{Filer}", IncludeHistory = true });

    /// <summary>The declarations of the next <paramref name="count"/> events, each awaited within the bound.</summary>
    private static async Task<string[]> NextAsync(AsyncServerStreamingCall<WatchDeclarationEventsResponse> watch, int count)
    {
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            using var bound = new CancellationTokenSource(Bound);
            Assert.True(await watch.ResponseStream.MoveNext(bound.Token), "The watch ended.");
            names[i] = watch.ResponseStream.Current.Event.Declaration;
        }
        return names;
    }

    private static SubmitDeclarationRequest Submit(string localReference, string? requestId = null) => new()
    {
        Parent = $"filers/{Filer}",
        Declaration = SampleDeclarations.PostalGift(localReference),
        RequestId = requestId ?? Guid.NewGuid().ToString(),
    };
}

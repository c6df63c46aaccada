using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Redis.Tests.Support;
using Exchange.Storage;
using Exchange.Storage.Sqlite;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Exchange.Redis.Tests;

/// <summary>
/// The idempotency fast path in front of a real (SQLite) store: retries answered from Redis
/// without the store, and without Redis everything still answered, by the store, with nothing lost.
/// </summary>
public sealed class CachingDeclarationStoreTests : IAsyncLifetime
{
    private const string Filer = "cache-cn";
    private static readonly CallerIdentity Caller = new(Filer);
    private readonly TempDirectory _directory = new();
    private ExchangeStores _stores = null!;
    private CountingStore _store = null!;

    public async Task InitializeAsync()
    {
        _stores = await ExchangeStores.OpenAsync(new SqliteDatabase(Path.Combine(_directory.Path, "exchange.db")));
        _store = new CountingStore(_stores.Declarations);
    }

    public async Task DisposeAsync()
    {
        await _stores.DisposeAsync();
        _directory.Dispose();
    }

    [SkippableFact]
    public async Task Replays_and_reused_request_ids_are_answered_from_redis_without_the_store()
    {
        Skip.If(RedisTestServer.SkipReason is not null, RedisTestServer.SkipReason);
        await using var redis = RedisConnection.Connect(RedisTestServer.Configuration, RedisTestServer.UniqueKeyPrefix(), NullLoggerFactory.Instance);
        var cache = new RedisIdempotencyCache(redis, TimeSpan.FromMinutes(10));
        var workflow = Workflow(new CachingDeclarationStore(_store, cache));
        var request = Submit(SampleDeclarations.PostalGift());

        var accepted = await workflow.SubmitAsync(Caller, request, default);
        await WaitUntilCachedAsync(redis, cache.KeyFor(Filer, request.RequestId));
        _store.Reset();

        Assert.Equal(accepted, await workflow.SubmitAsync(Caller, request, default));
        await Assert.ThrowsAsync<RequestIdReusedException>(() =>
            workflow.SubmitAsync(Caller, Submit(SampleDeclarations.ExpressMarketplaceSale(), request.RequestId), default));
        Assert.Equal(accepted, (await new CachingDeclarationStore(_store, cache).FindIdempotencyRecordAsync(Filer, request.RequestId, default))!.Response);
        Assert.Equal(0, _store.Writes);
        Assert.Equal(0, _store.IdempotencyLookUps);

        // A batch: cached items are answered in place, the rest go to the store as one batch,
        // a duplicate within the batch included (the store answers it as a replay).
        var fresh = Submit(SampleDeclarations.ExpressMarketplaceSale("LRN-NEW"));
        var results = await workflow.SubmitManyAsync(Caller,
            [request, fresh, Submit(SampleDeclarations.PostalGift("LRN-OTHER"), request.RequestId), fresh], default);

        Assert.Equal(accepted, results[0].Declaration);
        Assert.Equal("LRN-NEW", results[1].Declaration!.LocalReferenceNumber);
        Assert.IsType<RequestIdReusedException>(results[2].Refusal);
        Assert.Equal(results[1].Declaration, results[3].Declaration);
        Assert.Equal(2, _store.Writes);
        Assert.Equal(2, (await _store.ListAsync(new Exchange.Core.Storage.DeclarationQuery(Filer, 10), default)).Count);
    }

    [SkippableFact]
    public async Task Without_redis_every_call_is_answered_by_the_store_and_the_cache_is_used_again_once_it_is_back()
    {
        Skip.If(RedisServerProcess.SkipReason is not null, RedisServerProcess.SkipReason);
        using var server = RedisServerProcess.OnFreePort();
        await server.StartAsync();
        await using var redis = RedisConnection.Connect(server.Configuration, "exchange-test:", NullLoggerFactory.Instance);
        var cache = new RedisIdempotencyCache(redis, TimeSpan.FromMinutes(10));
        var workflow = Workflow(new CachingDeclarationStore(_store, cache));
        var first = Submit(SampleDeclarations.PostalGift("LRN-1"));
        var accepted = await workflow.SubmitAsync(Caller, first, default);
        await WaitUntilCachedAsync(redis, cache.KeyFor(Filer, first.RequestId));

        server.Kill();
        _store.Reset();
        Assert.Equal(accepted, await workflow.SubmitAsync(Caller, first, default));
        Assert.Equal(1, _store.Writes); // the retry was answered by the store
        var second = await workflow.SubmitAsync(Caller, Submit(SampleDeclarations.PostalGift("LRN-2")), default);
        var batch = await workflow.SubmitManyAsync(Caller, [first, Submit(SampleDeclarations.PostalGift("LRN-3"))], default);
        Assert.Equal(accepted, batch[0].Declaration);
        await Assert.ThrowsAsync<RequestIdReusedException>(() =>
            workflow.SubmitAsync(Caller, Submit(SampleDeclarations.PostalGift("LRN-X"), first.RequestId), default));

        foreach (var declaration in new[] { accepted, second, batch[1].Declaration! })
        {
            var key = ResourceNames.StoredDeclaration(declaration.Name);
            Assert.Equal(declaration, await _store.Inner.GetAsync(key!, default));
        }

        await server.StartAsync(); // back, empty: answers are cached again once the connection returns
        var later = Submit(SampleDeclarations.PostalGift("LRN-4"));
        await workflow.SubmitAsync(Caller, later, default);
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await IsCachedAsync(server, cache.KeyFor(Filer, later.RequestId)))
        {
            // The connection comes back on its own schedule: retry the (idempotent) submission.
            await Task.Delay(200, bound.Token);
            await workflow.SubmitAsync(Caller, later, default);
        }
    }

    private static DeclarationWorkflow Workflow(CachingDeclarationStore store) =>
        new(store, new InProcessEventSignal(), TimeProvider.System, new WorkflowOptions(), Exchange.Core.Monetary.ExchangeRatesLoader.Default);

    private static SubmitDeclarationRequest Submit(Declaration declaration, string? requestId = null) => new()
    {
        Parent = ResourceNames.Filer(Filer),
        Declaration = declaration,
        RequestId = requestId ?? Guid.NewGuid().ToString(),
    };

    /// <summary>Answers are cached without the caller waiting: wait, bounded, until this one is.</summary>
    private static async Task WaitUntilCachedAsync(RedisConnection redis, RedisKey key)
    {
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!await redis.Multiplexer.GetDatabase().KeyExistsAsync(key))
        {
            await Task.Delay(20, bound.Token);
        }
    }

    private static async Task<bool> IsCachedAsync(RedisServerProcess server, RedisKey key)
    {
        await using var probe = await ConnectionMultiplexer.ConnectAsync(server.Configuration);
        return await probe.GetDatabase().KeyExistsAsync(key);
    }
}

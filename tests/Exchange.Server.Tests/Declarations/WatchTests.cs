using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

public sealed class WatchTests : IDisposable
{
    private const string Filer = "post-cn";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private readonly ExchangeNode _node = new();
    private readonly DeclarationService.DeclarationServiceClient _client;

    public WatchTests() => _client = _node.ClientFor(Filer);

    public void Dispose() => _node.Dispose();

    private static WatchDeclarationEventsRequest Watch(string cursor = "", bool history = false) =>
        new() { Parent = $"filers/{Filer}", StartAfterCursor = cursor, IncludeHistory = history };

    /// <summary>Reads exactly <paramref name="count"/> events (or fails after a generous bound, never a timing assertion).</summary>
    private static async Task<List<DeclarationEvent>> ReadAsync(AsyncServerStreamingCall<WatchDeclarationEventsResponse> call, int count)
    {
        using var bound = new CancellationTokenSource(Patience);
        var events = new List<DeclarationEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(bound.Token))
        {
            events.Add(call.ResponseStream.Current.Event);
        }
        return events;
    }

    [Fact]
    public async Task A_watch_sees_new_events_live_in_order()
    {
        var first = await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-A"));
        using var call = _client.WatchDeclarationEvents(Watch(history: true));
        var opened = await ReadAsync(call, 1); // the stream is open: what follows arrives live
        var second = await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-B"));

        var events = opened.Concat(await ReadAsync(call, 1)).ToList();

        Assert.Equal([first.Name, second.Name], events.Select(e => e.Declaration));
        Assert.All(events, e => Assert.Equal(DeclarationEventType.Accepted, e.Type));
        Assert.Equal(["LRN-A", "LRN-B"], events.Select(e => e.LocalReferenceNumber));
        Assert.Equal(first.CustomsReference, events[0].CustomsReference);
        Assert.True(long.Parse(events[1].Cursor) > long.Parse(events[0].Cursor));
    }

    [Fact]
    public async Task History_replays_every_event_of_the_filer_and_only_its_own()
    {
        var declaration = await _client.SubmitAsync(Filer);
        await _node.ClientFor("someone-else").SubmitAsync("someone-else");
        await _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = declaration.Name, Etag = declaration.Etag, Reason = "Duplicate" });

        using var call = _client.WatchDeclarationEvents(Watch(history: true));
        var events = await ReadAsync(call, 2);

        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Cancelled], events.Select(e => e.Type));
        Assert.Equal("Duplicate", events[1].Reason);
        Assert.Equal(DeclarationStatus.Cancelled, events[1].Status);
        Assert.All(events, e => Assert.Equal(declaration.Name, e.Declaration));
    }

    [Fact]
    public async Task A_resumed_watch_misses_nothing_and_repeats_nothing()
    {
        for (var i = 0; i < 3; i++)
        {
            await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift($"LRN-{i}"));
        }
        List<DeclarationEvent> before;
        using (var call = _client.WatchDeclarationEvents(Watch(history: true)))
        {
            before = await ReadAsync(call, 2); // the client disconnects after two events
        }
        // Meanwhile more happens.
        await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-3"));

        using var resumed = _client.WatchDeclarationEvents(Watch(cursor: before[^1].Cursor));
        var after = await ReadAsync(resumed, 2);
        await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-4"));
        after.AddRange(await ReadAsync(resumed, 1));

        var all = before.Concat(after).Select(e => e.LocalReferenceNumber).ToList();
        Assert.Equal(["LRN-0", "LRN-1", "LRN-2", "LRN-3", "LRN-4"], all);
        Assert.Equal(all.Count, before.Concat(after).Select(e => e.Cursor).Distinct().Count());
    }

    [Fact]
    public async Task A_watch_can_follow_one_declaration()
    {
        var other = await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-OTHER"));
        var followed = await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift("LRN-FOLLOWED"));

        using var call = _client.WatchDeclarationEvents(new WatchDeclarationEventsRequest(Watch(history: true)) { Declaration = followed.Name });
        await _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = other.Name, Etag = other.Etag, Reason = "x" });
        await _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = followed.Name, Etag = followed.Etag, Reason = "y" });
        var events = await ReadAsync(call, 2);

        Assert.All(events, e => Assert.Equal(followed.Name, e.Declaration));
        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Cancelled], events.Select(e => e.Type));
    }

    [Fact]
    public async Task A_malformed_cursor_or_another_filers_parent_is_refused()
    {
        using var badCursor = _client.WatchDeclarationEvents(Watch(cursor: "yesterday"));
        var error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(badCursor, 1));
        RpcErrors.Expect(error, StatusCode.InvalidArgument, "INVALID_CURSOR");

        await _client.SubmitAsync(Filer);
        using var beyond = _client.WatchDeclarationEvents(Watch(cursor: "1000"));
        error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(beyond, 1));
        RpcErrors.Expect(error, StatusCode.InvalidArgument, "INVALID_CURSOR");

        using var stranger = _client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = "filers/someone-else" });
        error = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(stranger, 1));
        RpcErrors.Expect(error, StatusCode.PermissionDenied, "FILER_MISMATCH");
    }
}

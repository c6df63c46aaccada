using Exchange.Server.Tests.Support;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>The cap on watches one caller holds open at once (Exchange:RateLimits:MaxConcurrentStreamsPerCaller).</summary>
public sealed class StreamCapTests : IDisposable
{
    private const string Filer = "post-nl";
    private const string OtherFiler = "courier-de";
    private readonly LimitedNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task A_watch_beyond_the_cap_is_refused_while_another_caller_still_watches()
    {
        var node = _nodes.Start(("MaxConcurrentStreamsPerCaller", "2"));
        var client = node.ClientFor(Filer);
        var other = node.ClientFor(OtherFiler);
        await client.SubmitAsync(Filer);
        await other.SubmitAsync(OtherFiler);
        using var first = await LimitedNodes.OpenWatchAsync(client, Filer);
        using var second = await LimitedNodes.OpenWatchAsync(client, Filer);

        var refusal = await Assert.ThrowsAsync<RpcException>(() => LimitedNodes.OpenWatchAsync(client, Filer));
        using var othersWatch = await LimitedNodes.OpenWatchAsync(other, OtherFiler);

        var status = RpcErrors.Expect(refusal, StatusCode.ResourceExhausted, "STREAM_LIMIT_EXCEEDED");
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal("2", info.Metadata["limit"]);
        Assert.Equal($"filers/{Filer}", info.Metadata["caller"]);
    }

    [Fact]
    public async Task Closing_a_watch_frees_its_place()
    {
        var client = _nodes.Start(("MaxConcurrentStreamsPerCaller", "1")).ClientFor(Filer);
        await client.SubmitAsync(Filer);
        var first = await LimitedNodes.OpenWatchAsync(client, Filer);
        await Assert.ThrowsAsync<RpcException>(() => LimitedNodes.OpenWatchAsync(client, Filer));

        first.Dispose(); // the client cancels the call; the node ends the watch and releases its place
        using var next = await LimitedNodes.EventuallyAsync(StatusCode.ResourceExhausted, () => LimitedNodes.OpenWatchAsync(client, Filer));

        Assert.NotNull(next.ResponseStream.Current);
    }

    [Fact]
    public async Task Without_limits_a_caller_may_hold_any_number_of_watches()
    {
        var client = _nodes.Start(("MaxConcurrentStreamsPerCaller", "1"), ("Enabled", "false")).ClientFor(Filer);
        await client.SubmitAsync(Filer);

        var watches = new List<AsyncServerStreamingCall<Contracts.Declaration.V1.WatchDeclarationEventsResponse>>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                watches.Add(await LimitedNodes.OpenWatchAsync(client, Filer));
            }
            Assert.Equal(3, watches.Count);
        }
        finally
        {
            watches.ForEach(w => w.Dispose());
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>The cap on bulk streams one caller holds open at once (Exchange:RateLimits:MaxConcurrentBulkStreamsPerCaller).</summary>
public sealed class BulkStreamCapTests : IDisposable
{
    private const string Filer = "post-nl";
    private const string OtherFiler = "courier-de";
    private readonly LimitedNodes _nodes = new();

    public void Dispose() => _nodes.Dispose();

    [Fact]
    public async Task A_bulk_stream_beyond_the_cap_is_refused_while_another_caller_still_streams()
    {
        var node = _nodes.Start(("MaxConcurrentBulkStreamsPerCaller", "2"));
        var client = node.ClientFor(Filer);
        using var first = await OpenBulkAsync(client, Filer);
        using var second = await OpenBulkAsync(client, Filer);

        var refusal = await Assert.ThrowsAsync<RpcException>(() => OpenBulkAsync(client, Filer));
        using var othersStream = await OpenBulkAsync(node.ClientFor(OtherFiler), OtherFiler);

        var status = RpcErrors.Expect(refusal, StatusCode.ResourceExhausted, "STREAM_LIMIT_EXCEEDED");
        var info = status.GetDetail<ErrorInfo>()!;
        Assert.Equal("2", info.Metadata["limit"]);
        Assert.Equal($"filers/{Filer}", info.Metadata["caller"]);
    }

    [Fact]
    public async Task Ending_a_bulk_stream_frees_its_place_and_watches_do_not_take_bulk_places()
    {
        var node = _nodes.Start(("MaxConcurrentBulkStreamsPerCaller", "1"), ("MaxConcurrentStreamsPerCaller", "1"));
        var client = node.ClientFor(Filer);
        await client.SubmitAsync(Filer);
        using var watch = await LimitedNodes.OpenWatchAsync(client, Filer);
        var first = await OpenBulkAsync(client, Filer);
        await Assert.ThrowsAsync<RpcException>(() => OpenBulkAsync(client, Filer));

        await first.RequestStream.CompleteAsync();
        Assert.False(await first.ResponseStream.MoveNext()); // the stream has ended normally
        first.Dispose();
        using var next = await LimitedNodes.EventuallyAsync(StatusCode.ResourceExhausted, () => OpenBulkAsync(client, Filer));

        Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, next.ResponseStream.Current.ResultCase);
    }

    /// <summary>A bulk stream with one declaration sent and answered: the node has admitted it.</summary>
    public static async Task<AsyncDuplexStreamingCall<BulkSubmitDeclarationsRequest, BulkSubmitDeclarationsResponse>> OpenBulkAsync(
        DeclarationService.DeclarationServiceClient client, string filer)
    {
        var call = client.BulkSubmitDeclarations();
        try
        {
            await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
            {
                Parent = $"filers/{filer}", Declaration = SampleDeclarations.PostalGift(), RequestId = Guid.NewGuid().ToString(),
            });
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            Assert.True(await call.ResponseStream.MoveNext(bound.Token));
            return call;
        }
        catch (InvalidOperationException)
        {
            // Writing to a call the node has already refused: its status is the refusal.
            using (call)
            {
                await call.ResponseStream.MoveNext();
            }
            throw;
        }
        catch
        {
            call.Dispose();
            throw;
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Server.Tests.RateLimiting;

/// <summary>
/// Calls that outlive their deadline end with DEADLINE_EXCEEDED and the node stops their work.
/// On the real server over HTTP/2: when a deadline passes, the node sends its DEADLINE_EXCEEDED
/// trailers and then resets the stream. Kestrel delivers the trailers first; the in-memory test
/// server can surface the reset instead, as UNAVAILABLE or INTERNAL, whichever side's deadline
/// fires first. The deadlines are short but no test measures time: each waits for the status.
/// </summary>
public sealed class DeadlineTests(DeadlineTests.Node node) : IClassFixture<DeadlineTests.Node>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    /// <summary>One node process for the class, with one watch per caller: a watch's place is free again only once the node has ended it.</summary>
    public sealed class Node : IAsyncLifetime
    {
        private readonly TempDirectory _directory = new();
        private ServerProcess? _server;
        private GrpcChannel? _channel;

        public async Task InitializeAsync()
        {
            _server = await ServerProcess.StartAsync(_directory.Path, new Dictionary<string, string>
            {
                ["Exchange__RateLimits__MaxConcurrentStreamsPerCaller"] = "1",
            });
            _channel = _server.OpenChannel();
        }

        public DeclarationService.DeclarationServiceClient ClientFor(string filer) =>
            new(_channel!.Intercept(metadata =>
            {
                metadata.Add(DevelopmentHeaderIdentityResolver.FilerHeader, filer);
                return metadata;
            }));

        public Task DisposeAsync()
        {
            _channel?.Dispose();
            _server?.Dispose();
            _directory.Dispose();
            return Task.CompletedTask;
        }
    }

    private static async Task<RpcException> ReadToEndAsync<T>(IAsyncStreamReader<T> stream) =>
        await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await stream.MoveNext(CancellationToken.None))
            {
            }
        });

    [Fact]
    public async Task A_watch_past_its_deadline_ends_with_DEADLINE_EXCEEDED_and_the_node_ends_it_too()
    {
        const string filer = "watch-deadline";
        var client = node.ClientFor(filer);
        await client.SubmitAsync(filer);
        using var watch = client.WatchDeclarationEvents(
            new WatchDeclarationEventsRequest { Parent = $"filers/{filer}", IncludeHistory = true }, deadline: DateTime.UtcNow + Deadline);

        var ending = await ReadToEndAsync(watch.ResponseStream);
        // The caller's only watch place is taken until the node has ended the first watch.
        using var next = await LimitedNodes.EventuallyAsync(StatusCode.ResourceExhausted, () => LimitedNodes.OpenWatchAsync(client, filer));

        Assert.Equal(StatusCode.DeadlineExceeded, ending.StatusCode);
        Assert.Equal(DeclarationEventType.Accepted, next.ResponseStream.Current.Event.Type);
    }

    [Fact]
    public async Task A_bulk_stream_left_open_past_its_deadline_ends_with_DEADLINE_EXCEEDED_after_its_answers()
    {
        const string filer = "bulk-deadline";
        var client = node.ClientFor(filer);
        using var bulk = client.BulkSubmitDeclarations(deadline: DateTime.UtcNow + Deadline);
        await bulk.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
        {
            Parent = $"filers/{filer}", Declaration = SampleDeclarations.PostalGift("LRN-DEADLINE"), RequestId = Guid.NewGuid().ToString(),
        });
        Assert.True(await bulk.ResponseStream.MoveNext(CancellationToken.None));
        var answered = bulk.ResponseStream.Current.Declaration;

        // The stream is never completed: the deadline ends it.
        var ending = await ReadToEndAsync(bulk.ResponseStream);
        var stored = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{filer}" });

        Assert.Equal(StatusCode.DeadlineExceeded, ending.StatusCode);
        Assert.Equal([answered.Name], stored.Declarations.Select(d => d.Name));
    }
}

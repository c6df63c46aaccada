using System.Net;
using System.Net.Sockets;
using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Client.Tests;

/// <summary>
/// The advice after a failed call matches what failed (issue 18, finding 3). Over real sockets
/// and the client's own channel: the header limit that hides an error's details is enforced by
/// SocketsHttpHandler, which an in-memory TestServer handler does not have.
/// </summary>
public sealed class CallFailureTests
{
    private const string NodeRunningQuestion = "Is an Exchange node running";

    [Fact]
    public async Task Error_details_too_large_to_read_are_not_blamed_on_the_network()
    {
        await using var node = await OversizedErrorNode.StartAsync();
        var output = new CapturedConsole();
        var app = new ClientApp(output.Console, address => ExchangeChannel.Create(address).CreateCallInvoker());

        var code = await app.RunAsync(["get", "d-1", "--server", node.Address], CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.DoesNotContain(NodeRunningQuestion, output.Text);
        Assert.DoesNotContain("retry", output.Text.Replace("retrying will fail", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("The node answered, but this client could not read", output.Text);
        Assert.Contains("MaxResponseHeadersLength", output.Text);
    }

    [Fact]
    public async Task Submitting_into_unreadable_error_details_does_not_advise_a_retry_with_the_request_id()
    {
        await using var node = await OversizedErrorNode.StartAsync();
        var output = new CapturedConsole();
        var app = new ClientApp(output.Console, address => ExchangeChannel.Create(address).CreateCallInvoker());

        await app.RunAsync(["submit", Samples.PostalGift, "--server", node.Address], CancellationToken.None);

        Assert.Contains("The node answered, but this client could not read", output.Text);
        Assert.DoesNotContain("To retry safely", output.Text);
    }

    [Fact]
    public async Task A_watch_stops_on_unreadable_error_details_instead_of_reconnecting_for_ever()
    {
        await using var node = await OversizedErrorNode.StartAsync();
        var output = new CapturedConsole();
        var app = new ClientApp(output.Console, address => ExchangeChannel.Create(address).CreateCallInvoker());
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the hang guard, not a timing

        var code = await app.RunAsync(["watch", "--server", node.Address], guard.Token);

        Assert.False(guard.IsCancellationRequested, output.Text);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.DoesNotContain("Connection lost", output.Text);
        Assert.Contains("The node answered, but this client could not read", output.Text);
    }

    [Fact]
    public async Task A_refused_connection_still_asks_whether_a_node_is_running_there()
    {
        var address = $"http://127.0.0.1:{ClosedPort()}";
        var output = new CapturedConsole();
        var app = new ClientApp(output.Console, a => ExchangeChannel.Create(a).CreateCallInvoker());

        var code = await app.RunAsync(["get", "d-1", "--server", address], CancellationToken.None);

        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains($"{NodeRunningQuestion} at {address}?", output.Text);
        Assert.DoesNotContain("could not read", output.Text);
    }

    [Fact]
    public void An_unavailable_status_sent_by_a_node_is_not_a_connection_failure()
    {
        var fromNode = new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "The node is shutting down."));

        Assert.False(CallFailure.IsConnectionFailure(fromNode));
        Assert.False(CallFailure.ErrorDetailsUnreadable(fromNode));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A node on a real loopback port whose every call fails with details larger than a client's default 64 KB header limit.</summary>
    internal sealed class OversizedErrorNode : DeclarationService.DeclarationServiceBase, IAsyncDisposable
    {
        private WebApplication host = null!;

        public string Address { get; private set; } = "";

        public static async Task<OversizedErrorNode> StartAsync()
        {
            var node = new OversizedErrorNode();
            var builder = WebApplication.CreateSlimBuilder();
            // The test output holds the server's appsettings.json, whose Kestrel endpoints (5080)
            // would win over the dynamic port below.
            builder.Configuration.Sources.Clear();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
            builder.Services.AddGrpc();
            builder.Services.AddSingleton(node);
            node.host = builder.Build();
            node.host.MapGrpcService<OversizedErrorNode>();
            await node.host.StartAsync();
            node.Address = node.host.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return node;
        }

        public override Task<GetDeclarationResponse> GetDeclaration(GetDeclarationRequest request, ServerCallContext context) =>
            throw Oversized();

        public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context) =>
            throw Oversized();

        public override Task WatchDeclarationEvents(
            WatchDeclarationEventsRequest request, IServerStreamWriter<WatchDeclarationEventsResponse> responseStream, ServerCallContext context) =>
            throw Oversized();

        private static RpcException Oversized() => new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "Many field violations.",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        Enumerable.Range(0, 2_000).Select(i => new BadRequest.Types.FieldViolation
                        {
                            Field = $"declaration.items[{i}].description",
                            Description = "Must not be longer than 512 characters; this one is far longer than that.",
                        }),
                    },
                }),
            },
        }.ToRpcException();

        public async ValueTask DisposeAsync() => await host.DisposeAsync();
    }
}

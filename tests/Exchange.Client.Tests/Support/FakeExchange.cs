using Exchange.Client.Commands;
using Exchange.Contracts.Declaration.V1;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Client.Tests.Support;

/// <summary>
/// The fake node served in memory (TestServer: real gRPC framing, headers, trailers and
/// streaming, no sockets), plus a client app wired to it with captured output.
/// </summary>
public sealed class FakeExchange : IAsyncDisposable
{
    private readonly WebApplication host;
    private readonly GrpcChannel channel;

    private FakeExchange(WebApplication host, FakeDeclarationService service)
    {
        this.host = host;
        Service = service;
        channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = host.GetTestServer().CreateHandler() });
        Client = new DeclarationService.DeclarationServiceClient(channel);
    }

    public FakeDeclarationService Service { get; }

    public DeclarationService.DeclarationServiceClient Client { get; }

    public CapturedConsole Output { get; } = new();

    public static async Task<FakeExchange> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        // One instance for the whole test, so the test can read what it recorded.
        var service = new FakeDeclarationService();
        builder.Services.AddSingleton(service);
        var host = builder.Build();
        host.MapGrpcService<FakeDeclarationService>();
        await host.StartAsync();
        return new FakeExchange(host, service);
    }

    /// <summary>Runs the client as the command line would, against this node; returns the exit code.</summary>
    public Task<int> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken) =>
        new ClientApp(Output.Console, _ => channel.CreateCallInvoker()).RunAsync(args, cancellationToken);

    /// <summary>A context for running one command object directly (e.g. watch with a short backoff).</summary>
    public CommandContext Context(string filer = ClientApp.DefaultFiler) => new(channel.CreateCallInvoker(), filer, Output.Console);

    public async ValueTask DisposeAsync()
    {
        channel.Dispose();
        await host.DisposeAsync();
    }
}

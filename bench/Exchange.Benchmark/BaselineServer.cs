using System.Diagnostics;
using System.Net;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Exchange.Benchmark;

/// <summary>
/// The bare gRPC baseline: Kestrel h2c on loopback with one service that parses the same
/// requests as the node and answers with empty responses, doing no other work.
/// </summary>
public static class BaselineServer
{
    public static WebApplication Build(int port)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<BaselineDeclarationService>();
        return app;
    }

    /// <summary>Serves until stopped, or until <paramref name="parentPid"/> is gone (so it never outlives the tool).</summary>
    public static async Task RunAsync(int port, int? parentPid)
    {
        await using var app = Build(port);
        await app.StartAsync();
        while (parentPid is not { } pid || IsAlive(pid))
        {
            await Task.Delay(1000, app.Lifetime.ApplicationStopping).ContinueWith(_ => { });
            if (app.Lifetime.ApplicationStopping.IsCancellationRequested)
            {
                break;
            }
        }
        await app.StopAsync();
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}

/// <summary>DeclarationService reduced to gRPC itself: requests are parsed (by the framework), nothing else happens.</summary>
public sealed class BaselineDeclarationService : DeclarationService.DeclarationServiceBase
{
    private static readonly Task<SubmitDeclarationResponse> Empty = Task.FromResult(new SubmitDeclarationResponse());

    public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context) => Empty;

    public override async Task BulkSubmitDeclarations(
        IAsyncStreamReader<BulkSubmitDeclarationsRequest> requestStream,
        IServerStreamWriter<BulkSubmitDeclarationsResponse> responseStream,
        ServerCallContext context)
    {
        long index = 0;
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(new BulkSubmitDeclarationsResponse { Index = index++ }, context.CancellationToken);
        }
    }
}

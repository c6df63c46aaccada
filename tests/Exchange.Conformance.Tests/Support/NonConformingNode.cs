using System.Collections.Concurrent;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Exchange.Conformance.Tests.Support;

/// <summary>
/// A node that gets the contract wrong in known ways, served in memory (TestServer: real gRPC
/// framing and trailers, no sockets), to prove the kit's checks can fail and say why.
/// </summary>
public sealed class NonConformingNode : IAsyncDisposable
{
    private readonly WebApplication _host;

    private NonConformingNode(WebApplication host) => _host = host;

    /// <summary>Serves <see cref="WrongDeclarationService"/>: wrong in many simple ways.</summary>
    public static Task<NonConformingNode> StartAsync() => StartAsync<WrongDeclarationService>();

    /// <summary>Serves <see cref="InclusiveCursorService"/>: right but for one subtle watch bug.</summary>
    public static Task<NonConformingNode> StartWithInclusiveCursorsAsync() => StartAsync<InclusiveCursorService>();

    private static async Task<NonConformingNode> StartAsync<TService>()
        where TService : DeclarationService.DeclarationServiceBase
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<TService>();
        var host = builder.Build();
        host.MapGrpcService<TService>();
        await host.StartAsync();
        return new NonConformingNode(host);
    }

    /// <summary>Runs the kit against this node (the --target is a placeholder: the channel is in memory).</summary>
    public Task<KitReport> RunKitAsync(params string[] args) =>
        KitReport.RunAsync(["--target", "localhost:80", .. args], Connect);

    private GrpcChannel Connect(KitOptions options) =>
        GrpcChannel.ForAddress(_host.GetTestServer().BaseAddress, new GrpcChannelOptions { HttpHandler = _host.GetTestServer().CreateHandler() });

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    /// <summary>
    /// Submit answers OK but with wrong server fields; Get refuses everything with a bare
    /// NOT_FOUND (no google.rpc.Status details); List ignores its filters; Watch never answers;
    /// Amend, Cancel and Bulk are not implemented.
    /// </summary>
    private sealed class WrongDeclarationService : DeclarationService.DeclarationServiceBase
    {
        private readonly ConcurrentQueue<Declaration> _stored = new();

        public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context)
        {
            var declaration = request.Declaration.Clone();
            declaration.Name = "declarations/1";
            declaration.Status = DeclarationStatus.Released;
            declaration.CustomsReference = "X";
            _stored.Enqueue(declaration);
            return Task.FromResult(new SubmitDeclarationResponse { Declaration = declaration });
        }

        public override Task<GetDeclarationResponse> GetDeclaration(GetDeclarationRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.NotFound, "not here"));

        public override Task<ListDeclarationsResponse> ListDeclarations(ListDeclarationsRequest request, ServerCallContext context) =>
            Task.FromResult(new ListDeclarationsResponse { Declarations = { _stored.Reverse() } });

        public override async Task WatchDeclarationEvents(WatchDeclarationEventsRequest request,
            IServerStreamWriter<WatchDeclarationEventsResponse> responseStream, ServerCallContext context) =>
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    /// <summary>
    /// Accepts every declaration and logs an event for it, but resumes a watch AT the cursor
    /// instead of after it: the event the client already has comes again.
    /// </summary>
    private sealed class InclusiveCursorService : DeclarationService.DeclarationServiceBase
    {
        private readonly List<DeclarationEvent> _log = [];

        public override Task<SubmitDeclarationResponse> SubmitDeclaration(SubmitDeclarationRequest request, ServerCallContext context)
        {
            var declaration = request.Declaration.Clone();
            lock (_log)
            {
                declaration.Name = $"{request.Parent}/declarations/d{_log.Count}";
                declaration.Status = DeclarationStatus.Accepted;
                declaration.Revision = 1;
                _log.Add(new DeclarationEvent
                {
                    Cursor = _log.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Declaration = declaration.Name,
                    Type = DeclarationEventType.Accepted,
                    Status = DeclarationStatus.Accepted,
                    Revision = 1,
                    LocalReferenceNumber = declaration.LocalReferenceNumber,
                });
            }
            return Task.FromResult(new SubmitDeclarationResponse { Declaration = declaration });
        }

        public override async Task WatchDeclarationEvents(WatchDeclarationEventsRequest request,
            IServerStreamWriter<WatchDeclarationEventsResponse> responseStream, ServerCallContext context)
        {
            int next;
            lock (_log)
            {
                next = request.StartAfterCursor != "" ? int.Parse(request.StartAfterCursor, System.Globalization.CultureInfo.InvariantCulture) // the bug: not + 1
                    : request.IncludeHistory ? 0 : _log.Count;
            }
            while (true)
            {
                DeclarationEvent[] fresh;
                lock (_log)
                {
                    fresh = _log.Skip(next).ToArray();
                    next = _log.Count;
                }
                foreach (var e in fresh.Where(e => e.Declaration.StartsWith(request.Parent + "/", StringComparison.Ordinal)
                    && (request.Declaration == "" || e.Declaration == request.Declaration)))
                {
                    await responseStream.WriteAsync(new WatchDeclarationEventsResponse { Event = e });
                }
                await Task.Delay(20, context.CancellationToken);
            }
        }
    }
}

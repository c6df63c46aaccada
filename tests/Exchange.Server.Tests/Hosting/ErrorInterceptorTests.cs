using System.Data.Common;
using Exchange.Core.Errors;
using Exchange.Server.Grpc;
using Exchange.Server.Tests.Support;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;

namespace Exchange.Server.Tests.Hosting;

/// <summary>What each kind of failure becomes on the wire; the one place that decides it.</summary>
public sealed class ErrorInterceptorTests
{
    private readonly ErrorInterceptor _interceptor = new(NullLogger<ErrorInterceptor>.Instance);

    private Task<string> CallThrowing(Exception error) =>
        _interceptor.UnaryServerHandler<string, string>("request", new FakeCallContext(), (_, _) => throw error);

    [Fact]
    public async Task A_refusal_of_the_standard_becomes_its_rich_status()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallThrowing(new DeclarationNotFoundException("filers/a/declarations/b")));

        RpcErrors.Expect(error, StatusCode.NotFound, "DECLARATION_NOT_FOUND");
    }

    [Fact]
    public async Task An_unexpected_fault_becomes_a_bare_internal_without_its_text()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallThrowing(new InvalidOperationException("secret connection string")));

        RpcErrors.Expect(error, StatusCode.Internal, "INTERNAL");
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("same request_id", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_transient_store_failure_becomes_unavailable_so_clients_retry()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallThrowing(new FakeDbException(transient: true)));

        RpcErrors.Expect(error, StatusCode.Unavailable, "UNAVAILABLE");
    }

    [Fact]
    public async Task A_permanent_store_failure_stays_internal()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => CallThrowing(new FakeDbException(transient: false)));

        RpcErrors.Expect(error, StatusCode.Internal, "INTERNAL");
    }

    private sealed class FakeDbException(bool transient) : DbException("database said no")
    {
        public override bool IsTransient => transient;
    }

    private sealed class FakeCallContext : ServerCallContext
    {
        protected override string MethodCore => "/exchange.declaration.v1.DeclarationService/GetDeclaration";
        protected override string HostCore => "localhost";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => CancellationToken.None;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) =>
            throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}

using System.Security.Claims;
using Exchange.Server.Identity;
using Exchange.Testing.Hosting;
using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Tests.Authorization;

/// <summary>
/// Every endpoint the node maps says who may call it: a role's policy, or an explicit
/// AllowAnonymous (health, reflection, dashboard, metrics, the greeting). Whatever says nothing
/// falls to the fallback policy, which admits nobody, so an RPC added without a policy is closed.
/// </summary>
public sealed class EndpointPolicyTests : IDisposable
{
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public void Every_grpc_method_and_json_route_has_a_role_policy_and_every_other_endpoint_is_explicitly_open_or_guarded()
    {
        _ = _node.Server; // builds the host
        var endpoints = _node.Services.GetServices<EndpointDataSource>().SelectMany(source => source.Endpoints).ToList();
        var rpcs = endpoints.Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>() is not null).ToList();

        var unguarded = endpoints
            .Where(e => !HasPolicy(e) && e.Metadata.GetMetadata<IAllowAnonymous>() is null && !(e is RouteEndpoint && GrpcAuthorizationResultHandler.IsFrameworkRejection(e)))
            .Select(e => e.DisplayName).ToList();

        Assert.True(unguarded.Count == 0, "Endpoints without a policy or AllowAnonymous: " + string.Join("; ", unguarded));
        // The contract's RPCs (over gRPC and over JSON) each name one of the role policies; only plumbing is anonymous.
        var contract = rpcs.Where(e => e.Metadata.GetMetadata<GrpcMethodMetadata>()!.Method.ServiceName.StartsWith("exchange.", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(contract);
        Assert.Contains(contract, e => e.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>() is not null);
        Assert.All(contract, e =>
        {
            Assert.Null(e.Metadata.GetMetadata<IAllowAnonymous>());
            var policies = e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            Assert.True(policies.Count == 1 && policies[0] is ExchangePolicies.Filer or ExchangePolicies.Officer or ExchangePolicies.Agency or ExchangePolicies.Partner,
                $"{e.DisplayName}: policies {string.Join(", ", policies)}");
        });
    }

    [Fact]
    public async Task The_fallback_policy_admits_no_caller_whatever_its_role()
    {
        _ = _node.Server;
        var provider = _node.Services.GetRequiredService<IAuthorizationPolicyProvider>();
        var authorization = _node.Services.GetRequiredService<IAuthorizationService>();
        var fallback = await provider.GetFallbackPolicyAsync();

        Assert.NotNull(fallback);
        foreach (var role in ExchangeRoles.All)
        {
            var caller = ExchangeRoles.Principal(role, role == ExchangeRoles.Partners ? "BE" : "someone", "test");
            Assert.False((await authorization.AuthorizeAsync(caller, fallback)).Succeeded, role);
        }
        Assert.False((await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), fallback)).Succeeded);
        // Control: the same caller passes its own role's policy.
        Assert.True((await authorization.AuthorizeAsync(ExchangeRoles.Principal(ExchangeRoles.Filers, "someone", "test"), ExchangePolicies.Filer)).Succeeded);
    }

    [Fact]
    public async Task A_method_the_node_does_not_have_is_unimplemented_for_anyone()
    {
        var unknown = new global::Grpc.Core.Method<byte[], byte[]>(global::Grpc.Core.MethodType.Unary, "exchange.declaration.v1.DeclarationService", "NoSuchMethod",
            global::Grpc.Core.Marshallers.Create(b => b, b => b), global::Grpc.Core.Marshallers.Create(b => b, b => b));

        foreach (var invoker in new[] { _node.CallInvokerFor(null), _node.CallInvokerFor("someone") })
        {
            var error = await Assert.ThrowsAsync<global::Grpc.Core.RpcException>(() => invoker.AsyncUnaryCall(unknown, null, new global::Grpc.Core.CallOptions(), []).ResponseAsync);
            Assert.Equal(global::Grpc.Core.StatusCode.Unimplemented, error.StatusCode);
        }
    }

    private static bool HasPolicy(Endpoint endpoint) => endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Count > 0;
}

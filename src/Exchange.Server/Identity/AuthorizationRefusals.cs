using Exchange.Core.Errors;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Exchange.Server.Identity;

/// <summary>
/// What the authorization middleware does with a refusal. For a gRPC method (over HTTP/2, or its
/// JSON mapping) the refusal is not answered here but handed, as the refusal of the standard
/// (CALLER_UNAUTHENTICATED or ROLE_NOT_PERMITTED, with its ErrorInfo), to
/// <see cref="AuthorizationRefusalInterceptor"/>, the innermost interceptor, which throws it
/// before the service method runs. That way a refused call is still audited and counted by the
/// rate limiter under its caller, as every call is, and gets the same status as any other
/// refusal. Other endpoints get the framework's challenge or forbid (401/403). A request that
/// reaches no endpoint, or only one of the framework's rejections (<see cref="IsFrameworkRejection"/>:
/// routing's 405, grpc-dotnet's UNIMPLEMENTED for unknown services and methods), has nothing to
/// authorize: it goes on to that answer, which tells a caller no more than a refusal would.
/// </summary>
public sealed class GrpcAuthorizationResultHandler(IdentityScheme scheme) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _framework = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var endpoint = context.GetEndpoint();
        if (authorizeResult.Succeeded || endpoint is null || IsFrameworkRejection(endpoint))
        {
            await next(context);
            return;
        }
        if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is null)
        {
            await _framework.HandleAsync(next, context, policy, authorizeResult);
            return;
        }
        var role = ExchangePolicies.RoleOf(policy);
        ExchangeException refusal = authorizeResult.Challenged
            // The handler's result is cached for the request: this reads why it failed, if it did.
            ? new CallerUnauthenticatedException((await context.AuthenticateAsync()).Failure?.Message ?? scheme.HowToAuthenticate(role))
            : new RoleNotPermittedException(role is null ? "nobody (the method has no authorization policy)" : ExchangeRoles.Describe(role));
        context.Features.Set(new AuthorizationRefusal(refusal));
        await next(context);
    }

    /// <summary>
    /// An endpoint that only rejects the request and runs none of the node's code, and carries no
    /// metadata to put a policy on: routing's "405 HTTP Method Not Supported" (made by the matcher,
    /// not mapped: a plain <see cref="Endpoint"/> without any metadata), and grpc-dotnet's endpoints
    /// for a service or method this node does not have (UNIMPLEMENTED; their route has grpc-dotnet's
    /// "grpcunimplemented" constraint).
    /// </summary>
    public static bool IsFrameworkRejection(Endpoint endpoint) => endpoint is RouteEndpoint route
        ? route.RoutePattern.ParameterPolicies.Values.Any(policies => policies.Any(policy => policy.Content == "grpcunimplemented"))
        : endpoint.Metadata.Count == 0 && endpoint.DisplayName?.StartsWith("405 ", StringComparison.Ordinal) == true;
}

/// <summary>The refusal the authorization middleware decided for this request's gRPC call.</summary>
public sealed record AuthorizationRefusal(ExchangeException Refusal);

/// <summary>
/// Throws the authorization middleware's refusal (<see cref="GrpcAuthorizationResultHandler"/>)
/// before the service method runs. Registered last, so the error, audit and rate-limit
/// interceptors around it see the refused call like any other.
/// </summary>
public sealed class AuthorizationRefusalInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context);
        return continuation(requestStream, responseStream, context);
    }

    private static void ThrowIfRefused(ServerCallContext context)
    {
        if (context.GetHttpContext().Features.Get<AuthorizationRefusal>() is { } refused)
        {
            throw refused.Refusal;
        }
    }
}

/// <summary>Registers <see cref="AuthorizationRefusalInterceptor"/>.</summary>
public static class AuthorizationRefusalRegistration
{
    /// <summary>Call after the other interceptors are registered: interceptors run in the order added, and this one must be innermost.</summary>
    public static IServiceCollection AddExchangeAuthorizationRefusals(this IServiceCollection services) =>
        services.Configure<GrpcServiceOptions>(grpc => grpc.Interceptors.Add<AuthorizationRefusalInterceptor>());
}

using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// The innermost interceptor: refuses a call whose request could not be read (see
/// <see cref="RefusedRequests"/>) before its service sees the stand-in. Innermost so that the
/// rate limiter counts the call and the audit trail records it like any other refusal; the
/// error interceptor turns the refusal into its status and logs it once at warning.
/// </summary>
public sealed class RefusedRequestInterceptor : Interceptor
{
    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context, request);
        return continuation(request, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context, request);
        return continuation(request, responseStream, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context, null);
        return continuation(requestStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ThrowIfRefused(context, null);
        return continuation(requestStream, responseStream, context);
    }

    private static void ThrowIfRefused(ServerCallContext context, object? request)
    {
        if (RefusedRequests.Find(context, request) is { } refusal)
        {
            throw refusal;
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Exchange.Server.Grpc.Marshalling;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Grpc;

/// <summary>
/// Maps what a call throws to a status, for every kind of RPC: refusals of the standard become
/// their rich status; anything unexpected is logged and becomes a bare INTERNAL, so no exception
/// text ever reaches a caller.
/// </summary>
public sealed class ErrorInterceptor(ILogger<ErrorInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context);
        }
        catch (Exception error) when (Translate(error, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(requestStream, context);
        }
        catch (Exception error) when (Translate(error, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(request, responseStream, context);
        }
        catch (Exception error) when (Translate(error, context) is { } translated)
        {
            throw translated;
        }
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            await continuation(requestStream, responseStream, context);
        }
        catch (Exception error) when (Translate(error, context) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The exception to surface instead, or null to let the original through.</summary>
    private RpcException? Translate(Exception error, ServerCallContext context)
    {
        var status = ErrorStatuses.ForFailure(error, context.CancellationToken.IsCancellationRequested);
        switch (status?.Code)
        {
            case null:
                return null;
            case (int)Google.Rpc.Code.Unavailable when error is System.Data.Common.DbException:
                FailureLog.StoreUnavailable(logger, error, context.Method);
                break;
            case not null when error is ExchangeException { Reason: ErrorReason.MalformedMessage or ErrorReason.MessageTooLarge or ErrorReason.UnsupportedEncoding } unreadable:
                // A client's mistake, not the node's: one line (no stack trace), with the parser's
                // own words where there are some, which the caller never sees.
                FailureLog.UnreadableRequest(logger,
                    context.Method, context.Peer, unreadable.Reason, unreadable.Message,
                    unreadable.Data[MalformedMessageException.ParserMessageKey]);
                break;
            case (int)Google.Rpc.Code.Internal:
                FailureLog.UnexpectedFault(logger, error, context.Method);
                break;
        }
        return status!.ToRpcException();
    }
}

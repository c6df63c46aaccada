using System.IO.Pipelines;
using Exchange.Core.Errors;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// Checks a gRPC request's encoding header and message framing before grpc-dotnet reads it, whose
/// own answers are INTERNAL or UNKNOWN (with an error-level stack trace) for a client's mistake.
/// A unary or server-streaming request (one message, at most the receive limit) is examined
/// whole without being consumed; a refusal is recorded for <see cref="RefusedRequestInterceptor"/>
/// and grpc-dotnet is given an empty message instead, so the call still passes the rate limiter
/// and the audit trail. A streamed request is checked frame by frame as the service reads it.
/// </summary>
public sealed class GrpcFramingMiddleware(RequestDelegate next, IOptions<GrpcServiceOptions> grpcOptions)
{
    private const string EncodingHeader = "grpc-encoding";
    private const string AcceptEncodingHeader = "grpc-accept-encoding";

    /// <summary>One empty message: what grpc-dotnet reads in place of a refused body.</summary>
    private static readonly byte[] EmptyMessageFrame = new byte[GrpcFraming.HeaderBytes];

    private readonly int _maxMessageBytes = grpcOptions.Value.MaxReceiveMessageSize ?? int.MaxValue;

    private readonly string[] _encodings = ["identity", .. grpcOptions.Value.CompressionProviders.Select(p => p.EncodingName)];

    public async Task InvokeAsync(HttpContext context)
    {
        var method = context.GetEndpoint()?.Metadata.GetMetadata<GrpcMethodMetadata>()?.Method;
        if (method is null || context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            await next(context);
            return;
        }
        var encoding = context.Request.Headers[EncodingHeader].ToString();
        var framing = new GrpcFraming(_maxMessageBytes, hasEncoding: encoding.Length > 0 && encoding != "identity");
        ExchangeException? refusal = null;
        if (encoding.Length > 0 && !_encodings.Contains(encoding, StringComparer.Ordinal))
        {
            // PROTOCOL-HTTP2.md: UNIMPLEMENTED, with the encodings the server does accept.
            context.Response.Headers[AcceptEncodingHeader] = string.Join(",", _encodings);
            refusal = new UnsupportedEncodingException(encoding, _encodings);
        }
        else if (method.Type is MethodType.Unary or MethodType.ServerStreaming)
        {
            refusal = await CheckSingleMessageAsync(context.Request.BodyReader, framing, context.RequestAborted);
        }
        else
        {
            context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(new FramingCheckedBodyReader(context.Request.BodyReader, framing)));
        }
        if (refusal is not null)
        {
            RefusedRequests.RefuseCall(context.Items, refusal);
            context.Request.Headers.Remove(EncodingHeader);
            var emptyMessage = new MemoryStream(EmptyMessageFrame, writable: false);
            context.Request.Body = emptyMessage;
            context.Features.Set<IRequestBodyPipeFeature>(new BodyPipe(PipeReader.Create(emptyMessage)));
        }
        await next(context);
    }

    /// <summary>
    /// Reads the body until it is complete or wrong, consuming nothing, so grpc-dotnet then reads
    /// the same bytes from the pipe. Bounded: a length prefix over the limit, or a byte after the
    /// one message, ends the read.
    /// </summary>
    private static async Task<ExchangeException?> CheckSingleMessageAsync(PipeReader body, GrpcFraming framing, CancellationToken aborted)
    {
        while (true)
        {
            var result = await body.ReadAsync(aborted);
            var buffer = result.Buffer;
            var refusal = framing.CheckHeaders(buffer, out var firstIncompleteAt, out var frames) ?? frames switch
            {
                > 1 => GrpcFraming.Malformed("The request carries more than one message; this method takes exactly one."),
                1 when buffer.Length > firstIncompleteAt => GrpcFraming.Malformed(
                    "The request body continues after its message: the length prefix announces less than was sent, or a second message follows."),
                0 when result.IsCompleted && buffer.Length == 0 => GrpcFraming.Malformed("The request carries no message; this method takes exactly one."),
                0 when result.IsCompleted => GrpcFraming.Truncated(buffer.Length),
                _ => null,
            };
            if (refusal is not null || (frames == 1 && result.IsCompleted))
            {
                body.AdvanceTo(buffer.Start); // nothing consumed or examined: grpc-dotnet reads it all again
                return refusal;
            }
            body.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private sealed class BodyPipe(PipeReader reader) : IRequestBodyPipeFeature
    {
        public PipeReader Reader => reader;
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Grpc;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Status = Google.Rpc.Status;

namespace Exchange.Server.Http;

/// <summary>
/// Every HTTP error the node answers carries a google.rpc.Status in JSON, like the refusals of
/// the JSON mapping: the framework's own answers (no route: 404, wrong verb: 405, a gRPC call over
/// HTTP/1.1: 426...) would otherwise have an empty body, and an unhandled exception outside gRPC
/// becomes a bare INTERNAL with a trace id instead of the framework's (in development, detailed)
/// error page. gRPC calls keep their own error channel (trailers) and are left alone. Answers
/// Kestrel gives before a request reaches the application (a malformed request line, one too
/// long) cannot be shaped here.
/// </summary>
public static class HttpErrorResponses
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithTypeRegistry(TypeRegistry.FromMessages(ErrorInfo.Descriptor, BadRequest.Descriptor, RetryInfo.Descriptor))
        .WithFormatDefaultValues(false));

    public static IApplicationBuilder UseExchangeHttpErrors(this IApplicationBuilder app)
    {
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpErrorResponses));
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && !IsGrpc(context))
            {
                FailureLog.UnexpectedHttpFault(logger, error, context.Request.Method, context.Request.Path.Value ?? "");
                context.Response.Clear();
                await WriteAsync(context, StatusCodes.Status500InternalServerError, ErrorStatuses.Internal());
            }
        });
        app.UseStatusCodePages(async pages =>
        {
            var context = pages.HttpContext;
            if (!IsGrpc(context))
            {
                await WriteAsync(context, context.Response.StatusCode, StatusFor(context.Response.StatusCode));
            }
        });
        return app;
    }

    /// <summary>Writes <paramref name="status"/> as the JSON body of an HTTP <paramref name="httpStatus"/> answer.</summary>
    public static Task WriteAsync(HttpContext context, int httpStatus, Status status)
    {
        context.Response.StatusCode = httpStatus;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(Formatter.Format(status), context.RequestAborted);
    }

    /// <summary>The status for a framework answer with no body: its google.rpc code (google/rpc/code.proto's HTTP mapping) and an ErrorInfo.</summary>
    public static Status StatusFor(int httpStatus)
    {
        var (code, reason) = httpStatus switch
        {
            400 or 411 or 414 or 415 or 431 => (Code.InvalidArgument, ErrorReason.ValidationFailed),
            401 => (Code.Unauthenticated, ErrorReason.CallerUnauthenticated),
            403 => (Code.PermissionDenied, ErrorReason.RoleNotPermitted),
            404 => (Code.NotFound, ErrorReason.ResourceNotFound),
            405 or 501 => (Code.Unimplemented, ErrorReason.ResourceNotFound),
            409 => (Code.Aborted, ErrorReason.Unspecified),
            413 => (Code.ResourceExhausted, ErrorReason.ValidationFailed),
            426 => (Code.FailedPrecondition, ErrorReason.Unspecified),
            429 => (Code.ResourceExhausted, ErrorReason.RateLimited),
            503 => (Code.Unavailable, ErrorReason.Unavailable),
            504 => (Code.DeadlineExceeded, ErrorReason.Unavailable),
            >= 500 => (Code.Internal, ErrorReason.Internal),
            _ => (Code.FailedPrecondition, ErrorReason.Unspecified),
        };
        var message = httpStatus switch
        {
            404 => "No resource or method at this path. See /openapi/v1.json for the JSON API.",
            405 => "This path does not take this HTTP method. See /openapi/v1.json for the JSON API.",
            426 => "gRPC needs HTTP/2: call the node's gRPC endpoint, or use the JSON API on this one.",
            _ => ReasonPhrase(httpStatus),
        };
        var status = new Status { Code = (int)code, Message = message };
        if (reason != ErrorReason.Unspecified)
        {
            status.Details.Add(Any.Pack(new ErrorInfo { Reason = ErrorStatuses.ReasonName(reason), Domain = ErrorStatuses.Domain }));
        }
        return status;
    }

    private static string ReasonPhrase(int httpStatus) =>
        Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(httpStatus) is { Length: > 0 } phrase ? phrase + "." : "HTTP " + httpStatus + ".";

    /// <summary>A gRPC call proper (HTTP/2 or later): its errors travel in grpc-status trailers, which its client reads.</summary>
    private static bool IsGrpc(HttpContext context) =>
        context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true
        && !HttpProtocol.IsHttp10(context.Request.Protocol) && !HttpProtocol.IsHttp11(context.Request.Protocol);
}

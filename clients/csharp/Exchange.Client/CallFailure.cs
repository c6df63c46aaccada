using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

namespace Exchange.Client;

/// <summary>
/// Why a call failed when the client itself failed rather than the node refusing: the two cases
/// that look alike (UNAVAILABLE or INTERNAL from Grpc.Net.Client) but need opposite advice.
/// </summary>
public static class CallFailure
{
    /// <summary>What to do when <see cref="ErrorDetailsUnreadable"/>: not a network problem, and a retry would fail alike.</summary>
    public const string ErrorDetailsUnreadableAdvice =
        "The node answered, but this client could not read its answer's headers or trailers, where the node puts "
        + "the error's details (they are larger than the client accepts). This is not a network problem and "
        + "retrying will fail the same way. To read them, raise the limit on the client's HTTP handler: "
        + "SocketsHttpHandler.MaxResponseHeadersLength (HttpClientHandler.MaxResponseHeadersLength), in kilobytes, "
        + "default 64, on the handler given to GrpcChannelOptions.HttpHandler.";

    /// <summary>
    /// The node sent an answer whose headers or trailers the client could not read: typically an
    /// error whose google.rpc.Status details exceed the handler's MaxResponseHeadersLength.
    /// Grpc.Net.Client reports that as UNAVAILABLE ("Error starting gRPC call") or INTERNAL with
    /// the HTTP exception as the status's DebugException. Seen with SocketsHttpHandler on .NET 10:
    /// HttpRequestException, then IOException "The request was aborted", then the (internal)
    /// HPackDecodingException "The HTTP headers length exceeded the set limit of 65536 bytes."
    /// </summary>
    public static bool ErrorDetailsUnreadable(RpcException exception)
    {
        if (exception.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown))
        {
            return false;
        }
        foreach (var cause in Causes(exception.Status.DebugException))
        {
            switch (cause)
            {
                case HttpRequestException { HttpRequestError: HttpRequestError.ConfigurationLimitExceeded }:
                    return true;
                // HPACK (HTTP/2) and QPACK (HTTP/3) decoding failures: the header block itself could not be read.
                case var _ when cause.GetType().Name is "HPackDecodingException" or "QPackDecodingException":
                    return true;
                case var _ when MentionsHeaders(cause.Message) && cause.Message.Contains("exceed", StringComparison.OrdinalIgnoreCase):
                    return true;
                case HttpProtocolException { ErrorCode: (long)Http2Error.FrameSizeError or (long)Http2Error.CompressionError }:
                    return true;
            }
        }
        // Without a debug exception (another gRPC stack, or one rebuilt from text) only the message tells.
        return exception.Status.DebugException is null && MentionsHeaders(exception.Status.Detail)
            && exception.Status.Detail.Contains("exceed", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The client never reached a node: refused, unresolved or timed-out connection, a failed TLS
    /// handshake, or a server there that does not speak HTTP/2. The only case where "is a node running
    /// there?" helps: an UNAVAILABLE sent by a node (no client-side cause) came from a node that is running.
    /// </summary>
    public static bool IsConnectionFailure(RpcException exception)
    {
        if (ErrorDetailsUnreadable(exception))
        {
            return false;
        }
        if (exception.StatusCode != StatusCode.Unavailable)
        {
            return false;
        }
        var causes = Causes(exception.Status.DebugException).ToList();
        return causes.Any(c => c is SocketException
            or HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError
                or HttpRequestError.SecureConnectionError or HttpRequestError.HttpProtocolError });
    }

    private static bool MentionsHeaders(string text) =>
        text.Contains("header", StringComparison.OrdinalIgnoreCase) || text.Contains("trailer", StringComparison.OrdinalIgnoreCase);

    private static IEnumerable<Exception> Causes(Exception? exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            yield return cause;
        }
    }

    // RFC 9113 section 7 error codes that mean "the header block was too large to take".
    private enum Http2Error
    {
        FrameSizeError = 0x6,
        CompressionError = 0x9,
    }
}

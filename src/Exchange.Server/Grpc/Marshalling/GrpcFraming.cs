using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using Exchange.Core.Errors;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// The gRPC length-prefixed message framing (PROTOCOL-HTTP2.md: a compressed flag of 0 or 1, a
/// 4-byte big-endian length, the message), checked so that each way of getting it wrong has its
/// own refusal instead of grpc-dotnet's INTERNAL or UNKNOWN.
/// </summary>
public sealed class GrpcFraming(int maxMessageBytes, bool hasEncoding)
{
    public const int HeaderBytes = 5;

    /// <summary>
    /// Checks the frame headers in <paramref name="body"/>, which starts at a frame boundary:
    /// the refusal for the first broken header, or null. Returns in <paramref name="nextFrameAt"/>
    /// the offset of the first header not yet complete.
    /// </summary>
    public ExchangeException? CheckHeaders(in ReadOnlySequence<byte> body, out long nextFrameAt, out int completeFrames)
    {
        nextFrameAt = 0;
        completeFrames = 0;
        Span<byte> header = stackalloc byte[HeaderBytes];
        while (body.Length - nextFrameAt >= HeaderBytes)
        {
            body.Slice(nextFrameAt, HeaderBytes).CopyTo(header);
            if (header[0] > 1)
            {
                return Malformed($"A message's compressed flag is {header[0]}; it must be 0 or 1.");
            }
            if (header[0] == 1 && !hasEncoding)
            {
                return Malformed("A message is marked compressed but the request has no grpc-encoding header naming how.");
            }
            var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
            if (length > maxMessageBytes)
            {
                return new MessageTooLargeException(length, maxMessageBytes);
            }
            if (body.Length - nextFrameAt - HeaderBytes < length)
            {
                return null; // the rest of this message has not arrived yet
            }
            nextFrameAt += HeaderBytes + length;
            completeFrames++;
        }
        return null;
    }

    /// <summary>The refusal for a body that ends inside a frame (a length prefix longer than the message that follows).</summary>
    public static ExchangeException Truncated(long bytesOfFrame) => Malformed(string.Create(CultureInfo.InvariantCulture,
        $"The request body ends inside a message, {bytesOfFrame} bytes into its frame: the length prefix announces more than was sent."));

    public static ExchangeException Malformed(string what) => new MalformedMessageException(MalformedMessageException.Framing, what);
}

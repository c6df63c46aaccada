using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;

namespace Exchange.Server.Grpc.Marshalling;

/// <summary>
/// The request could not be read as a message of the method's request type: broken protobuf
/// (<see cref="Protobuf"/>) or broken gRPC framing (<see cref="Framing"/>). Resending the same
/// bytes fails again, so this is INVALID_ARGUMENT, not a fault of the node.
/// </summary>
public sealed class MalformedMessageException(string problem, string message)
    : ExchangeException(ErrorReason.MalformedMessage, message)
{
    /// <summary>The message body is not a valid protobuf encoding of the request type.</summary>
    public const string Protobuf = "protobuf";

    /// <summary>The gRPC length-prefixed framing around the message is wrong.</summary>
    public const string Framing = "framing";

    /// <summary>Exception.Data key of the parser's own text: for the log, never for the caller.</summary>
    public const string ParserMessageKey = "parser_message";

    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string> { ["problem"] = problem };
}

/// <summary>A message's length prefix exceeds what the node accepts (GrpcServiceOptions.MaxReceiveMessageSize).</summary>
public sealed class MessageTooLargeException(long announcedBytes, int limitBytes)
    : ExchangeException(ErrorReason.MessageTooLarge, string.Create(CultureInfo.InvariantCulture,
        $"The message announces {announcedBytes} bytes; this node accepts at most {limitBytes} bytes per message."))
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>
    {
        ["limit_bytes"] = limitBytes.ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>The request's grpc-encoding is not one the node can decompress.</summary>
public sealed class UnsupportedEncodingException(string encoding, IReadOnlyList<string> supported)
    : ExchangeException(ErrorReason.UnsupportedEncoding,
        $"The grpc-encoding '{Printable(encoding)}' is not supported; use one of: {string.Join(", ", supported)}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>
    {
        ["supported_encodings"] = string.Join(",", supported),
    };

    /// <summary>The caller's header echoed safely: printable ASCII only, and short.</summary>
    private static string Printable(string value)
    {
        var printable = new string(value.Where(c => c is >= ' ' and <= '~').Take(64).ToArray());
        return printable.Length == value.Length ? printable : printable + "...";
    }
}

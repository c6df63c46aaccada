using Google.Protobuf;

namespace Exchange.ContractDocs;

/// <summary>
/// Reads fields of a message straight from its wire bytes. The google.api options the reference
/// shows are extensions the descriptor types do not know: parsed without an extension registry
/// they are kept as unknown fields, and re-serializing the options message gives them back.
/// </summary>
internal static class WireFields
{
    /// <summary>The last occurrence of a field, or the default when absent: protobuf's "last one wins" for a repeated scalar read as a singular one.</summary>
    public static T? Last<T>(IReadOnlyList<T> values) => values.Count > 0 ? values[^1] : default;

    /// <summary>The wire bytes of <paramref name="message"/>, empty when it is not set.</summary>
    public static ByteString Of(IMessage? message) => message?.ToByteString() ?? ByteString.Empty;

    /// <summary>Every varint value of field <paramref name="number"/>, whether written packed or not.</summary>
    public static IReadOnlyList<ulong> Varints(ByteString message, int number)
    {
        var values = new List<ulong>();
        foreach (var field in Read(message).Where(f => f.Number == number))
        {
            if (field.Payload is null)
            {
                values.Add(field.Varint);
                continue;
            }
            var packed = field.Payload.CreateCodedInput();
            while (!packed.IsAtEnd)
            {
                values.Add(packed.ReadUInt64());
            }
        }
        return values;
    }

    /// <summary>Every value of the string field <paramref name="number"/>.</summary>
    public static IReadOnlyList<string> Strings(ByteString message, int number) =>
        Payloads(message, number).Select(p => p.ToStringUtf8()).ToList();

    /// <summary>The embedded message in field <paramref name="number"/> (occurrences merged), or null when absent.</summary>
    public static ByteString? Message(ByteString message, int number)
    {
        var payloads = Payloads(message, number);
        return payloads.Count == 0 ? null : ByteString.CopyFrom(payloads.SelectMany(p => p.ToByteArray()).ToArray());
    }

    /// <summary>Each occurrence of the embedded message field <paramref name="number"/> (a repeated field's elements), in order.</summary>
    public static IReadOnlyList<ByteString> Messages(ByteString message, int number) => Payloads(message, number);

    private static List<ByteString> Payloads(ByteString message, int number) =>
        Read(message).Where(f => f.Number == number && f.Payload is not null).Select(f => f.Payload!).ToList();

    private static List<WireField> Read(ByteString message)
    {
        var fields = new List<WireField>();
        var input = message.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            var number = WireFormat.GetTagFieldNumber(tag);
            switch (WireFormat.GetTagWireType(tag))
            {
                case WireFormat.WireType.Varint:
                    fields.Add(new WireField(number, input.ReadUInt64(), null));
                    break;
                case WireFormat.WireType.LengthDelimited:
                    fields.Add(new WireField(number, 0, input.ReadBytes()));
                    break;
                default:
                    input.SkipLastField();
                    break;
            }
        }
        return fields;
    }

    private sealed record WireField(int Number, ulong Varint, ByteString? Payload);
}

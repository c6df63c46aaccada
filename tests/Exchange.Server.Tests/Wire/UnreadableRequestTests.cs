using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Observability;
using Exchange.Server.Tests.Support;
using Google.Protobuf;
using Grpc.Core;
using Serilog.Events;

namespace Exchange.Server.Tests.Wire;

/// <summary>
/// Requests that cannot be read as a message (issue 18, finding 2): each gets its own status and
/// a stable ErrorInfo reason, is logged once at warning without a stack trace, and the node
/// keeps serving. Sent as raw HTTP/2 so that the bytes and headers are exactly as stated. Alone in
/// the process: in-memory nodes log through Serilog's static logger, the last started node's.
/// </summary>
[Collection(AloneInProcess.Name)]
public sealed class UnreadableRequestTests(RawGrpcNodeFixture fixture) : IClassFixture<RawGrpcNodeFixture>
{
    private readonly RawGrpcNode _node = fixture.Node;

    private static byte[] ValidSubmit => Requests.Submit(RawGrpcNode.Filer).ToByteArray();

    /// <summary>Undecodable protobuf inside a well-formed frame.</summary>
    public static TheoryData<string, byte[]> UndecodableMessages => new()
    {
        { "random bytes", RandomBytes() },
        { "a truncated field", [0x0A, 0x10, 0x61] },
        { "a varint overflow", [0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01] },
        { "field number 0", [0x02, 0x01, 0x00] },
        { "wire type 7", [0x0F, 0x01] },
        { "invalid UTF-8 in a string field", [0x0A, 0x02, 0xC3, 0x28] },
        { "deeply nested groups", [.. Enumerable.Repeat((byte)0x0B, 200)] },
    };

    /// <summary>Bodies whose gRPC framing is wrong, with the status and reason each must get.</summary>
    public static TheoryData<string, byte[], StatusCode, string> BrokenFrames => new()
    {
        { "a 4 GiB length prefix", [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE" },
        { "a length prefix longer than the body", RawGrpcNode.Frame([0x0A, 0x01, 0x61], announcedLength: 16), StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "a length prefix shorter than the body", RawGrpcNode.Frame(ValidSubmit, announcedLength: 4), StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "two messages on a unary call", [.. RawGrpcNode.Frame(ValidSubmit), .. RawGrpcNode.Frame(ValidSubmit)], StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "the compressed flag without grpc-encoding", RawGrpcNode.Frame(ValidSubmit, compressedFlag: 1), StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "a compressed flag of 2", RawGrpcNode.Frame(ValidSubmit, compressedFlag: 2), StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "no message at all", [], StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
        { "half a frame header", [0, 0, 0], StatusCode.InvalidArgument, "MALFORMED_MESSAGE" },
    };

    [Theory]
    [MemberData(nameof(UndecodableMessages))]
    public async Task An_undecodable_message_is_invalid_argument_malformed_message(string what, byte[] message)
    {
        var answer = await CallAndCheckLogAsync(RawGrpcNode.Submit, RawGrpcNode.Frame(message));

        AssertRefused(answer, StatusCode.InvalidArgument, "MALFORMED_MESSAGE", what);
        Assert.Equal("protobuf", answer.Info!.Metadata["problem"]);
        Assert.DoesNotContain("Protocol message", answer.Details!.Message, StringComparison.Ordinal); // no parser text
    }

    [Theory]
    [MemberData(nameof(BrokenFrames))]
    public async Task A_broken_frame_gets_its_status_and_reason(string what, byte[] body, StatusCode code, string reason)
    {
        var answer = await CallAndCheckLogAsync(RawGrpcNode.Submit, body);

        AssertRefused(answer, code, reason, what);
    }

    [Fact]
    public async Task An_unknown_grpc_encoding_is_unimplemented_and_names_the_accepted_ones()
    {
        var answer = await CallAndCheckLogAsync(RawGrpcNode.Submit, RawGrpcNode.Frame(ValidSubmit, compressedFlag: 1), encoding: "x-snappy");

        AssertRefused(answer, StatusCode.Unimplemented, "UNSUPPORTED_ENCODING", "unknown encoding");
        Assert.Contains("gzip", answer.AcceptEncoding ?? "", StringComparison.Ordinal);
        Assert.Contains("gzip", answer.Info!.Metadata["supported_encodings"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("undecodable", StatusCode.InvalidArgument, "MALFORMED_MESSAGE")]
    [InlineData("truncated", StatusCode.InvalidArgument, "MALFORMED_MESSAGE")]
    [InlineData("oversize", StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE")]
    public async Task A_bulk_stream_with_an_unreadable_message_is_refused_the_same_way(string what, StatusCode code, string reason)
    {
        var good = RawGrpcNode.Frame(Requests.Submit(RawGrpcNode.Filer).ToByteArray() /* the same fields as BulkSubmitDeclarationsRequest */);
        byte[] bad = what switch
        {
            "undecodable" => RawGrpcNode.Frame([0x0F, 0x01]),
            "truncated" => RawGrpcNode.Frame([0x0A, 0x01], announcedLength: 40),
            _ => [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3],
        };

        var answer = await CallAndCheckLogAsync(RawGrpcNode.BulkSubmit, [.. good, .. bad]);

        AssertRefused(answer, code, reason, what);
    }

    /// <summary>Makes the call, then: no error-level event, no stack trace, exactly one warning naming the refusal; the node still serves.</summary>
    private async Task<RawAnswer> CallAndCheckLogAsync(string method, byte[] body, string? encoding = null)
    {
        _node.Log.Clear();
        var answer = await _node.CallAsync(method, body, encoding);

        var events = _node.Log.Events.ToList();
        Assert.DoesNotContain(events, e => e.Level >= LogEventLevel.Error);
        Assert.DoesNotContain(events, e => e.Exception is not null);
        var warning = Assert.Single(events, e => e.Level == LogEventLevel.Warning);
        Assert.Contains("unreadable request", warning.RenderMessage(), StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, (await _node.CallAsync(RawGrpcNode.Submit, RawGrpcNode.Frame(ValidSubmit))).Code);
        return answer;
    }

    private static void AssertRefused(RawAnswer answer, StatusCode code, string reason, string what)
    {
        Assert.True(answer.Code == code, $"{what}: {answer.Code} ({answer.Details?.Message}), expected {code}");
        Assert.NotNull(answer.Details);
        Assert.Equal((int)code, answer.Details!.Code);
        Assert.Equal(reason, answer.Info?.Reason);
        Assert.Equal(RpcErrors.Domain, answer.Info!.Domain);
    }

    /// <summary>64 bytes from a fixed seed: not a valid encoding (checked by the parser itself below).</summary>
    private static byte[] RandomBytes()
    {
        var bytes = new byte[64];
        new Random(18).NextBytes(bytes);
        Assert.ThrowsAny<Exception>(() => SubmitDeclarationRequest.Parser.ParseFrom(bytes));
        return bytes;
    }
}

/// <summary>One raw-HTTP/2 node shared by a test class (its tests run one at a time).</summary>
public sealed class RawGrpcNodeFixture : IDisposable
{
    public RawGrpcNode Node { get; } = new();

    public void Dispose() => Node.Dispose();
}

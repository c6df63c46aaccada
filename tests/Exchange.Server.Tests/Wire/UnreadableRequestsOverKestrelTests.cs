using Exchange.Server.Tests.Support;
using Exchange.Testing.Hosting;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Server.Tests.Wire;

/// <summary>
/// The refusals of <see cref="UnreadableRequestTests"/> from a node process over real HTTP/2
/// (Kestrel's request pipe, not the in-memory test server's), and its console log: one warning
/// per refused call, no error.
/// </summary>
public sealed class UnreadableRequestsOverKestrelTests
{
    [Fact]
    public async Task A_node_process_refuses_each_unreadable_request_with_its_reason_and_logs_only_warnings()
    {
        using var directory = new TempDirectory();
        using var server = await ServerProcess.StartAsync(directory.Path);
        using var http = new HttpClient { BaseAddress = server.Address };
        var valid = Requests.Submit(RawGrpcNode.Filer).ToByteArray();
        (string What, string Method, byte[] Body, string? Encoding, StatusCode Code, string Reason)[] cases =
        [
            ("undecodable", RawGrpcNode.Submit, RawGrpcNode.Frame([0x0F, 0x01]), null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("4 GiB prefix", RawGrpcNode.Submit, [0, 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3], null, StatusCode.ResourceExhausted, "MESSAGE_TOO_LARGE"),
            ("prefix too long", RawGrpcNode.Submit, RawGrpcNode.Frame(valid, announcedLength: (uint)valid.Length + 10), null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("prefix too short", RawGrpcNode.Submit, RawGrpcNode.Frame(valid, announcedLength: 4), null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("two messages", RawGrpcNode.Submit, [.. RawGrpcNode.Frame(valid), .. RawGrpcNode.Frame(valid)], null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("compressed, no encoding", RawGrpcNode.Submit, RawGrpcNode.Frame(valid, compressedFlag: 1), null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("unknown encoding", RawGrpcNode.Submit, RawGrpcNode.Frame(valid, compressedFlag: 1), "x-snappy", StatusCode.Unimplemented, "UNSUPPORTED_ENCODING"),
            ("bulk, undecodable", RawGrpcNode.BulkSubmit, [.. RawGrpcNode.Frame(valid), .. RawGrpcNode.Frame([0x0F, 0x01])], null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("bulk, truncated", RawGrpcNode.BulkSubmit, [.. RawGrpcNode.Frame(valid), .. RawGrpcNode.Frame([0x0A], announcedLength: 9)], null, StatusCode.InvalidArgument, "MALFORMED_MESSAGE"),
            ("bulk, unknown encoding", RawGrpcNode.BulkSubmit, RawGrpcNode.Frame(valid), "x-snappy", StatusCode.Unimplemented, "UNSUPPORTED_ENCODING"),
        ];

        foreach (var (what, method, body, encoding, code, reason) in cases)
        {
            var answer = await RawGrpcNode.CallAsync(http, method, body, encoding);

            Assert.True(answer.Code == code && answer.Info?.Reason == reason,
                $"{what}: {answer.Code} {answer.Info?.Reason} ({answer.Details?.Message}), expected {code} {reason}");
        }
        Assert.Equal(StatusCode.OK, (await RawGrpcNode.CallAsync(http, RawGrpcNode.Submit, RawGrpcNode.Frame(valid))).Code);

        // The console sink writes each event as it is logged; the last warning may still be on its way.
        for (var wait = 0; wait < 100 && CountOf(server.Output, "Refused an unreadable request") < cases.Length; wait++)
        {
            await Task.Delay(100);
        }
        Assert.Equal(cases.Length, CountOf(server.Output, "Refused an unreadable request"));
        Assert.DoesNotContain(" ERR ", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", server.Output, StringComparison.Ordinal); // no stack trace
    }

    private static int CountOf(string text, string what) => text.Split(what).Length - 1;
}

using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>Callers and bytes no well-behaved client sends: the node refuses them and goes on serving.</summary>
internal static class RobustnessChecks
{
    private const string Area = "Errors and robustness";
    private const int OversizedBytes = 5 * 1024 * 1024;

    /// <summary>SubmitDeclaration with the request as raw bytes, so the kit can send what no protobuf library would.</summary>
    private static readonly Method<byte[], byte[]> RawSubmit = new(
        MethodType.Unary, DeclarationService.Descriptor.FullName, "SubmitDeclaration",
        Marshallers.Create(bytes => bytes, bytes => bytes), Marshallers.Create(bytes => bytes, bytes => bytes));

    private static readonly (string What, byte[] Bytes)[] Undecodable =
    [
        ("a truncated varint", [0x0A, 0xFF, 0xFF, 0xFF]),
        ("a length beyond the message", [0x12, 0x7F, 0x01]),
        ("an invalid wire type", [0x0F, 0x01]),
        ("garbage inside the declaration", [0x12, 0x05, 0x0A, 0x03, 0xFF, 0xFF, 0xFF]),
    ];

    public static IEnumerable<Check> All =>
    [
        new("errors.unauthenticated", Area, "A call without the caller's identity is UNAUTHENTICATED CALLER_UNAUTHENTICATED", UnauthenticatedAsync),
        new("errors.undecodable-request", Area, "A request whose bytes are not valid protobuf is refused and the node still serves", UndecodableRequestAsync),
        new("errors.oversized-request", Area, "A request over 4 MiB is refused (usually RESOURCE_EXHAUSTED) and the node still serves", OversizedRequestAsync),
    ];

    private static async Task UnauthenticatedAsync(CheckContext context)
    {
        await Expect.FailsAsync("SubmitDeclaration without the identity header", StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => context.AnonymousClient.SubmitDeclarationAsync(context.SubmitRequest()).ResponseAsync);
    }

    private static async Task UndecodableRequestAsync(CheckContext context)
    {
        var codes = new List<string>();
        foreach (var (what, bytes) in Undecodable)
        {
            codes.Add(RpcErrorText.CodeName(await ExpectRefusedAsync(context, bytes, $"SubmitDeclaration of {what}")));
        }
        await ExpectStillServingAsync(context, "the undecodable requests");
        context.Note = "refused with " + string.Join(", ", codes.Distinct());
    }

    private static async Task OversizedRequestAsync(CheckContext context)
    {
        var request = context.SubmitRequest();
        request.Declaration.Remarks = new string('x', OversizedBytes);

        var code = await ExpectRefusedAsync(context, request.ToByteArray(), "SubmitDeclaration of 5 MiB");

        await ExpectStillServingAsync(context, "the oversized request");
        // The contract fixes no limit and no code for it: any refusal conforms; the code is reported.
        context.Note = code == StatusCode.ResourceExhausted
            ? "refused with RESOURCE_EXHAUSTED"
            : $"refused with {RpcErrorText.CodeName(code)}; RESOURCE_EXHAUSTED is the usual code";
    }

    private static async Task<StatusCode> ExpectRefusedAsync(CheckContext context, byte[] body, string what)
    {
        try
        {
            await context.Invoker.AsyncUnaryCall(RawSubmit, null, new CallOptions(), body).ResponseAsync;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.DeadlineExceeded)
        {
            throw Expect.Fail($"{what}: no answer within {context.CallTimeout.TotalSeconds:0} s; expected a refusal");
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            return error.StatusCode;
        }
        throw Expect.Fail($"{what} was answered OK; expected a refusal");
    }

    private static async Task ExpectStillServingAsync(CheckContext context, string after) =>
        await Expect.SucceedsAsync($"SubmitDeclaration of a valid declaration after {after} (the node must still serve)",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest()).ResponseAsync);
}

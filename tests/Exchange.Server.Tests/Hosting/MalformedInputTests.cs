using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Server.Tests.Hosting;

/// <summary>Input no client library would send: raw bytes on the wire. The node must refuse it and keep serving.</summary>
public sealed class MalformedInputTests : IDisposable
{
    private const string Filer = "post-cn";
    private static readonly Method<byte[], byte[]> RawSubmit = new(
        MethodType.Unary, "exchange.declaration.v1.DeclarationService", "SubmitDeclaration",
        Marshallers.Create(b => b, b => b), Marshallers.Create(b => b, b => b));

    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    private Task<byte[]> SendRawAsync(byte[] body) =>
        _node.CallInvokerFor(Filer).AsyncUnaryCall(RawSubmit, null, new CallOptions(), body).ResponseAsync;

    public static TheoryData<string, byte[]> Garbage => new()
    {
        { "truncated varint", [0x0A, 0xFF, 0xFF, 0xFF] },
        { "length beyond the message", [0x12, 0x7F, 0x01] },
        { "invalid wire type", [0x0F, 0x01] },
        { "nested garbage", [0x12, 0x05, 0x0A, 0x03, 0xFF, 0xFF, 0xFF] },
        { "invalid UTF-8 in a string", [0x0A, 0x02, 0xC3, 0x28] },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Undecodable_bytes_are_refused_without_internals_and_the_node_keeps_serving(string what, byte[] body)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => SendRawAsync(body));

        Assert.NotEqual(StatusCode.OK, error.StatusCode);
        // Nothing of the parser's own exception reaches the caller: no type, message or stack.
        Assert.DoesNotContain("Protobuf", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Protocol", error.Status.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" at ", error.Status.Detail, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
        await _node.ClientFor(Filer).SubmitAsync(Filer); // still serving
    }

    [Fact]
    public async Task A_message_over_the_size_limit_is_refused_and_the_node_keeps_serving()
    {
        var huge = Requests.Submit(Filer);
        huge.Declaration.Remarks = new string('x', 5 * 1024 * 1024);

        var error = await Assert.ThrowsAsync<RpcException>(() => SendRawAsync(huge.ToByteArray()));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await _node.ClientFor(Filer).SubmitAsync(Filer);
    }

    [Fact]
    public async Task Absurd_but_decodable_content_is_a_validation_error_not_a_fault()
    {
        var request = Requests.Submit(Filer);
        var absurd = request.Declaration;
        absurd.LocalReferenceNumber = new string('\u0000', 100_000);
        absurd.Channel = (Channel)12345;
        absurd.Items.Add(Enumerable.Range(0, 1200).Select(_ => new GoodsItem()));
        absurd.Totals.InvoiceTotal.Nanos = -5;
        absurd.Totals.InvoiceTotal.Units = long.MaxValue;
        absurd.Transport.ExpectedArrivalTime = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = long.MaxValue, Nanos = -1 };

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _node.ClientFor(Filer).SubmitDeclarationAsync(request).ResponseAsync);

        var fields = RpcErrors.ViolatedFields(status);
        Assert.Contains("declaration.local_reference_number", fields);
        Assert.Contains("declaration.channel", fields);
        Assert.Contains("declaration.items", fields);
        Assert.DoesNotContain(new string('\u0000', 100), status.Message + string.Join("", status.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations.Select(v => v.Description)));
    }

    [Fact]
    public async Task A_declaration_over_one_mebibyte_is_refused_by_name()
    {
        var request = Requests.Submit(Filer);
        var item = request.Declaration.Items[0];
        item.Description = new string('d', 512);
        item.ProductUrl = "https://shop.example/" + new string('p', 2000);
        item.PictureUrl = "https://shop.example/" + new string('q', 2000);
        request.Declaration.Items.Add(Enumerable.Range(0, 300).Select(_ => item.Clone()));

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _node.ClientFor(Filer).SubmitDeclarationAsync(request).ResponseAsync);

        Assert.Contains("declaration", RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public void The_development_identity_header_is_the_documented_one()
    {
        Assert.Equal("x-exchange-filer", DevelopmentHeaderIdentityResolver.HeaderName);
    }
}

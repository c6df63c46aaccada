using Exchange.Client.Tests.Support;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Client.Tests;

public sealed class ErrorPrinterTests
{
    [Fact]
    public void Prints_the_code_the_reason_and_every_field_violation()
    {
        var violations = new[]
        {
            ("declaration.transport_document.item_identifier", "The S10 check digit should be 5, not 4."),
            ("declaration.items[0].hs_code", "Must be 6 to 10 digits."),
            ("declaration.items[1].origin_country_code", "'XX' is not an ISO 3166-1 alpha-2 country code."),
            ("declaration.consignee", "Required."),
        };
        var exception = FakeDeclarationService.ValidationError(violations).ToRpcException();
        var output = new CapturedConsole();

        ErrorPrinter.Print(output.Console, exception);

        Assert.Contains("INVALID_ARGUMENT", output.Text);
        Assert.Contains("VALIDATION_FAILED", output.Text);
        Assert.Contains("The request has 4 invalid field(s)", output.Text);
        foreach (var (field, description) in violations)
        {
            Assert.Contains(field, output.Text);
            Assert.Contains(description, output.Text);
        }
    }

    [Fact]
    public void Prints_error_info_metadata()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.FailedPrecondition,
            Message = "Declaration 'filers/f/declarations/d' is RELEASED; it cannot be amended.",
            Details = { Any.Pack(new ErrorInfo { Reason = "INVALID_STATE_TRANSITION", Metadata = { ["status"] = "RELEASED" } }) },
        };
        var output = new CapturedConsole();

        ErrorPrinter.Print(output.Console, status.ToRpcException());

        Assert.Contains("FAILED_PRECONDITION INVALID_STATE_TRANSITION", output.Text);
        Assert.Contains("status: RELEASED", output.Text);
    }

    [Fact]
    public void Prints_a_plain_grpc_error_without_details()
    {
        var output = new CapturedConsole();

        ErrorPrinter.Print(output.Console, new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "Error connecting to subchannel.")));

        Assert.Contains("UNAVAILABLE", output.Text);
        Assert.Contains("Error connecting to subchannel.", output.Text);
    }

    [Fact]
    public void Markup_characters_in_server_text_are_printed_literally()
    {
        var output = new CapturedConsole();

        ErrorPrinter.Print(output.Console, FakeDeclarationService.ValidationError(("declaration.items[0].sku", "Bad value [red]x[/]")).ToRpcException());

        Assert.Contains("declaration.items[0].sku", output.Text);
        Assert.Contains("Bad value [red]x[/]", output.Text);
    }
}

using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;

namespace Exchange.Client.Tests.Commands;

public sealed class SubmitCommandTests : IAsyncLifetime
{
    private FakeExchange exchange = null!;

    public async Task InitializeAsync() => exchange = await FakeExchange.StartAsync();

    public async Task DisposeAsync() => await exchange.DisposeAsync();

    [Fact]
    public async Task Submits_the_file_as_the_filer_and_prints_the_acknowledgement()
    {
        var code = await exchange.RunAsync("submit", Samples.PostalGift, "--filer", "acme-post");

        Assert.Equal(ExitCodes.Success, code);
        var stored = Assert.Single(exchange.Service.Stored);
        Assert.StartsWith("filers/acme-post/declarations/", stored.Name);
        Assert.Equal(SampleDeclarations.PostalGift().LocalReferenceNumber, stored.LocalReferenceNumber);
        Assert.Equal(["acme-post"], exchange.Service.FilerHeaders);
        Assert.True(Guid.TryParse(Assert.Single(exchange.Service.RequestIds), out _));

        var text = exchange.Output.Text;
        Assert.Contains($"Accepted, under assessment {stored.Name}", text);
        Assert.Contains(stored.CustomsReference, text);
        Assert.Contains("ACCEPTED", text);
        Assert.Contains(stored.Etag, text);
    }

    [Theory]
    [InlineData(DeclarationStatus.Released, "Released")]
    [InlineData(DeclarationStatus.Held, "Held")]
    [InlineData(DeclarationStatus.Assessed, "Assessed, to be released on arrival")]
    public async Task The_heading_says_the_status_the_node_answered_not_accepted(DeclarationStatus status, string heading)
    {
        exchange.Service.SubmitStatus = status;

        var code = await exchange.RunAsync("submit", Samples.PostalGift);

        Assert.Equal(ExitCodes.Success, code);
        var stored = Assert.Single(exchange.Service.Stored);
        Assert.Contains($"{heading} {stored.Name}", exchange.Output.Text);
        Assert.DoesNotContain("Accepted", exchange.Output.Text);
    }

    [Fact]
    public async Task Uses_the_request_id_given()
    {
        const string requestId = "0f8fad5b-d9cb-469f-a165-70867728950e";

        await exchange.RunAsync("submit", Samples.PostalGift, "--request-id", requestId);

        Assert.Equal([requestId], exchange.Service.RequestIds);
        Assert.Contains(requestId, exchange.Output.Text);
    }

    [Fact]
    public async Task A_refusal_lists_every_violation_and_exits_with_2()
    {
        var code = await exchange.RunAsync("submit", Samples.Invalid);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Empty(exchange.Service.Stored);
        Assert.Contains("INVALID_ARGUMENT VALIDATION_FAILED", exchange.Output.Text);
        Assert.Contains("declaration.local_reference_number", exchange.Output.Text);
        Assert.Contains("declaration.items[0].hs_code", exchange.Output.Text);
    }
}

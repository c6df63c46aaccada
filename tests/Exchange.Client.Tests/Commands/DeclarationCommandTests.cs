using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;

namespace Exchange.Client.Tests.Commands;

/// <summary>get, list, amend and cancel: the commands that work on recorded declarations.</summary>
public sealed class DeclarationCommandTests : IAsyncLifetime
{
    private FakeExchange exchange = null!;

    public async Task InitializeAsync() => exchange = await FakeExchange.StartAsync();

    public async Task DisposeAsync() => await exchange.DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Get_prints_the_declaration_as_proto3_json(bool byFullName)
    {
        var stored = exchange.Service.Seed(ClientApp.DefaultFiler, SampleDeclarations.ExpressMarketplaceSale());

        var code = await exchange.RunAsync("get", byFullName ? stored.Name : stored.Name.Split('/')[^1]);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Equal(stored, DeclarationFiles.Parse(exchange.Output.Text, "output"));
    }

    [Fact]
    public async Task Get_summary_shows_the_disposition_with_its_legal_basis_return_item_and_appeal_deadline()
    {
        var declaration = SampleDeclarations.PostalGift("LRN-RETURNED");
        declaration.Disposition = new Disposition
        {
            Type = DispositionType.ReturnedToSender,
            LegalBasis = new LegalBasis { Code = "ART-77", Citation = "Article 77 of the customs act" },
            Reason = "Prohibited goods.",
            ReturnItemIdentifier = "RB123456785GB",
            AppealDeadline = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(new DateTimeOffset(2027, 1, 14, 17, 40, 0, TimeSpan.Zero)),
            Notices = { new DispositionNotice { Recipient = NoticeRecipient.Consignee, PartyName = "Jan de Vries", Text = "Dear Jan de Vries, ..." } },
        };
        var stored = exchange.Service.Seed(ClientApp.DefaultFiler, declaration);

        var code = await exchange.RunAsync("get", stored.Name, "--summary");

        Assert.Equal(ExitCodes.Success, code);
        var text = exchange.Output.Text;
        Assert.Contains("RETURNED_TO_SENDER: Prohibited goods.", text);
        Assert.Contains("Article 77 of the customs act (ART-77)", text);
        Assert.Contains("RB123456785GB", text);
        Assert.Contains("2027-01-14", text);
        Assert.Contains("Jan de Vries", text);
    }

    [Fact]
    public async Task Get_of_an_unknown_declaration_exits_with_2()
    {
        var code = await exchange.RunAsync("get", "d-9999");

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Contains("NOT_FOUND DECLARATION_NOT_FOUND", exchange.Output.Text);
    }

    [Fact]
    public async Task List_all_follows_the_page_tokens()
    {
        var names = Enumerable.Range(1, 5)
            .Select(i => exchange.Service.Seed(ClientApp.DefaultFiler, SampleDeclarations.PostalGift($"LRN-LIST-{i}")).Name)
            .ToList();

        var code = await exchange.RunAsync("list", "--page-size", "2", "--all");

        Assert.Equal(ExitCodes.Success, code);
        Assert.All(names, name => Assert.Contains(name, exchange.Output.Text));
        Assert.Contains("LRN-LIST-5", exchange.Output.Text);
        Assert.DoesNotContain("More declarations match", exchange.Output.Text);
    }

    [Fact]
    public async Task List_without_all_shows_one_page_and_how_to_continue()
    {
        for (var i = 1; i <= 3; i++)
        {
            exchange.Service.Seed(ClientApp.DefaultFiler, SampleDeclarations.PostalGift($"LRN-LIST-{i}"));
        }

        await exchange.RunAsync("list", "--page-size", "2", "--status", "accepted");

        Assert.Contains("LRN-LIST-2", exchange.Output.Text);
        Assert.DoesNotContain("LRN-LIST-3", exchange.Output.Text);
        Assert.Contains("--page-token 2", exchange.Output.Text);
    }

    [Fact]
    public async Task Amend_sends_the_file_with_the_current_etag()
    {
        var stored = exchange.Service.Seed(ClientApp.DefaultFiler, SampleDeclarations.PostalGift());

        var code = await exchange.RunAsync("amend", stored.Name.Split('/')[^1], Samples.PostalGift);

        Assert.Equal(ExitCodes.Success, code);
        var request = Assert.Single(exchange.Service.AmendRequests);
        Assert.Equal(stored.Etag, request.Etag);
        Assert.Equal(stored.Name, request.Declaration.Name);
        Assert.Contains($"Amended: accepted, under assessment {stored.Name}", exchange.Output.Text);
        Assert.Contains("etag-2", exchange.Output.Text);
    }

    [Fact]
    public async Task Cancel_sends_the_current_etag_and_reason_and_prints_the_new_status()
    {
        var stored = exchange.Service.Seed(ClientApp.DefaultFiler, SampleDeclarations.PostalGift());

        var code = await exchange.RunAsync("cancel", stored.Name, "--reason", "Order cancelled by the buyer");

        Assert.Equal(ExitCodes.Success, code);
        var request = Assert.Single(exchange.Service.CancelRequests);
        Assert.Equal(stored.Etag, request.Etag);
        Assert.Equal("Order cancelled by the buyer", request.Reason);
        Assert.Contains("CANCELLED", exchange.Output.Text);
        Assert.Equal(DeclarationStatus.Cancelled, Assert.Single(exchange.Service.Stored).Status);
    }
}

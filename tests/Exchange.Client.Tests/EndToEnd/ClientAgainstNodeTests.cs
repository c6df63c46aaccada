using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Testing;
using Exchange.Testing.Hosting;

namespace Exchange.Client.Tests.EndToEnd;

/// <summary>The sample client and its sample files against a real Exchange node (in memory, SQLite).</summary>
public sealed class ClientAgainstNodeTests : IDisposable
{
    private const string Filer = "demo-filer";
    private readonly ExchangeNode _node = new();
    private readonly CapturedConsole _output = new();

    public void Dispose() => _node.Dispose();

    private Task<int> RunAsync(params string[] args) =>
        new ClientApp(_output.Console, _ => _node.CallInvokerFor(null))
            .RunAsync([.. args, "--filer", Filer], CancellationToken.None);

    private async Task<List<Declaration>> StoredAsync() =>
        [.. (await _node.ClientFor(Filer).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}", PageSize = 1000 })).Declarations];

    [Fact]
    public async Task Both_valid_samples_are_accepted()
    {
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.PostalGift));
        Assert.Equal(ExitCodes.Success, await RunAsync("submit", Samples.ExpressSale));

        var stored = await StoredAsync();
        Assert.Equal(["LRN-SALE-0001", "LRN-GIFT-0001"], stored.Select(d => d.LocalReferenceNumber));
        Assert.All(stored, d => Assert.Contains(d.CustomsReference, _output.Text));
    }

    [Fact]
    public async Task The_invalid_sample_comes_back_with_every_violation_named()
    {
        var code = await RunAsync("submit", Samples.Invalid);

        Assert.Equal(ExitCodes.Rejected, code);
        var text = _output.Text;
        Assert.Contains("VALIDATION_FAILED", text);
        foreach (var path in SampleFiles.InvalidSampleViolations)
        {
            Assert.Contains(path, text);
        }
        Assert.Empty(await StoredAsync());
    }

    [Fact]
    public async Task Bulk_submit_accepts_the_valid_lines_and_names_the_rejected_ones_and_a_rerun_is_a_retry()
    {
        var code = await RunAsync("bulk-submit", Samples.BulkMixed);

        Assert.Equal(ExitCodes.Rejected, code);
        Assert.Equal(SampleFiles.BulkMixedAccepted, (await StoredAsync()).Count);
        Assert.Contains(SampleFiles.BulkMixedAccepted.ToString(System.Globalization.CultureInfo.InvariantCulture), _output.Text);

        await RunAsync("bulk-submit", Samples.BulkMixed);
        Assert.Equal(SampleFiles.BulkMixedAccepted, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task Get_list_and_cancel_work_on_what_was_submitted()
    {
        await RunAsync("submit", Samples.PostalGift);
        var stored = Assert.Single(await StoredAsync());
        var id = stored.Name.Split('/')[^1];

        Assert.Equal(ExitCodes.Success, await RunAsync("get", id));
        Assert.Contains(stored.CustomsReference, _output.Text);
        Assert.Equal(ExitCodes.Success, await RunAsync("list"));
        Assert.Equal(ExitCodes.Success, await RunAsync("cancel", id, "--reason", "Buyer cancelled the order"));

        Assert.Equal(DeclarationStatus.Cancelled, Assert.Single(await StoredAsync()).Status);
    }

    [Fact]
    public async Task Arrive_releases_an_assessed_declaration_and_shows_both_lifecycles()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(params string[] args) =>
            new ClientApp(output.Console, _ => assessing.CallInvokerFor(null))
                .RunAsync([.. args, "--filer", Filer], CancellationToken.None);

        Assert.Equal(ExitCodes.Success, await Run("submit", Samples.PostalGift));
        Assert.Contains("ASSESSED", output.Text);
        Assert.Contains("COMPLETE", output.Text); // the security assessment
        var submitted = Assert.Single((await assessing.ClientFor(Filer).ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = $"filers/{Filer}" })).Declarations);

        Assert.Equal(ExitCodes.Success, await Run("arrive", submitted.Name.Split('/')[^1], "--office", "NL000396", "--conveyance", "KL1234"));

        Assert.Contains("Arrived and released", output.Text);
        var released = (await assessing.ClientFor(Filer).GetDeclarationAsync(new GetDeclarationRequest { Name = submitted.Name })).Declaration;
        Assert.Equal(DeclarationStatus.Released, released.Status);
        Assert.Equal("KL1234", released.Clearance.ArrivalConveyanceReference);
        Assert.Equal(ExitCodes.Rejected, await Run("arrive", submitted.Name.Split('/')[^1]));
        Assert.Contains("GOODS_ARRIVED", output.Text);
    }

    [Fact]
    public async Task A_carrier_files_the_master_a_marketplace_the_house_and_the_arrival_releases_it()
    {
        using var assessing = new ExchangeNode(settings: ExchangeNode.AssessAtOnce);
        var output = new CapturedConsole();
        Task<int> Run(string filer, params string[] args) =>
            new ClientApp(output.Console, _ => assessing.CallInvokerFor(null)).RunAsync([.. args, "--filer", filer], CancellationToken.None);

        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-create", Samples.ConsignmentAirMaster, "--id", "mawb-176-12345675"));
        Assert.Contains("OPEN", output.Text);
        Assert.Equal(ExitCodes.Success, await Run("global-bazaar", "submit", Samples.ExpressSale));
        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-houses", "mawb-176-12345675"));
        Assert.Contains("1234567890", output.Text); // the house waybill
        Assert.DoesNotContain("Jan de Vries", output.Text); // nor its consignee

        Assert.Equal(ExitCodes.Success, await Run("swift-express", "consignment-arrive", "mawb-176-12345675", "--office", "NL000396"));

        Assert.Contains("Houses arrived: 1   released: 1", output.Text);
        var house = Assert.Single((await assessing.ClientFor("global-bazaar").ListDeclarationsAsync(
            new ListDeclarationsRequest { Parent = "filers/global-bazaar" })).Declarations);
        Assert.Equal(DeclarationStatus.Released, house.Status);
        Assert.Equal("filers/swift-express/consignments/mawb-176-12345675", house.MasterConsignment.Consignment);
        Assert.Equal(ExitCodes.Rejected, await Run("swift-express", "consignment-create", Samples.ExpressSale, "--id", "wrong-file"));
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.DataSets;

/// <summary>
/// Profiles enforced at submission and amendment, unary and bulk, on both stores: the ones the
/// administration requires for a channel (Exchange:Assessment:RequiredProfiles) and the ones a
/// filer names (Declaration.data_set_profiles). A declaration missing elements of its profiles is
/// refused with every missing or malformed element by field path, and nothing of it is stored.
/// </summary>
public sealed class ProfileEnforcementTests : IAsyncLifetime
{
    private const string Filer = "express-us";
    private readonly List<ExchangeNode> _nodes = [];
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.SkipReason is null)
        {
            _database = await PostgresTestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        _nodes.ForEach(n => n.Dispose());
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private DeclarationService.DeclarationServiceClient Client(string store, bool requireType86)
    {
        Skip.If(store == "Postgres" && PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        var settings = new Dictionary<string, string?>();
        if (store == "Postgres")
        {
            settings["Exchange:Store:Provider"] = "Postgres";
            settings["Exchange:Store:ConnectionString"] = _database!.ConnectionString;
        }
        if (requireType86)
        {
            settings["Exchange:Assessment:RequiredProfiles:EXPRESS:0"] = "US-ENTRY-TYPE-86";
        }
        var node = new ExchangeNode(settings: settings);
        _nodes.Add(node);
        return node.ClientFor(Filer);
    }

    /// <summary>An express sale to the US that the contract accepts but that lacks what Entry Type 86 asks: an entry number and 10-digit HTSUS numbers.</summary>
    private static Declaration SaleToTheUs(string localReference = "LRN-US-0001")
    {
        var sale = SampleDeclarations.ExpressMarketplaceSale(localReference);
        sale.Transport.DestinationCountryCode = "US";
        sale.IossNumber = "";
        return sale;
    }

    private static Declaration CompleteSaleToTheUs(string localReference = "LRN-US-0002")
    {
        var sale = SaleToTheUs(localReference);
        sale.UsEntry = new UnitedStatesEntry { EntryNumber = "ABC-1234567-8", PortOfEntry = "4701" };
        foreach (var item in sale.Items)
        {
            item.HsCode = item.HsCode.PadRight(10, '0');
        }
        return sale;
    }

    // The sample's first item has a 10-digit code already; its second has 6 digits.
    private static IReadOnlyList<string> Type86Gaps(Declaration sale) =>
        ["declaration.us_entry.entry_number", .. sale.Items.Select((item, i) => (item, i)).Where(x => x.item.HsCode.Length != 10).Select(x => $"declaration.items[{x.i}].hs_code")];

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task By_default_no_profile_is_enforced_beyond_the_contract(string store)
    {
        var client = Client(store, requireType86: false);

        var accepted = await client.SubmitAsync(Filer, SaleToTheUs());

        Assert.Equal(DeclarationStatus.Accepted, accepted.Status);
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_profile_the_filer_names_is_enforced_with_every_gap_by_field_path(string store)
    {
        var client = Client(store, requireType86: false);
        var sale = SaleToTheUs();
        sale.DataSetProfiles.Add("US-ENTRY-TYPE-86");

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(Filer, sale)).ResponseAsync);

        Assert.Equal(Type86Gaps(sale).Order(StringComparer.Ordinal), RpcErrors.ViolatedFields(status).Order(StringComparer.Ordinal));
        Assert.Contains("US-ENTRY-TYPE-86 2026.2", status.GetDetail<BadRequest>()!.FieldViolations[0].Description, StringComparison.Ordinal);
        Assert.Empty((await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" })).Declarations);

        var complete = CompleteSaleToTheUs();
        complete.DataSetProfiles.Add("US-ENTRY-TYPE-86");
        var accepted = await client.SubmitAsync(Filer, complete);
        Assert.Equal(["US-ENTRY-TYPE-86"], accepted.DataSetProfiles);
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_profile_the_node_does_not_know_is_refused_at_its_place_in_the_list(string store)
    {
        var client = Client(store, requireType86: false);
        var sale = CompleteSaleToTheUs();
        sale.DataSetProfiles.Add("US-ENTRY-TYPE-86");
        sale.DataSetProfiles.Add("US-ENTRY-TYPE-99");

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(Filer, sale)).ResponseAsync);

        Assert.Equal(["declaration.data_set_profiles[1]"], RpcErrors.ViolatedFields(status));
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_profile_the_administration_requires_is_enforced_on_unary_submission_and_amendment(string store)
    {
        var client = Client(store, requireType86: true);
        var sale = SaleToTheUs();

        Assert.Equal(2, Type86Gaps(sale).Count);
        var refused = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.SubmitDeclarationAsync(Requests.Submit(Filer, sale)).ResponseAsync);
        Assert.Equal(Type86Gaps(sale).Order(StringComparer.Ordinal), RpcErrors.ViolatedFields(refused).Order(StringComparer.Ordinal));

        // Not for a destination the profile does not apply to: an express sale to the EU is the contract's alone.
        Assert.Equal(DeclarationStatus.Accepted, (await client.SubmitAsync(Filer, SampleDeclarations.ExpressMarketplaceSale("LRN-EU-0001"))).Status);

        var accepted = await client.SubmitAsync(Filer, CompleteSaleToTheUs());
        var amended = accepted.Clone();
        amended.UsEntry = null;
        var amendment = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = accepted.Etag }).ResponseAsync);
        Assert.Equal(["declaration.us_entry.entry_number"], RpcErrors.ViolatedFields(amendment));
        Assert.Equal(accepted, (await client.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name })).Declaration);
    }

    [SkippableTheory]
    [InlineData("Sqlite")]
    [InlineData("Postgres")]
    public async Task A_profile_the_administration_requires_is_enforced_on_each_item_of_a_bulk_stream(string store)
    {
        var client = Client(store, requireType86: true);
        var items = new[] { CompleteSaleToTheUs("LRN-BULK-0"), SaleToTheUs("LRN-BULK-1"), CompleteSaleToTheUs("LRN-BULK-2") }
            .Select(d => new BulkSubmitDeclarationsRequest { Parent = $"filers/{Filer}", Declaration = d, RequestId = Guid.NewGuid().ToString() })
            .ToList();

        using var call = client.BulkSubmitDeclarations();
        foreach (var item in items)
        {
            await call.RequestStream.WriteAsync(item);
        }
        await call.RequestStream.CompleteAsync();
        var answers = new List<BulkSubmitDeclarationsResponse>();
        await foreach (var answer in call.ResponseStream.ReadAllAsync())
        {
            answers.Add(answer);
        }

        Assert.Equal([0L, 1L, 2L], answers.Select(a => a.Index).Order());
        var refused = answers.Single(a => a.Index == 1);
        Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Error, refused.ResultCase);
        Assert.Equal((int)StatusCode.InvalidArgument, refused.Error.Code);
        Assert.Equal(Type86Gaps(items[1].Declaration).Order(StringComparer.Ordinal),
            refused.Error.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.All(answers.Where(a => a.Index != 1), a => Assert.Equal(DeclarationStatus.Accepted, a.Declaration.Status));
        var stored = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Equal(["LRN-BULK-0", "LRN-BULK-2"], stored.Declarations.Select(d => d.LocalReferenceNumber).Order(StringComparer.Ordinal));
    }
}

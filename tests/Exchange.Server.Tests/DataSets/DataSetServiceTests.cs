using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.Server.Tests.DataSets;

/// <summary>DataSetService on a node: the profiles, a filed declaration's data set, and the check before filing.</summary>
public sealed class DataSetServiceTests : IDisposable
{
    private const string Filer = "post-cn";
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    private DataSetService.DataSetServiceClient Client() => new(_node.CallInvokerFor(Filer));

    [Fact]
    public async Task The_node_lists_its_profiles_in_pages_with_their_elements()
    {
        var first = await Client().ListDataSetProfilesAsync(new ListDataSetProfilesRequest { PageSize = 3 });
        var rest = await Client().ListDataSetProfilesAsync(new ListDataSetProfilesRequest { PageSize = 3, PageToken = first.NextPageToken });

        Assert.Equal(["EU-H7", "EU-ICS2-HOUSE-EXPRESS", "EU-ICS2-HOUSE-POSTAL", "UPU-CN23", "US-ENTRY-TYPE-86"],
            first.Profiles.Concat(rest.Profiles).Select(p => p.Id));
        Assert.Empty(rest.NextPageToken);
        var ics2 = first.Profiles.Single(p => p.Id == "EU-ICS2-HOUSE-POSTAL");
        Assert.Equal("2026.3", ics2.Version);
        Assert.Equal([Channel.Postal], ics2.Channels);
        Assert.Contains("DE", ics2.DestinationCountryCodes);
        Assert.Contains(ics2.Elements, e => e is { ElementId: "D026", FieldPath: "local_reference_number", Required: true });
        Assert.Contains(ics2.Elements, e => e is { ElementId: "242", FieldPath: "consignor.address.country_code", Format: "an ISO 3166-1 alpha-2 country code (ISO-3166-1-alpha-2)" });
        Assert.Contains(ics2.Elements, e => e is { ElementId: "117", FieldPath: "totals.transport_charges", Format: "with an ISO 4217 currency code (ISO-4217)" });
    }

    [Fact]
    public async Task A_filed_declaration_is_shown_as_a_profiles_data_set()
    {
        var declarations = _node.ClientFor(Filer);
        var filed = (await declarations.SubmitDeclarationAsync(Requests.Submit(Filer, SampleDeclarations.PostalGift()))).Declaration;

        var dataSet = (await Client().GetDeclarationDataSetAsync(new GetDeclarationDataSetRequest { Name = filed.Name, Profile = "UPU-CN23" })).DataSet;

        Assert.Equal(("UPU-CN23", "2026.3", true), (dataSet.Profile, dataSet.ProfileVersion, dataSet.Complete));
        Assert.Contains(dataSet.Values, v => v is { ElementId: "box 7", FieldPath: "items[0].hs_code", Value: "611710", Problem: "" });
        Assert.Contains(dataSet.Values, v => v is { ElementId: "box 10", FieldPath: "category", Value: "ITEM_CATEGORY_GIFT" });
    }

    [Fact]
    public async Task An_unknown_profile_is_invalid_argument_naming_the_field()
    {
        var declarations = _node.ClientFor(Filer);
        var filed = (await declarations.SubmitDeclarationAsync(Requests.Submit(Filer, SampleDeclarations.PostalGift()))).Declaration;

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", () =>
            Client().GetDeclarationDataSetAsync(new GetDeclarationDataSetRequest { Name = filed.Name, Profile = "EU-ICS3" }).ResponseAsync);

        Assert.Equal(["profile"], RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task The_check_before_filing_lists_every_problem_and_stores_nothing()
    {
        var sale = SampleDeclarations.ExpressMarketplaceSale();
        sale.Transport.DestinationCountryCode = "US";
        sale.IossNumber = "";
        sale.Items[0].Description = "";

        var answer = await Client().CheckDeclarationDataAsync(new CheckDeclarationDataRequest { Parent = $"filers/{Filer}", Declaration = sale });

        Assert.False(answer.Complete);
        Assert.Equal(["US-ENTRY-TYPE-86"], answer.DataSets.Select(d => d.Profile));
        var fields = answer.Violations.Select(v => v.Field).ToList();
        Assert.Contains("declaration.items[0].description", fields); // the contract's rule, and the profile's
        Assert.Contains("declaration.us_entry.entry_number", fields);
        Assert.Contains("declaration.items[1].hs_code", fields); // 6 digits where Type 86 needs 10
        var listed = await _node.ClientFor(Filer).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Empty(listed.Declarations);

        var complete = await Client().CheckDeclarationDataAsync(new CheckDeclarationDataRequest
        {
            Parent = $"filers/{Filer}", Declaration = SampleDeclarations.PostalGift(), Profiles = { "EU-ICS2-HOUSE-POSTAL" },
        });
        Assert.True(complete.Complete, string.Join("; ", complete.Violations.Select(v => $"{v.Field}: {v.Description}")));
    }

    [Fact]
    public async Task The_check_names_a_code_outside_the_elements_code_list_by_field_path()
    {
        var gift = SampleDeclarations.PostalGift();
        gift.Consignor.Address.CountryCode = "XK"; // user-assigned: the shape of a country code, in no list
        gift.Totals.TransportCharges.CurrencyCode = "BGN"; // withdrawn from ISO 4217 when Bulgaria took the euro
        gift.Items[0].Value.CurrencyCode = "BGN";
        gift.Totals.InvoiceTotal.CurrencyCode = "BGN";

        var answer = await Client().CheckDeclarationDataAsync(new CheckDeclarationDataRequest
        {
            Parent = $"filers/{Filer}", Declaration = gift, Profiles = { "EU-ICS2-HOUSE-POSTAL", "UPU-CN23" },
        });

        Assert.False(answer.Complete);
        var fromProfiles = answer.Violations.Where(v => v.Description.Contains("(ISO-", StringComparison.Ordinal)).Select(v => (v.Field, v.Description)).Order().ToList();
        Assert.Equal([
            ("declaration.consignor.address.country_code",
                "must be an ISO 3166-1 alpha-2 country code (ISO-3166-1-alpha-2); got \"XK\" (EU-ICS2-HOUSE-POSTAL 2026.3: 242 Consignor country)"),
            ("declaration.items[0].value", "must be money with an ISO 4217 currency code (ISO-4217); got \"BGN 25\" (UPU-CN23 2026.3: box 5 Value)"),
            ("declaration.totals.invoice_total", "must be money with an ISO 4217 currency code (ISO-4217); got \"BGN 25\" (UPU-CN23 2026.3: box 6 Total value)"),
            ("declaration.totals.transport_charges", "must be money with an ISO 4217 currency code (ISO-4217); got \"BGN 6.5\" (EU-ICS2-HOUSE-POSTAL 2026.3: 117 Freight cost (postal charges))"),
            ("declaration.totals.transport_charges", "must be money with an ISO 4217 currency code (ISO-4217); got \"BGN 6.5\" (UPU-CN23 2026.3: box 9 Postal charges/Fees)"),
        ], fromProfiles);
        var cn23 = answer.DataSets.Single(d => d.Profile == "UPU-CN23");
        Assert.False(cn23.Complete);
        Assert.Contains(cn23.Values, v => v is { ElementId: "box 9", FieldPath: "totals.transport_charges", Value: "BGN 6.5" } && v.Problem.StartsWith("must be money with an ISO 4217", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_check_covers_the_profiles_the_declaration_names_and_lists_an_unknown_one_among_its_problems()
    {
        var sale = SampleDeclarations.ExpressMarketplaceSale();
        sale.DataSetProfiles.Add(["US-ENTRY-TYPE-86", "XX-NONE"]);

        var answer = await Client().CheckDeclarationDataAsync(new CheckDeclarationDataRequest { Parent = $"filers/{Filer}", Declaration = sale });

        Assert.False(answer.Complete);
        Assert.Equal(["EU-H7", "EU-ICS2-HOUSE-EXPRESS", "US-ENTRY-TYPE-86"], answer.DataSets.Select(d => d.Profile).Order(StringComparer.Ordinal));
        var fields = answer.Violations.Select(v => v.Field).ToList();
        Assert.Contains("declaration.data_set_profiles[1]", fields);
        Assert.Contains("declaration.us_entry.entry_number", fields); // what submission would refuse it for
    }
}

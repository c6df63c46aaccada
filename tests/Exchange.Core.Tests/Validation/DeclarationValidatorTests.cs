using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Validation;

public class DeclarationValidatorTests
{
    [Fact]
    public void The_postal_gift_sample_is_valid() => ValidationAssert.IsValid(SampleDeclarations.PostalGift());

    [Fact]
    public void The_express_marketplace_sale_sample_is_valid() => ValidationAssert.IsValid(SampleDeclarations.ExpressMarketplaceSale());

    [Fact]
    public void A_null_declaration_is_reported_at_the_given_path()
    {
        var violation = Assert.Single(DeclarationValidator.Validate(null, "request.declaration"));
        Assert.Equal(new FieldViolation("request.declaration", "is required"), violation);
    }

    [Fact]
    public void An_empty_declaration_reports_each_missing_required_field_once_without_descending() =>
        ValidationAssert.ReportsExactly(new Declaration(),
            "declaration.local_reference_number",
            "declaration.channel",
            "declaration.category",
            "declaration.nature_of_cargo",
            "declaration.transport_document",
            "declaration.consignor",
            "declaration.consignee",
            "declaration.declarant",
            "declaration.items",
            "declaration.totals",
            "declaration.transport");

    [Fact]
    public void Paths_start_with_the_given_prefix()
    {
        var declaration = Samples.Express(d => d.Items[1].HsCode = "12");
        var violation = Assert.Single(DeclarationValidator.Validate(declaration, "requests[3].declaration"));
        Assert.Equal("requests[3].declaration.items[1].hs_code", violation.Field);
    }

    [Fact]
    public void Output_only_fields_are_ignored()
    {
        var declaration = Samples.Postal(d =>
        {
            d.Name = "not a resource name";
            d.CustomsReference = "?";
            d.Status = (DeclarationStatus)77;
            d.Revision = -5;
            d.Etag = "\u0000";
            d.CreateTime = new Timestamp { Seconds = long.MaxValue, Nanos = -1 };
            d.UpdateTime = new Timestamp { Seconds = long.MinValue, Nanos = int.MaxValue };
        });
        ValidationAssert.IsValid(declaration);
    }

    [Fact]
    public void A_declaration_broken_in_many_ways_reports_every_violation()
    {
        var declaration = Samples.Express(d =>
        {
            d.LocalReferenceNumber = "LRN with spaces";
            d.Channel = (Channel)99;
            d.Consignee = null;
            d.Seller = null;
            d.Marketplace.Website = "globalbazaar.example";
            d.Declarant.Party.Eori = "XX123";
            d.Items[0].HsCode = "";
            d.Items[1].Value.Nanos = 2_000_000_000;
            d.Items[1].Quantity.UnitCode = "pcs";
            d.Totals.GrossWeightKg = SampleDeclarations.Dec("0.1");
            d.Transport.RoutingCountryCodes.Add("XK");
            d.IossNumber = "IM123";
            d.Remarks = "bell\u0007";
        });

        var violations = ValidationAssert.ReportsExactly(declaration,
            "declaration.local_reference_number",
            "declaration.channel",
            "declaration.consignee",
            "declaration.seller",
            "declaration.marketplace.website",
            "declaration.declarant.party.eori",
            "declaration.items[0].hs_code",
            "declaration.items[1].value.nanos",
            "declaration.items[1].quantity.unit_code",
            "declaration.totals.gross_weight_kg",
            "declaration.transport.routing_country_codes[2]",
            "declaration.ioss_number",
            "declaration.remarks");
        Assert.All(violations, v => Assert.False(string.IsNullOrWhiteSpace(v.Description)));
    }

    [Fact]
    public void The_result_is_a_snapshot_the_caller_cannot_use_to_change_the_next_result()
    {
        var declaration = Samples.Postal(d => d.LocalReferenceNumber = "");
        var first = DeclarationValidator.Validate(declaration);
        var second = DeclarationValidator.Validate(declaration);
        Assert.Equal(first, second);
        Assert.NotSame(first, second);
    }
}

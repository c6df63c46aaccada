using Exchange.Testing.Hosting;
using Exchange.Client.Tests.Support;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;
using Exchange.Testing;

namespace Exchange.Client.Tests;

/// <summary>The sample files vendors start from say exactly what the shared fixtures say.</summary>
public sealed class SampleFileTests
{
    [Fact]
    public void Postal_gift_sample_equals_the_fixture()
    {
        Assert.Equal(SampleDeclarations.PostalGift(), DeclarationFiles.ReadFile(Samples.PostalGift));
    }

    [Fact]
    public void Express_marketplace_sample_equals_the_fixture()
    {
        Assert.Equal(SampleDeclarations.ExpressMarketplaceSale(), DeclarationFiles.ReadFile(Samples.ExpressSale));
    }

    [Fact]
    public void Invalid_sample_parses_and_breaks_each_documented_rule()
    {
        var declaration = DeclarationFiles.ReadFile(Samples.Invalid);

        // One assertion per deliberate error listed in samples/README.md.
        Assert.Equal(Channel.Postal, declaration.Channel);
        Assert.Equal("RB123456784CN", declaration.TransportDocument.ItemIdentifier); // check digit should be 5
        Assert.Equal("6117", declaration.Items[0].HsCode);
        Assert.Equal("XX", declaration.Items[1].OriginCountryCode);
        Assert.True(declaration.Items[1].Value.Units < 0);
        Assert.Equal("IM12345", declaration.IossNumber);
        Assert.Null(declaration.Consignee);
        var itemSum = declaration.Items.Sum(i => i.Value.Units);
        Assert.NotEqual(itemSum, declaration.Totals.InvoiceTotal.Units);
    }

    [Fact]
    public void The_validator_names_exactly_the_errors_documented_for_the_invalid_sample()
    {
        // The table of samples/README.md: one violation per deliberate error, and nothing else.
        var documented = SampleFiles.InvalidSampleViolations;

        var violations = DeclarationValidator.Validate(DeclarationFiles.ReadFile(Samples.Invalid));

        Assert.Equal(documented.Order(StringComparer.Ordinal), violations.Select(v => v.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_validator_refuses_exactly_the_documented_bulk_lines()
    {
        var refused = DeclarationFiles.ReadMany(Samples.BulkMixed)
            .Select(item => (item.Source, Fields: DeclarationValidator.Validate(item.Declaration).Select(v => v.Field).ToArray()))
            .Where(result => result.Fields.Length > 0)
            .ToArray();

        Assert.Equal(
            [
                ("bulk-mixed.jsonl line 6", "declaration.transport_document.item_identifier"),
                ("bulk-mixed.jsonl line 14", "declaration.items[0].hs_code"),
                ("bulk-mixed.jsonl line 20", "declaration.totals.invoice_total"),
            ],
            refused.Select(r => (r.Source, Assert.Single(r.Fields))));
        Assert.Empty(DeclarationValidator.Validate(DeclarationFiles.ReadFile(Samples.PostalGift)));
        Assert.Empty(DeclarationValidator.Validate(DeclarationFiles.ReadFile(Samples.ExpressSale)));
    }

    [Fact]
    public void Bulk_sample_parses_into_twenty_distinct_declarations()
    {
        var items = DeclarationFiles.ReadMany(Samples.BulkMixed);

        Assert.Equal(20, items.Count);
        Assert.Equal(20, items.Select(i => i.Declaration.LocalReferenceNumber).Distinct().Count());
        Assert.Equal(20, items.Select(i => i.RequestId).Distinct().Count());
        // The deliberately invalid lines named in samples/README.md.
        Assert.Equal(
            ["bulk-mixed.jsonl line 6", "bulk-mixed.jsonl line 14", "bulk-mixed.jsonl line 20"],
            items.Where(i => i.Declaration.LocalReferenceNumber.StartsWith("LRN-BULK-X", StringComparison.Ordinal)).Select(i => i.Source));
    }

    [Fact]
    public void An_unknown_field_is_reported_with_the_file_name()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("typo.json", """{ "localReferenceNumber": "LRN-1", "items": [ { "hsCod": "611710" } ] }""");

        var error = Assert.Throws<InputFileException>(() => DeclarationFiles.ReadFile(path));

        Assert.Contains(path, error.Message);
        Assert.Contains("hsCod", error.Message);
    }

    [Fact]
    public void Every_unreadable_line_of_a_bulk_file_is_reported_at_once()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("two-bad.jsonl", """
            { "localReferenceNumber": "LRN-1" }
            { "localReferenceNumber": 
            
            { "lrn": "LRN-3" }
            """);

        var error = Assert.Throws<InputFileException>(() => DeclarationFiles.ReadMany(path));

        Assert.Equal(2, error.Problems.Count);
        Assert.StartsWith("two-bad.jsonl line 2:", error.Problems[0]);
        Assert.StartsWith("two-bad.jsonl line 4:", error.Problems[1]);
    }

    [Fact]
    public void A_directory_is_read_file_by_file_in_name_order()
    {
        using var dir = new TempDirectory();
        dir.Write("b.json", """{ "localReferenceNumber": "LRN-B" }""");
        dir.Write("a.json", """{ "localReferenceNumber": "LRN-A" }""");
        dir.Write("notes.txt", "not a declaration");

        var items = DeclarationFiles.ReadMany(dir.Path);

        Assert.Equal(["a.json", "b.json"], items.Select(i => i.Source));
        Assert.Equal(["LRN-A", "LRN-B"], items.Select(i => i.Declaration.LocalReferenceNumber));
    }

    [Fact]
    public void Derived_request_ids_depend_on_content_only()
    {
        var compact = DeclarationFiles.Parse("""{"localReferenceNumber":"LRN-1","channel":"CHANNEL_POSTAL"}""", "a");
        var spaced = DeclarationFiles.Parse("""{ "channel": "CHANNEL_POSTAL",  "localReferenceNumber": "LRN-1" }""", "b");
        var other = DeclarationFiles.Parse("""{"localReferenceNumber":"LRN-2","channel":"CHANNEL_POSTAL"}""", "c");

        var id = DeclarationFiles.DerivedRequestId(compact);

        Assert.Equal(id, DeclarationFiles.DerivedRequestId(spaced));
        Assert.NotEqual(id, DeclarationFiles.DerivedRequestId(other));
        Assert.True(Guid.TryParse(id, out _));
        Assert.Equal('8', id[14]); // RFC 9562 version 8 (name-based, SHA-256)
        Assert.Contains(id[19], "89ab"); // RFC 9562 variant
    }
}

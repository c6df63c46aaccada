using Exchange.ContractDocs;
using Google.Protobuf.Reflection;

namespace Exchange.Contract.Tests;

public class ReferenceGeneratorTests
{
    private static readonly string Reference = ReferenceGenerator.Generate(SampleImage.Build());

    [Fact]
    public void Field_behavior_is_read_from_the_field_options_packed_or_not()
    {
        Assert.Contains("`local_reference_number` | 1 | `string` |  | `REQUIRED` |", Reference);
        Assert.Contains("`name` | 2 | `string` |  | `IDENTIFIER`, `OUTPUT_ONLY` |", Reference);
        Assert.Contains("`status` | 3 | [`ParcelStatus`](#exchange.sample.v1.ParcelStatus) |  | `OPTIONAL` |", Reference);
        Assert.Contains("`tags` | 5 | `string` | repeated |  |", Reference);
    }

    [Fact]
    public void Comments_are_rendered_as_paragraphs()
    {
        Assert.Contains("One parcel. Still the first paragraph.\n\nA second paragraph.\n", Reference);
        Assert.Contains("A sample contract.", Reference);
        Assert.Contains("(unary)\n\nHTTP/JSON: none (gRPC only).\n\nReturns one parcel.\n", Reference);
        Assert.Contains("Released (EDIFACT 7365 code 4 \"Goods released\"). |", Reference);
        Assert.Contains("The filer's Local Reference Number. |", Reference);
    }

    [Fact]
    public void Pipes_in_comments_are_escaped_in_tables()
    {
        Assert.Contains(@"| Either `a\|b` or c \| d. |", Reference);
    }

    [Fact]
    public void Services_list_every_rpc_with_request_response_and_streaming()
    {
        Assert.Contains("| [`GetParcel`](#exchange.sample.v1.ParcelService.GetParcel) | [`GetParcelRequest`](#exchange.sample.v1.GetParcelRequest) | [`Parcel`](#exchange.sample.v1.Parcel) |", Reference);
        Assert.Contains("[`GetParcelRequest`](#exchange.sample.v1.GetParcelRequest) → stream [`Parcel`](#exchange.sample.v1.Parcel) (server streaming)", Reference);
    }

    [Fact]
    public void Only_exchange_packages_are_documented_and_other_types_are_not_linked()
    {
        Assert.Contains("Package `exchange.sample.v1`", Reference);
        Assert.DoesNotContain("Package `google.", Reference);
        Assert.Contains("`value` | 4 | `google.type.Money` |", Reference);
    }

    [Fact]
    public void Mapping_section_lists_each_claim_of_the_mapping_options_under_its_standard_with_its_source()
    {
        var mapping = Reference[Reference.IndexOf("\n## <a id=\"mapping-to-source-standards\"></a>", StringComparison.Ordinal)..];
        var wcoDm = Section(mapping, "WCO Data Model");
        Assert.Contains("- HTI IE tables v2.02: WCO DM ids as the ICS2 harmonised trader interface IE tables v2.02", wcoDm);
        Assert.Contains("| [`Parcel.local_reference_number`](#exchange.sample.v1.Parcel.local_reference_number) | field | D026 | LRN |  | an..22 |", wcoDm);
        Assert.Contains("| [`ParcelStatus.PARCEL_STATUS_RELEASED`](#exchange.sample.v1.ParcelStatus.PARCEL_STATUS_RELEASED) | enum value | 7365 | Processing indicator | 4 | Goods released |",
            Section(mapping, "UN/EDIFACT"));
        Assert.DoesNotContain("CN22", mapping);
    }

    [Fact]
    public void Mapping_table_has_one_row_per_claim_with_its_fully_qualified_element_and_source()
    {
        var table = ReferenceGenerator.GenerateMappingTable(SampleImage.Build()).Split('\n');
        Assert.Equal("proto_element,standard,edition,element_id,element_name,notes", table[0]);
        Assert.Equal(
            "exchange.sample.v1.Parcel.local_reference_number,WCO Data Model,HTI IE tables v2.02,D026,LRN,\"an..22; source: WCO DM ids as the ICS2 harmonised trader interface IE tables v2.02 (DG TAXUD, 2022-05-04) give them; 126 and 144 as ../shared/reference/standards-review.md read them there\"",
            table[1]);
        const string Released = "exchange.sample.v1.ParcelStatus.PARCEL_STATUS_RELEASED,UN/EDIFACT,D.96A,7365,Processing indicator,code 4; Goods released; source: UNTDID D.96A";
        Assert.Equal(Released, table[2][..Math.Min(Released.Length, table[2].Length)]);
        Assert.Equal(["", ], table[3..]);
    }

    [Fact]
    public void A_claim_citing_an_edition_without_a_source_stops_the_generator()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReferenceGenerator.Generate(SampleImage.Build(edition: "3.11")));
        Assert.Contains("exchange.sample.v1.Parcel.local_reference_number", error.Message);
        Assert.Contains("\"3.11\", which has no source", error.Message);
    }

    [Fact]
    public void Output_is_deterministic_whatever_the_file_order()
    {
        var image = SampleImage.Build();
        var reversed = new FileDescriptorSet { File = { image.File.Reverse() } };
        Assert.Equal(Reference, ReferenceGenerator.Generate(reversed));
        Assert.EndsWith("|\n", Reference);
        Assert.DoesNotContain("\r", Reference);
    }

    /// <summary>The section whose level-3 heading starts with <paramref name="title"/>, up to the next one.</summary>
    private static string Section(string markdown, string title)
    {
        var start = markdown.IndexOf("></a>" + title, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{title}' in:\n{markdown}");
        var end = markdown.IndexOf("\n### ", start, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;
using Exchange.Core.Profiles;
using Exchange.Testing;
using static Exchange.Testing.SampleDeclarations;

namespace Exchange.Core.Tests.Profiles;

public class DataSetProfilesTests
{
    private static readonly DataSetProfiles BuiltIn = DataSetProfiles.BuiltIn;

    [Fact]
    public void The_built_in_profiles_are_the_five_data_sets_each_with_a_version_and_a_source()
    {
        Assert.Equal(["EU-H7", "EU-ICS2-HOUSE-EXPRESS", "EU-ICS2-HOUSE-POSTAL", "UPU-CN23", "US-ENTRY-TYPE-86"], BuiltIn.All.Select(p => p.Id));
        Assert.All(BuiltIn.All, p => Assert.False(string.IsNullOrWhiteSpace(p.Version + p.Source)));
    }

    [Fact]
    public void A_declaration_gets_the_profiles_of_its_destination_and_channel()
    {
        Assert.Equal(["EU-H7", "EU-ICS2-HOUSE-POSTAL", "UPU-CN23"], BuiltIn.For(PostalGift()).Select(p => p.Id));
        Assert.Equal(["EU-H7", "EU-ICS2-HOUSE-EXPRESS"], BuiltIn.For(ExpressMarketplaceSale()).Select(p => p.Id));
        var toTheUs = ExpressMarketplaceSale();
        toTheUs.Transport.DestinationCountryCode = "US";
        Assert.Equal(["US-ENTRY-TYPE-86"], BuiltIn.For(toTheUs).Select(p => p.Id));
    }

    [Fact]
    public void The_data_set_shows_each_element_with_its_value_and_where_it_came_from()
    {
        var dataSet = DataSets.Of(BuiltIn.Find("EU-ICS2-HOUSE-POSTAL")!, PostalGift());

        Assert.True(dataSet.Complete, string.Join("; ", dataSet.Violations("declaration").Select(v => $"{v.Field}: {v.Description}")));
        var lrn = Assert.Single(dataSet.Entries, e => e.Element.ElementId == "D026");
        Assert.Equal(("local_reference_number", "LRN-GIFT-0001"), (lrn.Path, lrn.Value));
        var code = Assert.Single(dataSet.Entries, e => e.Element.ElementName == "Commodity code");
        Assert.Equal(("items[0].hs_code", "611710"), (code.Path, code.Value));
        Assert.Contains(dataSet.Entries, e => e.Path == "totals.gross_weight_kg" && e.Value is not null);
        Assert.Contains(dataSet.Entries, e => e.Path == "items[0].gross_weight_kg" && e.Value is null && e.Problem is null);
    }

    [Fact]
    public void A_missing_required_element_and_a_value_of_the_wrong_form_are_violations_by_field_path()
    {
        var sale = ExpressMarketplaceSale();
        sale.Transport.DestinationCountryCode = "US";
        sale.Items[1].HsCode = "39269099";

        var violations = DataSets.Of(BuiltIn.Find("US-ENTRY-TYPE-86")!, sale).Violations("declaration").ToList();

        Assert.Equal(["declaration.items[1].hs_code", "declaration.us_entry.entry_number"], violations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Contains("must be 10 digits (HTSUS); got \"39269099\"", violations[0].Description + violations[1].Description);
        Assert.Contains("is required by this data set (US-ENTRY-TYPE-86 2026.1: Entry number)", violations.Single(v => v.Field.EndsWith("entry_number", StringComparison.Ordinal)).Description);
    }

    [Fact]
    public void A_profile_file_with_problems_is_refused_with_every_problem_named()
    {
        const string Json = """
            {
              "id": "XX-TEST", "version": "1", "title": "Test", "standard": "Test", "source": "here",
              "applies_to": { "destinations": ["EU", "QQ"], "channels": ["POSTAL", "PIGEON"] },
              "elements": [
                { "element_name": "A", "path": "items.hs_code", "required": true },
                { "element_name": "B", "path": "consignee.nickname", "required": false },
                { "element_name": "C", "path": "local_reference_number", "required": true, "pattern": "([" },
                { "element_name": "D", "path": "local_reference_number", "required": true, "wieght": 1 }
              ]
            }
            """;
        using var directory = new ScratchDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "xx.json"), Json);

        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));

        Assert.Collection(error.Problems,
            p => Assert.StartsWith("xx.json $.applies_to.destinations[1]: must be an ISO 3166-1 alpha-2 code", p),
            p => Assert.StartsWith("xx.json $.applies_to.channels[1]: must be POSTAL, EXPRESS or CARGO", p),
            p => Assert.Equal("xx.json $.elements[0].path: Declaration.items is repeated: write items[] to take each of its entries", p),
            p => Assert.Equal("xx.json $.elements[1].path: Party has no field \"nickname\"", p),
            p => Assert.StartsWith("xx.json $.elements[2].pattern: is not a regular expression", p),
            p => Assert.StartsWith("xx.json $.elements[3].wieght", p));
    }

    [Fact]
    public void A_directory_file_adds_a_profile_or_replaces_a_built_in_one_and_two_files_may_not_define_one_id()
    {
        using var directory = new ScratchDirectory();
        const string Profile = """
            { "id": "%ID%", "version": "2", "title": "T", "standard": "S", "source": "here",
              "applies_to": { "destinations": ["CH"], "channels": ["POSTAL"] },
              "elements": [ { "element_name": "LRN", "path": "local_reference_number", "required": true } ] }
            """;
        File.WriteAllText(Path.Combine(directory.Path, "a.json"), Profile.Replace("%ID%", "CH-POSTAL", StringComparison.Ordinal));
        File.WriteAllText(Path.Combine(directory.Path, "b.json"), Profile.Replace("%ID%", "UPU-CN23", StringComparison.Ordinal));

        var loaded = DataSetProfiles.Load(directory.Path);
        Assert.Equal("2", loaded.Find("UPU-CN23")!.Version);
        Assert.NotNull(loaded.Find("CH-POSTAL"));
        Assert.Equal(6, loaded.All.Count);

        File.WriteAllText(Path.Combine(directory.Path, "c.json"), Profile.Replace("%ID%", "CH-POSTAL", StringComparison.Ordinal));
        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));
        Assert.Equal(["c.json $.id: profile CH-POSTAL is also defined by a.json; give each profile one file"], error.Problems);
    }

    /// <summary>A directory of profile files for one test, removed afterwards.</summary>
    private sealed class ScratchDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("exchange-profiles-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

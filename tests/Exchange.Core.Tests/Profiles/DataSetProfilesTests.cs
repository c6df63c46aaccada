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
        Assert.Contains("is required by this data set (US-ENTRY-TYPE-86 2026.2: Entry number)", violations.Single(v => v.Field.EndsWith("entry_number", StringComparison.Ordinal)).Description);
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
    public void A_code_outside_the_elements_code_list_is_a_violation_by_field_path()
    {
        var sale = ExpressMarketplaceSale();
        sale.Transport.DestinationCountryCode = "US";
        sale.UsEntry = new() { EntryNumber = "ABC-1234567-8" };
        sale.Items[1].HsCode = "3926909985";
        sale.Items[0].OriginCountryCode = "XK"; // user-assigned: the shape of a country code, in no list
        sale.Items[1].Value.CurrencyCode = "BGN"; // withdrawn from ISO 4217 when Bulgaria took the euro

        var violations = DataSets.Of(BuiltIn.Find("US-ENTRY-TYPE-86")!, sale).Violations("declaration").ToList();

        Assert.Equal([
            ("declaration.items[0].origin_country_code",
                "must be an ISO 3166-1 alpha-2 country code (ISO-3166-1-alpha-2); got \"XK\" (US-ENTRY-TYPE-86 2026.2: Country of origin)"),
            ("declaration.items[1].value",
                "must be money with an ISO 4217 currency code (ISO-4217); got \"BGN 7.5\" (US-ENTRY-TYPE-86 2026.2: Value)"),
        ], violations.Select(v => (v.Field, v.Description)).Order());
        sale.DataSetProfiles.Add("US-ENTRY-TYPE-86"); // at submission: the same rule, the same violations
        Assert.Equal(violations.Select(v => (v.Field, v.Description)).Order(),
            ProfileEnforcement.OnRequest(BuiltIn).Check(sale, "declaration").Select(v => (v.Field, v.Description)).Order());

        sale.Items[0].OriginCountryCode = "VN";
        sale.Items[1].Value.CurrencyCode = "USD";
        Assert.True(DataSets.Of(BuiltIn.Find("US-ENTRY-TYPE-86")!, sale).Complete);
    }

    [Fact]
    public void A_profile_file_with_an_unknown_code_list_or_one_its_field_cannot_take_is_refused_with_every_problem_named()
    {
        const string Json = """
            {
              "id": "XX-CODES", "version": "1", "title": "Test", "standard": "Test", "source": "here",
              "applies_to": { "destinations": ["CH"], "channels": ["POSTAL"] },
              "elements": [
                { "element_name": "Origin", "path": "items[].origin_country_code", "required": true, "code_list": "ISO-3166" },
                { "element_name": "Value", "path": "items[].value", "required": true, "code_list": "ISO-3166-1-alpha-2" },
                { "element_name": "Weight", "path": "items[].net_weight_kg", "required": true, "code_list": "ISO-4217" },
                { "element_name": "Charges", "path": "totals.transport_charges", "required": false, "code_list": "ISO-4217" },
                { "element_name": "Destination", "path": "transport.destination_country_code", "required": true, "code_list": "ISO-3166-1-alpha-2" }
              ]
            }
            """;
        using var directory = new ScratchDirectory();
        File.WriteAllText(Path.Combine(directory.Path, "codes.json"), Json);

        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));

        Assert.Equal([
            "codes.json $.elements[0].code_list: no code list \"ISO-3166\" for element \"Origin\"; known: ISO-3166-1-alpha-2, ISO-4217",
            "codes.json $.elements[1].code_list: ISO-3166-1-alpha-2 for element \"Value\" is not a list of currencies, and \"items[].value\" is money, whose code is its currency",
            "codes.json $.elements[2].code_list: ISO-4217 for element \"Weight\" cannot apply to \"items[].net_weight_kg\": a code list applies to text or to a money value's currency",
        ], error.Problems);

        File.WriteAllText(Path.Combine(directory.Path, "codes.json"), Json
            .Replace("\"ISO-3166\"", "\"ISO-3166-1-alpha-2\"", StringComparison.Ordinal)
            .Replace("\"items[].value\", \"required\": true, \"code_list\": \"ISO-3166-1-alpha-2\"", "\"items[].value\", \"required\": true, \"code_list\": \"ISO-4217\"", StringComparison.Ordinal)
            .Replace("\"items[].net_weight_kg\", \"required\": true, \"code_list\": \"ISO-4217\"", "\"items[].net_weight_kg\", \"required\": true", StringComparison.Ordinal));
        var profile = DataSetProfiles.Load(directory.Path).Find("XX-CODES")!;
        Assert.Equal(["ISO-3166-1-alpha-2", "ISO-4217", null, "ISO-4217", "ISO-3166-1-alpha-2"], profile.Elements.Select(e => e.CodeList?.Name));
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

    [Fact]
    public void The_built_in_profiles_do_not_contradict_each_other()
    {
        using var directory = new ScratchDirectory();

        Assert.Equal(BuiltIn.All.Select(p => p.Id), DataSetProfiles.Load(directory.Path).All.Select(p => p.Id));
    }

    [Fact]
    public void A_file_giving_a_built_in_profile_other_content_under_the_same_version_contradicts_it()
    {
        using var directory = new ScratchDirectory();
        var copy = ReadBuiltIn("upu-cn23.json");
        File.WriteAllText(Path.Combine(directory.Path, "same.json"), copy);
        var version = BuiltIn.Find("UPU-CN23")!.Version;
        Assert.Equal(version, DataSetProfiles.Load(directory.Path).Find("UPU-CN23")!.Version); // the same content: fine

        File.WriteAllText(Path.Combine(directory.Path, "same.json"), copy.Replace("\"required\": false", "\"required\": true", StringComparison.Ordinal));
        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));
        Assert.Equal([$"same.json $.version: profile UPU-CN23 {version} contradicts the built-in UPU-CN23 {version}, which has other content under the same version; "
            + "a version names one content, so give yours a version of its own"], error.Problems);

        File.WriteAllText(Path.Combine(directory.Path, "same.json"), copy.Replace("\"required\": false", "\"required\": true", StringComparison.Ordinal)
            .Replace($"\"{version}\"", $"\"{version}-NL\"", StringComparison.Ordinal));
        Assert.Equal($"{version}-NL", DataSetProfiles.Load(directory.Path).Find("UPU-CN23")!.Version);
    }

    [Fact]
    public void Two_profiles_of_one_standard_for_the_same_declarations_contradict_each_other_when_they_carry_an_element_differently()
    {
        using var directory = new ScratchDirectory();
        const string Own = """
            { "id": "NL-ICS2", "version": "1", "title": "T", "standard": "EU ICS2", "source": "here",
              "applies_to": { "destinations": ["%TO%"], "channels": ["POSTAL"] },
              "elements": [ { "element_id": "D026", "element_name": "LRN", "path": "local_reference_number", "required": true, "pattern": "^[A-Z]+$" } ] }
            """;
        File.WriteAllText(Path.Combine(directory.Path, "nl.json"), Own.Replace("%TO%", "NL", StringComparison.Ordinal));

        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));

        Assert.Equal(["nl.json $.elements: profiles EU-ICS2-HOUSE-POSTAL and NL-ICS2 (both EU ICS2, both applying to NL POSTAL) contradict each other on element D026: "
            + "EU-ICS2-HOUSE-POSTAL has local_reference_number, NL-ICS2 has local_reference_number matching ^[A-Z]+$"], error.Problems);

        // Not for declarations the built-in one never sees.
        File.WriteAllText(Path.Combine(directory.Path, "nl.json"), Own.Replace("%TO%", "CH", StringComparison.Ordinal));
        Assert.NotNull(DataSetProfiles.Load(directory.Path).Find("NL-ICS2"));
    }

    [Fact]
    public void Two_profiles_of_one_standard_contradict_each_other_when_one_takes_an_element_from_a_code_list_and_the_other_does_not()
    {
        using var directory = new ScratchDirectory();
        const string Own = """
            { "id": "NL-ICS2", "version": "1", "title": "T", "standard": "EU ICS2", "source": "here",
              "applies_to": { "destinations": ["NL"], "channels": ["POSTAL"] },
              "elements": [
                { "element_id": "242", "element_name": "Consignor country", "path": "consignor.address.country_code", "required": true%CODES% },
                { "element_id": "242", "element_name": "Consignee country", "path": "consignee.address.country_code", "required": true%CODES% } ] }
            """;
        File.WriteAllText(Path.Combine(directory.Path, "nl.json"), Own.Replace("%CODES%", "", StringComparison.Ordinal));

        var error = Assert.Throws<ConfigurationFileException>(() => DataSetProfiles.Load(directory.Path));

        Assert.Equal(["nl.json $.elements: profiles EU-ICS2-HOUSE-POSTAL and NL-ICS2 (both EU ICS2, both applying to NL POSTAL) contradict each other on element 242: "
            + "EU-ICS2-HOUSE-POSTAL has consignee.address.country_code from ISO-3166-1-alpha-2 and consignor.address.country_code from ISO-3166-1-alpha-2, "
            + "NL-ICS2 has consignee.address.country_code and consignor.address.country_code"], error.Problems);

        File.WriteAllText(Path.Combine(directory.Path, "nl.json"), Own.Replace("%CODES%", ", \"code_list\": \"ISO-3166-1-alpha-2\"", StringComparison.Ordinal));
        Assert.NotNull(DataSetProfiles.Load(directory.Path).Find("NL-ICS2"));
    }

    [Fact]
    public void Required_profiles_are_refused_for_an_unknown_channel_an_unknown_id_and_a_channel_the_profile_does_not_serve()
    {
        var problems = new List<string>();
        var required = new Dictionary<string, IReadOnlyList<string>>
        {
            ["POSTAL"] = ["UPU-CN23", "UPU-CN23"],
            ["EXPRESS"] = ["UPU-CN23", "EU-ICS3"],
            ["PIGEON"] = ["EU-H7"],
        };

        Assert.Null(ProfileEnforcement.Configure(BuiltIn, required, "R", problems));

        Assert.Equal([
            "R:EXPRESS:0: profile UPU-CN23 applies to POSTAL, not EXPRESS; list it under a channel it applies to",
            "R:EXPRESS:1: no profile \"EU-ICS3\" (known: EU-H7, EU-ICS2-HOUSE-EXPRESS, EU-ICS2-HOUSE-POSTAL, UPU-CN23, US-ENTRY-TYPE-86)",
            "R:PIGEON: not a channel; use POSTAL, EXPRESS or CARGO",
            "R:POSTAL:1: lists UPU-CN23 twice",
        ], problems);
        Assert.Equal(["UPU-CN23"], ProfileEnforcement.Configure(BuiltIn, new Dictionary<string, IReadOnlyList<string>> { ["postal"] = ["UPU-CN23"] }, "R", problems)!
            .RequiredFor(Channel.Postal).Select(p => p.Id));
    }

    [Fact]
    public void A_required_profile_holds_only_declarations_of_its_destination_and_a_named_one_holds_any()
    {
        var enforcement = ProfileEnforcement.Configure(BuiltIn, new Dictionary<string, IReadOnlyList<string>> { ["EXPRESS"] = ["US-ENTRY-TYPE-86"] }, "R", [])!;

        Assert.Empty(enforcement.Check(ExpressMarketplaceSale(), "declaration")); // to the EU
        var named = ExpressMarketplaceSale();
        named.DataSetProfiles.Add("US-ENTRY-TYPE-86");
        Assert.Contains(enforcement.Check(named, "declaration"), v => v.Field == "declaration.us_entry.entry_number");
    }

    private static string ReadBuiltIn(string name)
    {
        using var stream = typeof(DataSetProfiles).Assembly.GetManifestResourceStream("Exchange.Core.Profiles." + name)!;
        return new StreamReader(stream).ReadToEnd();
    }

    /// <summary>A directory of profile files for one test, removed afterwards.</summary>
    private sealed class ScratchDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("exchange-profiles-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}

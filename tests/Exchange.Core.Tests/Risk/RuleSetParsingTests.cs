using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;
using Exchange.Core.Risk;
using static Exchange.Core.Tests.Risk.RiskFixtures;

namespace Exchange.Core.Tests.Risk;

public sealed class RuleSetParsingTests
{
    [Fact]
    public void The_embedded_default_rule_set_parses_with_every_rule_kind()
    {
        var rules = RuleSet.Default;

        Assert.Equal("exchange-default-2026.1", rules.Version);
        Assert.Equal(40, rules.HoldThreshold);
        Assert.Null(rules.RejectThreshold);
        Assert.Equal(
            ["prohibited-goods", "watch-list", "undervaluation", "vague-description", "missing-data", "split-shipment",
             "origin-of-concern", "routing-via-country-of-concern", "known-shipper"],
            rules.Rules.Select(r => r.Id));
        Assert.Equal(Enum.GetValues<Contracts.Enforcement.V1.RuleKind>().Skip(1).Order(), rules.Rules.Select(r => r.Kind).Distinct().Order());

        var engine = DefaultEngine;
        Assert.Equal(TimeSpan.FromHours(72), engine.SplitShipmentWindow);
        Assert.Equal("XRY", engine.RecommendedScreeningMethod);
        Assert.All([ReferralType.RequestForInformation, ReferralType.HrcmScreening, ReferralType.DoNotLoad],
            type => Assert.False(string.IsNullOrWhiteSpace(engine.ReferralText(type))));
    }

    [Fact]
    public void Every_problem_of_a_file_is_reported_at_once_with_its_json_path()
    {
        const string broken = """
            {
              "version": "broken-1",
              "thresholds": { "hold": 50, "reject": 40 },
              "recommendedScreeningMethod": "x-ray",
              "referralTexts": { "REQUEST_FOR_INFORMATION": "Tell us more.", "HRCM_SCREENING": "Screen it.", "LOAD_LATER": "?" },
              "rules": [
                { "id": "a", "kind": "TELEPATHY", "weight": 10 },
                { "kind": "PROHIBITED_GOODS", "weight": 150, "referralType": "ARREST",
                  "entries": [ { "prefixes": ["93", "930", "7701", "93"], "label": "arms", "outcome": "confiscate" } ] },
                { "id": "a", "kind": "UNDERVALUATION", "weight": 10, "ratio": "1.5",
                  "references": [ { "subheading": "8517", "label": "phones", "unitValue": "-5", "currency": "EUX" } ] },
                { "id": "w", "kind": "WATCH_LIST", "weight": 10, "wieght": 10,
                  "entries": [ { "id": "1", "label": "x", "name": "X", "country": "XX" }, { "id": "1", "label": "y" } ] },
                { "id": "s", "kind": "SPLIT_SHIPMENT", "weight": 10, "windowHours": 0, "minConsignments": 3, "minTotalValue": "150", "currency": "EUR" },
                { "id": "k", "kind": "KNOWN_SHIPPER", "weight": 30 },
                { "id": "o", "kind": "ORIGIN_ROUTING", "weight": 10, "appliesTo": ["transit"], "countries": [ { "code": "EU", "label": "?" } ] },
                { "id": "d", "kind": "DATA_QUALITY", "weight": 10, "missingElements": ["items[].colour"],
                  "effectiveFrom": "2026-08-01", "effectiveUntil": "2026-07-01" }
              ]
            }
            """;

        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse(broken, "broken.json"));

        Assert.Equal("broken.json", error.FileName);
        Assert.Equal(
        [
            "$.thresholds.reject: must be above the hold threshold 50 (the thresholds are inverted); got 40",
            "$.recommendedScreeningMethod: must be an ICS2 CL724 code of 1 to 3 upper-case letters, e.g. \"XRY\"; got \"x-ray\"",
            "$.rules[0].kind: \"TELEPATHY\" is not one of PROHIBITED_GOODS, UNDERVALUATION, WATCH_LIST, DATA_QUALITY, SPLIT_SHIPMENT, ORIGIN_ROUTING, KNOWN_SHIPPER",
            "$.rules[1].id: is required (a string)",
            "$.rules[1].weight: must be from 1 to 100; got 150",
            "$.rules[1].referralType: \"ARREST\" is not one of REQUEST_FOR_INFORMATION, HRCM_SCREENING, DO_NOT_LOAD",
            "$.rules[1].entries[0].outcome: \"confiscate\" is not one of hold, reject",
            "$.rules[1].entries[0].prefixes[1]: must be an HS chapter (2 digits), heading (4) or subheading (6), digits only; got \"930\"",
            "$.rules[1].entries[0].prefixes[2]: \"7701\": chapter 77 is not a Harmonized System chapter (01 to 97, 77 reserved)",
            "$.rules[1].entries[0].prefixes[3]: \"93\" is listed twice (also in entry \"arms\")",
            "$.rules[2].id: \"a\" is already the id of $.rules[0]; rule ids must be unique",
            "$.rules[2].ratio: must be above 0 and at most 1; got 1.5",
            "$.rules[2].references[0].subheading: must be a 6-digit HS subheading, e.g. \"851713\"; got \"8517\"",
            "$.rules[2].references[0].unitValue: must be digits with an optional decimal point, e.g. \"1.0850\"; got \"-5\"",
            "$.rules[2].references[0].currency: \"EUX\" is not an active ISO 4217 currency code",
            "$.rules[3].entries[0].country: \"XX\" is not an assigned ISO 3166-1 alpha-2 country code (upper case)",
            "$.rules[3].entries[1].id: \"1\" is already the id of $.rules[3].entries[0]; entry ids must be unique",
            "$.rules[3].entries[1]: must give at least one of name, address, identifiers or marketplaceSellerIds to match on",
            "$.rules[3].wieght: is not a known property here (comments go in properties starting with \"_\")",
            "$.rules[4].windowHours: must be from 1 to 8784; got 0",
            "$.rules[5].weight: must be from -100 to -1; got 30",
            "$.rules[6].appliesTo[0]: \"transit\" is not one of origin, departure, routing",
            "$.rules[6].countries[0].code: \"EU\" is not an assigned ISO 3166-1 alpha-2 country code (upper case)",
            "$.rules[7].effectiveUntil: must be after effectiveFrom (the dates are inverted)",
            "$.rules[7].missingElements[0]: \"items[].colour\" is not an element this rule knows; expected items[].hs_code, "
                + "items[].origin_country_code, items[].product_url, seller.eori_or_tax_id, marketplace.seller_id, marketplace.order_id, consignee.contact",
            "$.referralTexts.LOAD_LATER: is not a referral type; expected REQUEST_FOR_INFORMATION, HRCM_SCREENING, DO_NOT_LOAD",
            "$.referralTexts.DO_NOT_LOAD: is required (the text sent to the filer with a referral of this type)",
        ], error.Problems);
        Assert.Contains("broken.json is not valid (27 problems)", error.Message);
    }

    [Fact]
    public void A_file_that_is_not_json_says_where_it_breaks()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse("{\n  \"version\": \"1\",\n  oops\n}", "rules.json"));
        Assert.StartsWith("$: not valid JSON at line 3, byte 3", Assert.Single(error.Problems));
    }

    [Fact]
    public void Missing_top_level_settings_are_each_reported()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse("""{ "_note": "empty" }""", "empty.json"));
        Assert.Equal(
        [
            "$.version: is required (a string)",
            "$.thresholds: is required (an object)",
            "$.recommendedScreeningMethod: is required (a string)",
            "$.rules: is required (an array)",
            "$.referralTexts: is required (an object)",
        ], error.Problems);
    }

    [Fact]
    public void A_referral_text_must_not_name_a_rule()
    {
        var file = File("""{ "id": "watch-list", "kind": "KNOWN_SHIPPER", "weight": -10 }""")
            .Replace("Please screen it.", "You are on our watch-list.", StringComparison.Ordinal);

        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse(file, "t"));

        Assert.Equal(["$.referralTexts.HRCM_SCREENING: must not name a risk rule, but it contains the rule id \"watch-list\""], error.Problems);
    }

    [Fact]
    public void Only_one_split_shipment_rule_is_allowed_because_it_sets_the_window()
    {
        const string split = """{ "id": "ID", "kind": "SPLIT_SHIPMENT", "weight": 10, "windowHours": 24, "minConsignments": 3, "minTotalValue": "150", "currency": "EUR" }""";

        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse(File(split.Replace("ID", "one"), split.Replace("ID", "two")), "t"));

        Assert.Equal(["$.rules[1].kind: only one SPLIT_SHIPMENT rule is allowed; $.rules[0] is one already"], error.Problems);
    }

    [Fact]
    public void Amounts_must_be_decimal_strings_so_they_stay_exact()
    {
        const string rule = """{ "id": "s", "kind": "SPLIT_SHIPMENT", "weight": 10, "windowHours": 24, "minConsignments": 3, "minTotalValue": 150, "currency": "EUR" }""";

        var error = Assert.Throws<ConfigurationFileException>(() => RuleSet.Parse(File(rule), "t"));

        Assert.Equal(["$.rules[0].minTotalValue: must be a decimal string, e.g. \"1.0850\", not the number 150 (write it as the string \"150\")"], error.Problems);
    }

    [Fact]
    public void A_property_given_twice_is_reported()
    {
        var error = Assert.Throws<ConfigurationFileException>(() =>
            RuleSet.Parse(File("""{ "id": "k", "kind": "KNOWN_SHIPPER", "weight": -10, "weight": -20 }"""), "t"));
        Assert.Equal(["$.rules[0].weight: is given more than once"], error.Problems);
    }
}

using Exchange.Core.Configuration;
using Exchange.Core.Duties;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;
using static Exchange.Core.Tests.Duties.DutyFixtures;

namespace Exchange.Core.Tests.Duties;

/// <summary>Reading a tariff profile: the default parses and works; a wrong file fails with every problem and its path.</summary>
public sealed class TariffProfileTests
{
    [Fact]
    public void The_default_profile_parses_with_the_EU_and_the_US()
    {
        var profile = TariffProfile.Default;

        Assert.Equal(["EU", "US"], profile.Jurisdictions.Select(j => j.Id));
        var eu = profile.Jurisdictions[0];
        Assert.Equal("EUR", eu.Currency);
        Assert.Equal(CountryCodes.EuMemberStates.Order(StringComparer.Ordinal), eu.Countries.Order(StringComparer.Ordinal));
        Assert.Equal(
            ["eu-gift-relief", "eu-low-value-relief", "eu-flat-duty-per-subheading", "eu-ad-valorem", "eu-vat"],
            eu.Rules.Select(r => r.Id));
        var us = profile.Jurisdictions[1];
        Assert.Equal("USD", us.Currency);
        Assert.Equal(
            ["us-gift-exemption", "us-de-minimis", "us-de-minimis-except-cn-hk", "us-de-minimis-suspended",
             "us-postal-specific-duty", "us-postal-ad-valorem", "us-mfn-ad-valorem", "us-ad-valorem", "us-no-import-tax"],
            us.Rules.Select(r => r.Id));
        Assert.Same(us, profile.JurisdictionOf("PR"));
        Assert.Null(profile.JurisdictionOf("CH"));
    }

    [Fact]
    public void The_default_rules_carry_the_effective_dates_of_the_law()
    {
        var rules = TariffProfile.Default.Jurisdictions.SelectMany(j => j.Rules).ToDictionary(r => r.Id);

        Assert.Equal((new DateOnly(2026, 7, 1), new DateOnly(2028, 7, 1)), (rules["eu-flat-duty-per-subheading"].From, rules["eu-flat-duty-per-subheading"].Until));
        Assert.Equal(new DateOnly(2026, 7, 1), rules["eu-low-value-relief"].Until);
        Assert.Equal((new DateOnly(2025, 5, 2), new DateOnly(2025, 8, 29)), (rules["us-de-minimis-except-cn-hk"].From, rules["us-de-minimis-except-cn-hk"].Until));
        Assert.Equal((new DateOnly(2025, 8, 29), new DateOnly(2026, 2, 28)), (rules["us-postal-specific-duty"].From, rules["us-postal-specific-duty"].Until));
        Assert.True(rules["eu-flat-duty-per-subheading"].InForceOn(new DateOnly(2028, 6, 30)));
        Assert.False(rules["eu-flat-duty-per-subheading"].InForceOn(new DateOnly(2028, 7, 1)));
    }

    [Theory]
    [InlineData("2026-06-30", 0)]
    [InlineData("2026-07-01", 6)]
    public void The_default_profile_and_rates_reproduce_the_Councils_blouse_example(string date, int duty)
    {
        var calculator = new DutyCalculator(TariffProfile.Default, ExchangeRatesLoader.Default);
        var declaration = Sale("FR", Item("620610", 40m), Item("620620", 60m, quantity: 2));

        var estimate = calculator.Estimate(declaration, On(date))!;

        // VAT FR 20% of (100 + duty).
        AssertAmounts(estimate, "EUR", duty, (100m + duty) * 0.20m);
    }

    [Fact]
    public void Every_problem_of_a_wrong_file_is_reported_with_its_path()
    {
        const string json = """
            {
              "jurisdictions": [
                {
                  "id": "EU", "currency": "JPY", "timeZone": "Mars/Olympus", "countries": ["DE", "XX", "DE", "NL"],
                  "rateTables": {
                    "VAT": { "keyedBy": "destinationCountry", "rates": { "NL": "21", "FR": "20" } },
                    "DUTY": { "keyedBy": "tariffCode", "rates": { "62A": "12", "6206": "-1" } }
                  },
                  "rules": [
                    { "id": "eu-vat", "kind": "vat", "from": "2021-07-01", "legalSource": "Directive 2006/112/EC",
                      "parameters": { "rateTable": "VAT", "iossMaxIntrinsicValue": 150 } },
                    { "id": "eu-vat", "kind": "flatDuty", "from": "2026-07-01", "until": "2026-01-01", "legalSource": "x",
                      "parameters": {} },
                    { "id": "eu-ad-valorem", "kind": "adValorem", "from": "2021-7-1", "legalSource": "x", "channels": ["MAIL"],
                      "parameters": { "rateTables": ["CET"], "basis": "CIF", "colour": "red" } }
                  ]
                },
                { "id": "US", "currency": "USD", "timeZone": "America/New_York", "countries": ["DE", "US"], "rules": [] }
              ],
              "version": 2
            }
            """;

        var error = Assert.Throws<ConfigurationFileException>(() => TariffProfile.Parse(json, "wrong.json"));

        Assert.Equal("wrong.json", error.FileName);
        string[] expected =
        [
            "$.jurisdictions[0].currency: must be a currency with cents",
            "$.jurisdictions[0].timeZone: is not a time zone known here",
            "$.jurisdictions[0].countries[1]: \"XX\" is not an assigned ISO 3166-1 alpha-2 country code",
            "$.jurisdictions[0].countries[2]: DE is listed twice",
            "$.jurisdictions[0].rateTables.VAT.rates.FR: FR is not one of this jurisdiction's countries",
            "$.jurisdictions[0].rateTables.VAT.rates: has no rate for DE",
            "$.jurisdictions[0].rateTables.DUTY.default: is required for a table keyed by tariffCode",
            "$.jurisdictions[0].rateTables.DUTY.rates['62A']: a tariff-code prefix must be 2 to 10 digits",
            "$.jurisdictions[0].rateTables.DUTY.rates['6206']: must be digits with an optional decimal point",
            "$.jurisdictions[0].rules[0].parameters.iossMaxIntrinsicValue: must be a decimal string, e.g. \"1.0850\", not the number 150 (write it as the string \"150\")",
            "$.jurisdictions[0].rules[1].id: \"eu-vat\" is already the id of $.jurisdictions[0].rules[0].id",
            "$.jurisdictions[0].rules[1].kind: must be one of",
            "$.jurisdictions[0].rules[1].until: must be after from (2026-07-01)",
            "$.jurisdictions[0].rules[2].from: must be a date \"YYYY-MM-DD\"; got \"2021-7-1\"",
            "$.jurisdictions[0].rules[2].channels[0]: must be one of POSTAL, EXPRESS, CARGO; got \"MAIL\"",
            "$.jurisdictions[0].rules[2].parameters.rateTables[0]: there is no rate table \"CET\"",
            "$.jurisdictions[0].rules[2].parameters.colour: is not a known property here",
            "$.jurisdictions[1].countries[0]: DE is already covered by jurisdiction EU",
            "$.jurisdictions[1].rules: must not be empty",
            "$.version: is not a known property here",
        ];
        foreach (var problem in expected)
        {
            Assert.Contains(error.Problems, p => p.StartsWith(problem, StringComparison.Ordinal));
        }
        Assert.Equal(expected.Length, error.Problems.Count);
        Assert.Contains("20 problems", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Postal_bands_must_be_ascending_and_end_with_an_open_band()
    {
        var json = UsProfile("""
            { "id": "us-postal", "kind": "postalSpecificDuty", "from": "2025-08-29", "legalSource": "EO 14324",
              "parameters": { "rateTable": "IEEPA", "bands": [
                { "below": "25", "amount": "80" },
                { "atMost": "16", "amount": "160" },
                { "below": "30", "atMost": "40", "amount": "200" } ] } }
            """);

        var error = Assert.Throws<ConfigurationFileException>(() => TariffProfile.Parse(json, "bands.json"));

        Assert.Equal(
            [
                "$.jurisdictions[0].rules[0].parameters.bands[1]: bands must be in ascending order: 16% does not exceed 25%",
                "$.jurisdictions[0].rules[0].parameters.bands[2]: give either \"below\" or \"atMost\", not both",
            ],
            error.Problems);
    }

    [Fact]
    public void A_rule_must_name_a_table_keyed_the_way_it_needs()
    {
        var json = UsProfile("""
            { "id": "us-postal", "kind": "postalSpecificDuty", "from": "2025-08-29", "legalSource": "EO 14324",
              "parameters": { "rateTable": "HTSUS", "bands": [ { "amount": "80" } ] } }
            """);

        var error = Assert.Throws<ConfigurationFileException>(() => TariffProfile.Parse(json, "keys.json"));

        Assert.Equal(
            ["$.jurisdictions[0].rules[0].parameters.rateTable: rate table \"HTSUS\" is keyed by tariffCode; this rule needs one keyed by originCountry"],
            error.Problems);
    }

    [Fact]
    public void Two_tax_rules_in_force_on_the_same_day_are_refused()
    {
        var json = UsProfile("""
            { "id": "us-no-tax", "kind": "noImportTax", "from": "2016-03-10", "until": "2026-01-01", "legalSource": "x", "parameters": { "text": "No tax" } },
            { "id": "us-no-tax-2", "kind": "noImportTax", "from": "2025-12-31", "legalSource": "x", "parameters": { "text": "Still no tax" } }
            """);

        var error = Assert.Throws<ConfigurationFileException>(() => TariffProfile.Parse(json, "tax.json"));

        Assert.Equal(
            ["$.jurisdictions[0].rules[1]: tax rule us-no-tax-2 is in force on days tax rule us-no-tax is too; a consignment would be taxed twice"],
            error.Problems);
    }

    [Fact]
    public void A_file_that_is_not_JSON_is_one_problem_with_its_position()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => TariffProfile.Parse("{ \"jurisdictions\": [ }", "broken.json"));

        var problem = Assert.Single(error.Problems);
        Assert.StartsWith("$: not valid JSON at line 1, byte ", problem, StringComparison.Ordinal);
    }

    /// <summary>A minimal valid US jurisdiction with the given rules.</summary>
    private static string UsProfile(string rules) => $$"""
        {
          "jurisdictions": [
            {
              "id": "US", "currency": "USD", "timeZone": "America/New_York", "countries": ["US"],
              "rateTables": {
                "IEEPA": { "keyedBy": "originCountry", "default": "10", "rates": { "CN": "30" } },
                "HTSUS": { "keyedBy": "tariffCode", "default": "0", "rates": {} }
              },
              "rules": [ {{rules}} ]
            }
          ]
        }
        """;
}

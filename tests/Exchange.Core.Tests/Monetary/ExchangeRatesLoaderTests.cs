using Exchange.Core.Configuration;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Tests.Monetary;

/// <summary>Reading exchange-rates files: exact decimal strings, ISO 4217 codes, every problem with its path.</summary>
public sealed class ExchangeRatesLoaderTests
{
    [Fact]
    public void A_valid_file_gives_exact_rates()
    {
        var rates = ExchangeRatesLoader.Parse("""
            { "_source": "ECB", "base": "EUR", "asOf": "2026-07-01", "rates": { "USD": "1.0850", "JPY": "162.75" } }
            """, "rates.json");

        Assert.Equal("EUR", rates.BaseCurrency);
        Assert.Equal(new DateOnly(2026, 7, 1), rates.AsOf);
        Assert.Equal(["EUR", "JPY", "USD"], rates.Currencies.Order(StringComparer.Ordinal));
        // 108.50 USD is exactly 100 EUR; 100 EUR is exactly 16275 JPY.
        Assert.Equal(100m, rates.Convert(108.50m, "USD", "EUR"));
        Assert.Equal(16275m, rates.Convert(100m, "EUR", "JPY"));
        // USD to JPY through the base: 108.50 / 1.0850 * 162.75.
        Assert.Equal(16275m, rates.Convert(108.50m, "USD", "JPY"));
        Assert.Equal("1 EUR = 1.0850 USD (rates of 2026-07-01)", rates.Describe("USD"));
    }

    [Fact]
    public void Every_problem_is_reported_with_its_path()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => ExchangeRatesLoader.Parse("""
            {
              "base": "eur",
              "asOf": "2026-13-01",
              "rates": { "USD": 1.085, "GBP": "-0.8", "CHF": "0", "XYZ": "1.5", "BGN": "1.95583", "SEK": "11,35" },
              "source": "ECB"
            }
            """, "rates.json"));

        Assert.Equal(
            [
                "$.base: must be an ISO 4217 currency code in upper case, e.g. EUR; got \"eur\"",
                "$.asOf: must be a date \"YYYY-MM-DD\"; got \"2026-13-01\"",
                "$.rates.USD: must be a decimal string, e.g. \"1.0850\", not the number 1.085 (write it as the string \"1.085\")",
                "$.rates.GBP: must be digits with an optional decimal point, e.g. \"1.0850\"; got \"-0.8\"",
                "$.rates.CHF: must be above 0 and at most 100000000; got 0",
                "$.rates.XYZ: \"XYZ\" is not an active ISO 4217 currency code",
                "$.rates.BGN: \"BGN\" is not an active ISO 4217 currency code",
                "$.rates.SEK: must be digits with an optional decimal point, e.g. \"1.0850\"; got \"11,35\"",
                "$.source: is not a known property here (comments go in properties starting with \"_\")",
            ],
            error.Problems);
    }

    [Fact]
    public void The_base_currency_is_not_listed_among_the_rates()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => ExchangeRatesLoader.Parse("""
            { "base": "EUR", "asOf": "2026-07-01", "rates": { "EUR": "1", "USD": "1.0850" } }
            """, "rates.json"));

        Assert.Equal(["$.rates.EUR: is the base currency, whose rate is 1 by definition; leave it out"], error.Problems);
    }

    [Fact]
    public void Missing_parts_and_an_empty_table_are_problems()
    {
        var missing = Assert.Throws<ConfigurationFileException>(() => ExchangeRatesLoader.Parse("{}", "empty.json"));
        var empty = Assert.Throws<ConfigurationFileException>(() => ExchangeRatesLoader.Parse(
            """{ "base": "EUR", "asOf": "2026-07-01", "rates": {} }""", "rates.json"));

        Assert.Equal(
            ["$.base: is required (a string)", "$.asOf: is required (a date \"YYYY-MM-DD\")", "$.rates: is required (an object)"],
            missing.Problems);
        Assert.Equal(["$.rates: must give at least one currency"], empty.Problems);
    }

    [Fact]
    public void A_file_that_is_not_JSON_is_one_problem()
    {
        var error = Assert.Throws<ConfigurationFileException>(() => ExchangeRatesLoader.Parse("base: EUR", "rates.yaml"));

        Assert.StartsWith("$: not valid JSON at line 1", Assert.Single(error.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_rates_are_in_euros_and_cover_the_main_currencies()
    {
        var rates = ExchangeRatesLoader.Default;

        Assert.Equal("EUR", rates.BaseCurrency);
        Assert.Equal("1 EUR = 1.0850 USD (rates of 2026-07-01)", rates.Describe("USD"));
        // BGN is not here: it is no longer an ISO 4217 code (Bulgaria adopted the euro on 1 Jan 2026).
        string[] main =
        [
            "EUR", "USD", "GBP", "CNY", "HKD", "JPY", "CHF", "SEK", "DKK", "PLN", "CZK", "HUF", "RON",
            "NOK", "CAD", "AUD", "KRW", "INR", "TRY", "SGD",
        ];
        Assert.All(main, currency => Assert.True(rates.Knows(currency), currency));
        Assert.All(rates.Currencies, currency => Assert.True(CurrencyCodes.IsActive(currency), currency));
        Assert.True(rates.Currencies.Count() > 100);
    }

    [Fact]
    public void The_default_rates_give_pegged_currencies_at_their_parity()
    {
        var rates = ExchangeRatesLoader.Default;

        // XOF and XAF are fixed at 655.957 to the euro; HKD is kept at 7.80 to the US dollar.
        Assert.Equal(655.957m, rates.Convert(1m, "EUR", "XOF"));
        Assert.Equal(1m, rates.Convert(655.957m, "XAF", "EUR"));
        Assert.Equal(7.80m, rates.Convert(1m, "USD", "HKD"));
    }
}

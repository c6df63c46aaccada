using Exchange.Core.Configuration;
using Exchange.Core.Duties;
using Exchange.Core.Validation;

namespace Exchange.Core.Monetary;

/// <summary>
/// Reads the exchange rates an administration configures, a JSON file such as
/// <code>{ "base": "EUR", "asOf": "2026-07-01", "rates": { "USD": "1.0850", "GBP": "0.8450" } }</code>
/// giving how many units of each currency one unit of the base buys. Rates are decimal strings so
/// they stay exact (a JSON number invites a trip through binary floating point); every code must
/// be an active ISO 4217 code and every rate positive. Properties starting with "_" are comments.
/// The embedded default (Monetary/default-exchange-rates.json) is illustrative: an administration
/// configures its own, e.g. from the ECB euro reference rates.
/// </summary>
public static class ExchangeRatesLoader
{
    private const string DefaultResourceName = "Exchange.Core.Monetary.default-exchange-rates.json";

    /// <summary>No real rate comes near this; a larger one is a typing error.</summary>
    private const decimal MaxRate = 100_000_000m;

    private static readonly Lazy<ExchangeRates> DefaultRates = new(() => Parse(ReadDefaultFile(), "embedded default-exchange-rates.json"));

    /// <summary>The built-in illustrative rates, base EUR (see the file's "_note").</summary>
    public static ExchangeRates Default => DefaultRates.Value;

    /// <summary>
    /// Parses and checks an exchange-rates file. Throws
    /// <see cref="Configuration.ConfigurationFileException"/> listing every problem found, each with
    /// its JSON path, e.g. "$.rates.USD: must be above 0 ...".
    /// </summary>
    /// <param name="json">The content of the file.</param>
    /// <param name="source">Where it comes from (the file name), for the exception's message.</param>
    public static ExchangeRates Parse(string json, string source) =>
        ConfigFileObject.Read(json, source, (root, problems) =>
        {
            var baseCurrency = root.String("base", required: true, maxLength: 3);
            if (baseCurrency is not null && CurrencyCodes.Check(baseCurrency) is { } baseProblem)
            {
                root.Problem("base", baseProblem);
                baseCurrency = null;
            }
            var asOf = root.Date("asOf", required: true);

            var rates = new Dictionary<string, decimal>(StringComparer.Ordinal);
            if (root.Object("rates", required: true) is { } table)
            {
                foreach (var (currency, value, path) in table.Properties())
                {
                    if (CurrencyCodes.Check(currency) is { } problem)
                    {
                        problems.Add($"{path}: {problem}");
                    }
                    else if (currency == baseCurrency)
                    {
                        problems.Add($"{path}: is the base currency, whose rate is 1 by definition; leave it out");
                    }
                    if (ConfigFileObject.DecimalValue(value, path, problems, 0m, MaxRate, minExclusive: true) is { } rate)
                    {
                        rates[currency] = rate;
                    }
                }
                table.ReportUnknownProperties();
                if (rates.Count == 0 && !problems.Any(p => p.StartsWith(table.Path, StringComparison.Ordinal)))
                {
                    table.Problem("must give at least one currency");
                }
            }
            root.ReportUnknownProperties();

            return problems.Count == 0 && baseCurrency is not null && asOf is { } date
                ? new ExchangeRates(baseCurrency, rates, date)
                : null;
        });

    /// <summary>Reads and parses the exchange-rates file at <paramref name="path"/> (see <see cref="Parse"/>).</summary>
    public static ExchangeRates FromFile(string path) => Parse(File.ReadAllText(path), path);

    private static string ReadDefaultFile()
    {
        using var stream = typeof(ExchangeRatesLoader).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from {typeof(ExchangeRatesLoader).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

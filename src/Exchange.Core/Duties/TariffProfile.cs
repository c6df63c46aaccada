using System.Collections.Frozen;

namespace Exchange.Core.Duties;

/// <summary>
/// An administration's tariff profile, parsed and checked: the jurisdictions whose duties and
/// taxes the Exchange estimates, each with its countries, currency, time zone, rate tables and
/// dated rules. Immutable, so one instance serves every estimate. The format of the file is
/// documented in the embedded default, Duties/default-tariff-profile.json, whose rates are
/// illustrative: an administration configures its own.
/// </summary>
public sealed class TariffProfile
{
    private const string DefaultResourceName = "Exchange.Core.Duties.default-tariff-profile.json";

    private static readonly Lazy<TariffProfile> DefaultProfile = new(() => Parse(ReadDefaultFile(), "embedded default-tariff-profile.json"));

    private readonly FrozenDictionary<string, Jurisdiction> _byCountry;

    internal TariffProfile(string source, IReadOnlyList<Jurisdiction> jurisdictions)
    {
        Source = source;
        Jurisdictions = jurisdictions;
        _byCountry = jurisdictions
            .SelectMany(jurisdiction => jurisdiction.Countries.Select(country => KeyValuePair.Create(country, jurisdiction)))
            .ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The built-in profile: the EU and the US, with illustrative rates.</summary>
    public static TariffProfile Default => DefaultProfile.Value;

    /// <summary>Where the profile was read from (a file name, or the embedded default), for messages.</summary>
    public string Source { get; }

    public IReadOnlyList<Jurisdiction> Jurisdictions { get; }

    /// <summary>The jurisdiction covering <paramref name="countryCode"/> as a destination, or null.</summary>
    public Jurisdiction? JurisdictionOf(string? countryCode) =>
        countryCode is not null && _byCountry.TryGetValue(countryCode, out var jurisdiction) ? jurisdiction : null;

    /// <summary>
    /// Parses and checks a tariff-profile file. Throws
    /// <see cref="Configuration.ConfigurationFileException"/> listing every problem found, each with
    /// its JSON path, e.g. "$.jurisdictions[0].rules[2].until: must be after from ...".
    /// </summary>
    /// <param name="json">The content of the file.</param>
    /// <param name="source">Where it comes from (the file name), for the exception's message.</param>
    public static TariffProfile Parse(string json, string source) => TariffProfileReader.Read(json, source);

    /// <summary>Reads and parses the profile file at <paramref name="path"/> (see <see cref="Parse"/>).</summary>
    public static TariffProfile FromFile(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>The text of the embedded default, for tests that vary its rates while keeping its rules.</summary>
    internal static string DefaultJson => ReadDefaultFile();

    private static string ReadDefaultFile()
    {
        using var stream = typeof(TariffProfile).Assembly.GetManifestResourceStream(DefaultResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {DefaultResourceName} is missing from {typeof(TariffProfile).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

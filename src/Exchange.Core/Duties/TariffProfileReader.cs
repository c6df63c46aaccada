using Exchange.Core.Configuration;
using System.Text.RegularExpressions;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Duties.Rules;
using Exchange.Core.Validation;

namespace Exchange.Core.Duties;

/// <summary>
/// Reads a tariff-profile file (format: the embedded default, Duties/default-tariff-profile.json)
/// and checks everything that can be checked before an estimate is made, so a wrong file fails at
/// start-up with every problem listed rather than producing wrong estimates later: codes are ISO,
/// rates and amounts are exact decimal strings in range, dates are ordered, rule ids are unique,
/// rules name tables that exist and are keyed the right way, every covered country has a VAT
/// rate, no country is in two jurisdictions and no two tax rules are in force at once.
/// </summary>
internal static partial class TariffProfileReader
{
    private delegate TariffRule? KindReader(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context);

    private static readonly Dictionary<string, KindReader> Kinds = new(StringComparer.Ordinal)
    {
        [ReliefRule.KindName] = ReliefRule.Read,
        [FlatDutyPerSubheadingRule.KindName] = FlatDutyPerSubheadingRule.Read,
        [PostalSpecificDutyRule.KindName] = PostalSpecificDutyRule.Read,
        [AdValoremRule.KindName] = AdValoremRule.Read,
        [NoticeRule.KindName] = NoticeRule.Read,
        [VatRule.KindName] = VatRule.Read,
        [NoImportTaxRule.KindName] = NoImportTaxRule.Read,
    };

    private static readonly Dictionary<string, Channel> ChannelNames = new(StringComparer.Ordinal)
    {
        ["POSTAL"] = Channel.Postal,
        ["EXPRESS"] = Channel.Express,
        ["CARGO"] = Channel.Cargo,
    };

    private static readonly Dictionary<string, ItemCategory> CategoryNames = new(StringComparer.Ordinal)
    {
        ["GIFT"] = ItemCategory.Gift,
        ["DOCUMENTS"] = ItemCategory.Documents,
        ["COMMERCIAL_SAMPLE"] = ItemCategory.CommercialSample,
        ["RETURNED_GOODS"] = ItemCategory.ReturnedGoods,
        ["SALE_OF_GOODS"] = ItemCategory.SaleOfGoods,
        ["OTHER"] = ItemCategory.Other,
    };

    private static readonly Dictionary<string, RateKey> RateKeys = new(StringComparer.Ordinal)
    {
        ["tariffCode"] = RateKey.TariffCode,
        ["originCountry"] = RateKey.OriginCountry,
        ["destinationCountry"] = RateKey.DestinationCountry,
    };

    public static TariffProfile Read(string json, string source) =>
        ConfigFileObject.Read(json, source, (root, problems) =>
        {
            var profile = new ProfileState(problems);
            var jurisdictions = new List<Jurisdiction>();
            foreach (var entry in root.Objects("jurisdictions", required: true))
            {
                if (ReadJurisdiction(entry, profile) is { } jurisdiction)
                {
                    jurisdictions.Add(jurisdiction);
                }
            }
            root.ReportUnknownProperties();
            return new TariffProfile(source, jurisdictions);
        });

    private static Jurisdiction? ReadJurisdiction(ConfigFileObject entry, ProfileState profile)
    {
        var problemsBefore = profile.Problems.Count;
        var id = entry.String("id", required: true, maxLength: 16);
        if (id is not null && !JurisdictionId().IsMatch(id))
        {
            entry.Problem("id", $"must be 1 to 16 upper-case letters, digits or '-', starting with a letter, e.g. \"EU\"; got {Echo.Quote(id)}");
        }
        else if (id is not null && !profile.JurisdictionIds.Add(id))
        {
            entry.Problem("id", $"\"{id}\" is given to another jurisdiction too");
        }

        var currency = entry.String("currency", required: true, maxLength: 3);
        if (currency is not null)
        {
            if (CurrencyCodes.Check(currency) is { } problem)
            {
                entry.Problem("currency", problem);
                currency = null;
            }
            else if (!CurrencyCodes.TryGetMinorUnits(currency, out var digits) || digits != 2)
            {
                var decimals = CurrencyCodes.MinorUnits[currency] is { } n ? Echo.Number(n) : "no";
                entry.Problem("currency", $"must be a currency with cents (2 decimals), as duties and taxes are rounded to the cent; {currency} has {decimals} decimals");
                currency = null;
            }
        }

        TimeZoneInfo? timeZone = null;
        if (entry.String("timeZone", required: true, maxLength: 64) is { } zoneId
            && !TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out timeZone))
        {
            entry.Problem("timeZone", $"is not a time zone known here; give an IANA id, e.g. \"Europe/Brussels\"; got {Echo.Quote(zoneId)}");
        }

        var countries = new List<string>();
        foreach (var (code, path) in entry.Strings("countries", required: true, maxLength: 2))
        {
            if (CountryCodes.Check(code) is { } problem)
            {
                profile.Problems.Add($"{path}: {problem}");
            }
            else if (countries.Contains(code))
            {
                profile.Problems.Add($"{path}: {code} is listed twice");
            }
            else if (profile.CountryOwners.TryGetValue(code, out var owner))
            {
                profile.Problems.Add($"{path}: {code} is already covered by jurisdiction {owner}; a destination must have one set of rules");
            }
            else
            {
                countries.Add(code);
                profile.CountryOwners[code] = id ?? "?";
            }
        }

        var context = new JurisdictionContext(countries, profile.Problems);
        if (entry.Object("rateTables", required: false) is { } tables)
        {
            foreach (var (name, value, path) in tables.Properties())
            {
                ReadTable(name, value, path, context);
            }
            tables.ReportUnknownProperties();
        }

        var rules = new List<(TariffRule Rule, string Path)>();
        foreach (var rule in entry.Objects("rules", required: true))
        {
            if (ReadRule(rule, context, profile) is { } read)
            {
                rules.Add((read, rule.Path));
            }
        }
        CheckTaxRulesDoNotOverlap(rules, profile.Problems);
        entry.ReportUnknownProperties();

        return profile.Problems.Count == problemsBefore && id is not null && currency is not null && timeZone is not null
            ? new Jurisdiction(id, currency, timeZone, countries, [.. rules.Select(r => r.Rule)])
            : null;
    }

    private static void ReadTable(string name, System.Text.Json.JsonElement value, string path, JurisdictionContext context)
    {
        var problems = context.Problems;
        context.DeclaredTables.Add(name);
        if (!TableName().IsMatch(name))
        {
            problems.Add($"{path}: a rate table's name must be 1 to 32 letters, digits, '-' or '_'");
        }
        if (ConfigFileObject.Of(value, path, problems) is not { } table)
        {
            return;
        }
        var problemsBefore = problems.Count;
        var keyText = table.String("keyedBy", required: true, maxLength: 32);
        RateKey? keyedBy = null;
        if (keyText is not null)
        {
            if (RateKeys.TryGetValue(keyText, out var key))
            {
                keyedBy = key;
            }
            else
            {
                table.Problem("keyedBy", $"must be one of {string.Join(", ", RateKeys.Keys.Select(k => $"\"{k}\""))}; got {Echo.Quote(keyText)}");
            }
        }
        var defaultPercent = context.Percent(table, "default", required: false);
        if (keyedBy is RateKey.TariffCode or RateKey.OriginCountry && !table.Has("default"))
        {
            table.Problem("default", $"is required for a table keyed by {keyText}: an item whose {(keyedBy == RateKey.TariffCode ? "code" : "origin")} the table does not list needs a rate too");
        }

        var percents = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (table.Object("rates", required: true) is { } rates)
        {
            foreach (var (key, rate, keyPath) in rates.Properties())
            {
                var keyProblem = keyedBy switch
                {
                    RateKey.TariffCode when !TariffPrefix().IsMatch(key) => $"a tariff-code prefix must be 2 to 10 digits; got {Echo.Quote(key)}",
                    RateKey.OriginCountry => CountryCodes.Check(key),
                    RateKey.DestinationCountry => CountryCodes.Check(key)
                        ?? (context.Countries.Contains(key) ? null : $"{key} is not one of this jurisdiction's countries"),
                    _ => null,
                };
                if (keyProblem is not null)
                {
                    problems.Add($"{keyPath}: {keyProblem}");
                }
                if (ConfigFileObject.DecimalValue(rate, keyPath, problems, 0m, JurisdictionContext.MaxPercent) is { } percent)
                {
                    percents[key] = percent;
                }
            }
            rates.ReportUnknownProperties();
            if (keyedBy == RateKey.DestinationCountry && defaultPercent is null)
            {
                var missing = context.Countries.Where(country => !percents.ContainsKey(country)).ToList();
                if (missing.Count > 0)
                {
                    rates.Problem($"has no rate for {string.Join(", ", missing)}: every country of the jurisdiction needs one (or give a \"default\")");
                }
            }
        }
        table.ReportUnknownProperties();
        if (problems.Count == problemsBefore && keyedBy is { } k)
        {
            context.Tables[name] = new RateTable(name, k, defaultPercent, percents);
        }
    }

    private static TariffRule? ReadRule(ConfigFileObject rule, JurisdictionContext context, ProfileState profile)
    {
        var problems = profile.Problems;
        var problemsBefore = problems.Count;

        var id = rule.String("id", required: true, maxLength: 64);
        if (id is not null && !RuleId().IsMatch(id))
        {
            rule.Problem("id", $"must be lower-case words of letters and digits joined by '-', e.g. \"eu-vat\"; got {Echo.Quote(id)}");
        }
        else if (id is not null && !profile.RuleIds.TryAdd(id, rule.PathOf("id")))
        {
            rule.Problem("id", $"\"{id}\" is already the id of {profile.RuleIds[id]}: rule ids must be unique, estimates cite them");
        }

        var kind = rule.String("kind", required: true, maxLength: 64);
        KindReader? readKind = null;
        if (kind is not null && !Kinds.TryGetValue(kind, out readKind))
        {
            rule.Problem("kind", $"must be one of {string.Join(", ", Kinds.Keys.Select(k => $"\"{k}\""))}; got {Echo.Quote(kind)}");
        }

        var from = rule.Date("from", required: true);
        var until = rule.Date("until", required: false);
        if (from is { } f && until is { } u && u <= f)
        {
            rule.Problem("until", $"must be after from ({f:yyyy-MM-dd}): the rule is in force from \"from\" up to the day before \"until\"; got {u:yyyy-MM-dd}");
        }
        var legalSource = rule.String("legalSource", required: true, maxLength: 500);
        var channels = Names(rule, "channels", ChannelNames, problems);
        var categories = Names(rule, "categories", CategoryNames, problems);

        var header = new RuleHeader(id ?? "", kind ?? "", from ?? DateOnly.MinValue, until, legalSource ?? "", channels, categories);
        var parameters = rule.Object("parameters", required: true);
        TariffRule? read = null;
        if (parameters is not null && readKind is not null)
        {
            read = readKind(header, parameters, context);
            parameters.ReportUnknownProperties();
        }
        rule.ReportUnknownProperties();
        return problems.Count == problemsBefore ? read : null;
    }

    private static HashSet<T> Names<T>(ConfigFileObject rule, string name, Dictionary<string, T> allowed, List<string> problems)
    {
        var values = new HashSet<T>();
        foreach (var (text, path) in rule.Strings(name, required: false, maxLength: 32))
        {
            if (allowed.TryGetValue(text, out var value))
            {
                values.Add(value);
            }
            else
            {
                problems.Add($"{path}: must be one of {string.Join(", ", allowed.Keys)}; got {Echo.Quote(text)}");
            }
        }
        return values;
    }

    /// <summary>Two tax rules in force on the same day would tax a consignment twice.</summary>
    private static void CheckTaxRulesDoNotOverlap(List<(TariffRule Rule, string Path)> rules, List<string> problems)
    {
        var taxRules = rules.Where(r => r.Rule.Phase == RulePhase.Tax).ToList();
        for (var i = 0; i < taxRules.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (taxRules[j].Rule, taxRules[i].Rule);
                var overlap = (a.Until is not { } aUntil || b.From < aUntil) && (b.Until is not { } bUntil || a.From < bUntil);
                if (overlap)
                {
                    problems.Add($"{taxRules[i].Path}: tax rule {b.Id} is in force on days tax rule {a.Id} is too; a consignment would be taxed twice");
                }
            }
        }
    }

    [GeneratedRegex("^[A-Z][A-Z0-9-]{0,15}$")]
    private static partial Regex JurisdictionId();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex RuleId();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex TableName();

    [GeneratedRegex("^[0-9]{2,10}$")]
    private static partial Regex TariffPrefix();

    /// <summary>What must be unique across the whole profile.</summary>
    private sealed class ProfileState(List<string> problems)
    {
        public List<string> Problems { get; } = problems;

        public HashSet<string> JurisdictionIds { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> CountryOwners { get; } = new(StringComparer.Ordinal);

        /// <summary>Rule id to the path where it was first given.</summary>
        public Dictionary<string, string> RuleIds { get; } = new(StringComparer.Ordinal);
    }
}

/// <summary>
/// What the rule kinds of one jurisdiction need while they are read: its countries and rate tables, and the shared way amounts, percentages, countries and table references are read.
/// </summary>
internal sealed class JurisdictionContext(IReadOnlyList<string> countries, List<string> problems)
{
    /// <summary>Rates above 1000% are typing errors (the highest US rate of 2025 was 145%).</summary>
    public const decimal MaxPercent = 1000m;

    private const decimal MaxAmount = 1_000_000_000m;

    public IReadOnlyList<string> Countries { get; } = countries;

    public List<string> Problems { get; } = problems;

    /// <summary>The valid tables, by name.</summary>
    public Dictionary<string, RateTable> Tables { get; } = new(StringComparer.Ordinal);

    /// <summary>Every table name given, valid or not (a reference to an invalid table is not a second problem).</summary>
    public HashSet<string> DeclaredTables { get; } = new(StringComparer.Ordinal);

    /// <summary>An amount of money in the jurisdiction's currency, e.g. "150".</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Rules read their parameters through the jurisdiction context they are given, which owns the limits.")]
    public decimal? Amount(ConfigFileObject parameters, string name, bool required) =>
        parameters.Decimal(name, required, 0m, MaxAmount);

    /// <summary>A percentage, e.g. "21" or "25.5".</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1822", Justification = "Rules read their parameters through the jurisdiction context they are given, which owns the limits.")]
    public decimal? Percent(ConfigFileObject parameters, string name, bool required) =>
        parameters.Decimal(name, required, 0m, MaxPercent);

    /// <summary>A list of ISO 3166-1 alpha-2 codes; empty when absent.</summary>
    public IReadOnlySet<string> ReadCountries(ConfigFileObject parameters, string name)
    {
        var codes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (code, path) in parameters.Strings(name, required: false, maxLength: 2))
        {
            if (CountryCodes.Check(code) is { } problem)
            {
                Problems.Add($"{path}: {problem}");
            }
            else
            {
                codes.Add(code);
            }
        }
        return codes;
    }

    /// <summary>The table named by property <paramref name="name"/>, which must be keyed by one of <paramref name="keys"/>.</summary>
    public RateTable? Table(ConfigFileObject parameters, string name, params RateKey[] keys) =>
        parameters.String(name, required: true, maxLength: 32) is { } tableName
            ? Table(tableName, parameters.PathOf(name), keys)
            : null;

    /// <summary>The table <paramref name="tableName"/> referenced at <paramref name="path"/>.</summary>
    public RateTable? Table(string tableName, string path, params RateKey[] keys)
    {
        if (!Tables.TryGetValue(tableName, out var table))
        {
            if (!DeclaredTables.Contains(tableName))
            {
                Problems.Add($"{path}: there is no rate table \"{tableName}\" in this jurisdiction's rateTables");
            }
            return null;
        }
        if (!keys.Contains(table.KeyedBy))
        {
            Problems.Add($"{path}: rate table \"{tableName}\" is keyed by {KeyName(table.KeyedBy)}; this rule needs one keyed by {string.Join(" or ", keys.Select(KeyName))}");
            return null;
        }
        return table;
    }

    private static string KeyName(RateKey key) => key switch
    {
        RateKey.TariffCode => "tariffCode",
        RateKey.OriginCountry => "originCountry",
        _ => "destinationCountry",
    };
}

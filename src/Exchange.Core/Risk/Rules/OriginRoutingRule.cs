using Exchange.Core.Configuration;
using System.Collections.Frozen;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Countries of concern for where the goods come from and how they travel: the items' origin
/// (origin_country_code), the country of departure and the routing countries (WCO DM 064), as the
/// rule's appliesTo says. One hit per country of concern and role, naming every field where it
/// appears, weighted by the country's weight (the rule's when the country has none).
/// </summary>
internal sealed class OriginRoutingRule : RiskRule
{
    private static readonly IReadOnlyDictionary<string, Role> RoleNames = new Dictionary<string, Role>(StringComparer.Ordinal)
    {
        ["origin"] = Role.Origin,
        ["departure"] = Role.Departure,
        ["routing"] = Role.Routing,
    };

    private readonly Role _roles;
    private readonly FrozenDictionary<string, Country> _countries;

    private OriginRoutingRule(RuleHeader header, Role roles, Dictionary<string, Country> countries) : base(header)
    {
        _roles = roles;
        _countries = countries.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Where a country can appear on the declaration.</summary>
    [Flags]
    private enum Role
    {
        None = 0,
        Origin = 1,
        Departure = 2,
        Routing = 4,
    }

    private sealed record Country(string Code, string Label, int Weight);

    private readonly record struct Finding(Role Role, Country Country, string FieldPath);

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        List<Finding>? findings = null;
        if ((_roles & Role.Origin) != 0)
        {
            for (var i = 0; i < declaration.Items.Count; i++)
            {
                if (declaration.Items[i]?.OriginCountryCode is { Length: > 0 } origin && _countries.TryGetValue(origin, out var country))
                {
                    (findings ??= []).Add(new Finding(Role.Origin, country, $"items[{i}].origin_country_code"));
                }
            }
        }
        if (declaration.Transport is { } transport)
        {
            if ((_roles & Role.Departure) != 0 && _countries.TryGetValue(transport.DepartureCountryCode, out var departure))
            {
                (findings ??= []).Add(new Finding(Role.Departure, departure, "transport.departure_country_code"));
            }
            if ((_roles & Role.Routing) != 0)
            {
                for (var i = 0; i < transport.RoutingCountryCodes.Count; i++)
                {
                    if (_countries.TryGetValue(transport.RoutingCountryCodes[i], out var routing))
                    {
                        (findings ??= []).Add(new Finding(Role.Routing, routing, $"transport.routing_country_codes[{i}]"));
                    }
                }
            }
        }
        if (findings is not null)
        {
            Report(findings, hits);
        }
    }

    private void Report(List<Finding> findings, RiskHits hits)
    {
        foreach (var role in (ReadOnlySpan<Role>)[Role.Origin, Role.Departure, Role.Routing])
        {
            var reported = new HashSet<string>(StringComparer.Ordinal);
            foreach (var first in findings)
            {
                if (first.Role != role || !reported.Add(first.Country.Code))
                {
                    continue;
                }
                var paths = new List<string>();
                foreach (var finding in findings)
                {
                    if (finding.Role == role && finding.Country == first.Country)
                    {
                        paths.Add(finding.FieldPath);
                    }
                }
                var what = role switch
                {
                    Role.Origin => "origin of the goods",
                    Role.Departure => "country of departure",
                    _ => "routing country",
                };
                hits.Add(this, first.Country.Weight, ReferralType, Outcome,
                    $"{string.Join(", ", paths)}: {what} {first.Country.Code} is a country of concern ({first.Country.Label})",
                    System.Runtime.InteropServices.CollectionsMarshal.AsSpan(paths));
            }
        }
    }

    public static OriginRoutingRule Read(RuleHeader header, ConfigFileObject rule)
    {
        var roles = Role.None;
        foreach (var (name, path) in rule.Strings("appliesTo", required: true))
        {
            if (RoleNames.TryGetValue(name, out var role))
            {
                roles |= role;
            }
            else
            {
                rule.ProblemAt(path, $"\"{name}\" is not one of {string.Join(", ", RoleNames.Keys)}");
            }
        }

        var countries = new Dictionary<string, Country>(StringComparer.Ordinal);
        foreach (var (element, path) in rule.Array("countries", required: true))
        {
            var config = rule.ObjectAt(element, path);
            if (config is null)
            {
                continue;
            }
            var code = config.String("code", required: true, maxLength: 10);
            if (code is not null && !CountryCodes.IsAssigned(code))
            {
                config.Problem("code", $"\"{code}\" is not an assigned ISO 3166-1 alpha-2 country code (upper case)");
                code = null;
            }
            var label = config.String("label", required: true);
            var weight = config.Int("weight", required: false, 1, RuleSetReader.MaxWeight) ?? header.Weight;
            config.ReportUnknownProperties();
            if (code is not null && !countries.TryAdd(code, new Country(code, label ?? "", weight)))
            {
                config.Problem("code", $"\"{code}\" is listed twice");
            }
        }
        return new OriginRoutingRule(header, roles, countries);
    }
}

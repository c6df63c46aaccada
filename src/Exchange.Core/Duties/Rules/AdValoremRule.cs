using Exchange.Core.Configuration;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "adValorem": duty as a percentage of each open item's value, the sum of the rates its
/// tables give (e.g. the US effective IEEPA rate by origin plus the HTSUS rate by tariff code).
/// One line per item, each rounded to the cent.
/// <para>
/// The value is the customs value of the jurisdiction, parameter basis:
/// <list type="bullet">
/// <item>"CIF" (EU): the goods plus their share of transport and insurance, in proportion to
/// their value, because the EU customs value includes the cost of transport and insurance up to
/// the border (Art. 71(1)(e) Reg. (EU) 952/2013). The declaration gives transport to the
/// destination, so the estimate includes the whole of it, slightly more than the legal basis.</item>
/// <item>"FOB" (US): the goods alone, because US transaction value excludes international freight
/// and insurance (19 U.S.C. 1401a(b)(4)(A)).</item>
/// </list>
/// </para>
/// Parameters: rateTables (names, added together; required), basis (required).
/// </summary>
internal sealed class AdValoremRule : TariffRule
{
    private AdValoremRule(RuleHeader header, IReadOnlyList<RateTable> tables, ValueBasis basis)
        : base(header)
    {
        Tables = tables;
        Basis = basis;
    }

    public const string KindName = "adValorem";

    public IReadOnlyList<RateTable> Tables { get; }

    public ValueBasis Basis { get; }

    internal override RulePhase Phase => RulePhase.Duty;

    internal static AdValoremRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context)
    {
        var names = parameters.Strings("rateTables", required: true);
        var tables = new List<RateTable>();
        var ok = names.Count > 0;
        foreach (var (name, path) in names)
        {
            if (context.Table(name, path, RateKey.TariffCode, RateKey.OriginCountry) is { } table)
            {
                tables.Add(table);
            }
            else
            {
                ok = false;
            }
        }
        var basis = parameters.String("basis", required: true) switch
        {
            null => (ValueBasis?)null,
            "CIF" => ValueBasis.Cif,
            "FOB" => ValueBasis.Fob,
            var other => Invalid(parameters, other),
        };
        return ok && basis is { } b ? new AdValoremRule(header, tables, b) : null;

        static ValueBasis? Invalid(ConfigFileObject parameters, string other)
        {
            parameters.Problem("basis", $"must be \"CIF\" (goods, transport and insurance) or \"FOB\" (goods alone); got \"{other}\"");
            return null;
        }
    }

    internal override void Apply(Assessment assessment)
    {
        var currency = assessment.Currency;
        foreach (var item in assessment.Open.ToList())
        {
            var matches = Tables.Select(table => Find(table, item, assessment)).ToList();
            var percent = matches.Sum(match => match.Percent);
            var rates = matches.Count == 1
                ? matches[0].ToString()
                : $"{string.Join(" + ", matches)} = {DutyText.Percent(percent)}";
            var value = item.Value;
            var basis = DutyText.Amount(value, currency);
            if (Basis == ValueBasis.Cif)
            {
                var share = assessment.TransportAndInsuranceShare(item);
                value += share;
                basis = $"{DutyText.Amount(value, currency)} (goods {DutyText.Amount(item.Value, currency)} + transport and insurance {DutyText.Amount(share, currency)})";
            }
            var code = item.TariffCode.Length > 0 ? $"HS {item.TariffCode}" : "no HS code";
            assessment.Settle([item]);
            assessment.AddDuty(this, $"Item {item.Number} ({code}, origin {Origin(item)}): {rates} of {basis}", value * percent / 100m,
                new LineBasis(Base: value, RatePercent: percent));
        }
    }

    private static RateMatch Find(RateTable table, AssessedItem item, Assessment assessment)
    {
        var key = table.KeyedBy switch
        {
            RateKey.TariffCode => item.TariffCode,
            RateKey.OriginCountry => item.Origin,
            _ => assessment.Declaration.Transport.DestinationCountryCode,
        };
        return table.Find(key) ?? throw new InvalidOperationException($"Rate table {table.Id} has no default (checked when read).");
    }

    private static string Origin(AssessedItem item) => item.Origin.Length > 0 ? item.Origin : "unknown";
}

/// <summary>What an ad valorem rate is applied to.</summary>
internal enum ValueBasis
{
    /// <summary>Goods plus transport and insurance (cost, insurance, freight).</summary>
    Cif,

    /// <summary>Goods alone (free on board).</summary>
    Fob,
}

using Exchange.Core.Configuration;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "relief": the consignment is free of import duty when its intrinsic value does not
/// exceed a threshold. One kind serves the value-based reliefs of both jurisdictions:
/// <list type="bullet">
/// <item>EU consignments of negligible value up to EUR 150 (Art. 23(1) Reg. (EC) 1186/2009, until
/// the Council act approved on 11 February 2026 removes it on 1 July 2026);</item>
/// <item>EU gifts between private persons up to EUR 45 (Arts. 25-26 Reg. (EC) 1186/2009), which
/// also relieve VAT (Directive 2006/79/EC): parameters privatePersonsOnly and alsoRelievesTax;</item>
/// <item>US de minimis up to USD 800 (19 U.S.C. 1321(a)(2)(C)) and bona fide gifts up to USD 100
/// (19 U.S.C. 1321(a)(2)(A));</item>
/// <item>US de minimis with goods of China and Hong Kong excluded from 2 May 2025 (EO 14256):
/// parameter excludedOrigins. The other items keep the relief, the excluded ones stay open for
/// the next rule (ad valorem) and a line says why.</item>
/// </list>
/// Parameters: maxIntrinsicValue (required), privatePersonsOnly, excludedOrigins, alsoRelievesTax.
/// </summary>
internal sealed class ReliefRule : TariffRule
{
    private ReliefRule(RuleHeader header, decimal maxIntrinsicValue, bool privatePersonsOnly, IReadOnlySet<string> excludedOrigins, bool alsoRelievesTax)
        : base(header)
    {
        MaxIntrinsicValue = maxIntrinsicValue;
        PrivatePersonsOnly = privatePersonsOnly;
        ExcludedOrigins = excludedOrigins;
        AlsoRelievesTax = alsoRelievesTax;
    }

    public const string KindName = "relief";

    /// <summary>The highest intrinsic value relieved ("not exceeding"), in the jurisdiction's currency.</summary>
    public decimal MaxIntrinsicValue { get; }

    /// <summary>
    /// Only consignments from a private individual to a private individual (Art. 25(1) Reg. (EC)
    /// 1186/2009): both the consignor and the consignee must be declared as natural persons
    /// (ICS2 CL729 type of person 1); an undeclared type does not qualify.
    /// </summary>
    public bool PrivatePersonsOnly { get; }

    /// <summary>Countries of origin whose goods never get this relief.</summary>
    public IReadOnlySet<string> ExcludedOrigins { get; }

    /// <summary>Whether the relief also exempts the consignment from import VAT.</summary>
    public bool AlsoRelievesTax { get; }

    internal override RulePhase Phase => RulePhase.Duty;

    internal static ReliefRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context)
    {
        var max = context.Amount(parameters, "maxIntrinsicValue", required: true);
        var privatePersons = parameters.Bool("privatePersonsOnly", required: false) ?? false;
        var excluded = context.ReadCountries(parameters, "excludedOrigins");
        var relievesTax = parameters.Bool("alsoRelievesTax", required: false) ?? false;
        return max is { } m ? new ReliefRule(header, m, privatePersons, excluded, relievesTax) : null;
    }

    internal override void Apply(Assessment assessment)
    {
        var declaration = assessment.Declaration;
        if (assessment.Open.Count == 0
            || assessment.IntrinsicToTheCent > MaxIntrinsicValue
            || (PrivatePersonsOnly && !(IsNaturalPerson(declaration.Consignor) && IsNaturalPerson(declaration.Consignee))))
        {
            return;
        }

        var relieved = assessment.Open.Where(item => !ExcludedOrigins.Contains(item.Origin)).ToList();
        var excluded = assessment.Open.Where(item => ExcludedOrigins.Contains(item.Origin)).ToList();
        var currency = assessment.Currency;
        var what = PrivatePersonsOnly ? "Gift between private persons"
            : Categories.Count == 1 && Categories.Contains(ItemCategory.Gift) ? "Gift"
            : "Consignment";
        var value = $"intrinsic value {DutyText.Amount(assessment.IntrinsicToTheCent, currency)} does not exceed {DutyText.Amount(MaxIntrinsicValue, currency)}";
        if (relieved.Count > 0)
        {
            assessment.Settle(relieved);
            var scope = excluded.Count == 0 ? "" : $" ({DutyText.Items(relieved.Select(i => i.Number))})";
            var relief = AlsoRelievesTax && excluded.Count == 0 ? "import duty and VAT" : "import duty";
            assessment.AddDuty(this, $"{what} free of {relief}{scope}: {value}", 0m);
        }
        if (excluded.Count > 0)
        {
            var origins = string.Join(", ", ExcludedOrigins.Order(StringComparer.Ordinal));
            assessment.AddDuty(this,
                $"Relief not available for {DutyText.Items(excluded.Select(i => i.Number))}: goods of {origins} origin are excluded; duty is due",
                0m);
        }
        else if (AlsoRelievesTax)
        {
            assessment.RelieveTax(this);
        }
    }

    private static bool IsNaturalPerson(Party? party) => party?.Type == PartyType.NaturalPerson;
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "vat": EU VAT on the imported goods at the standard rate of the member state of
/// destination.
/// <para>
/// Taxable amount: the customs value plus the duty and the incidental costs (transport,
/// insurance) to the place of destination (Arts. 85 and 86(1) Directive 2006/112/EC), i.e. the
/// intrinsic value + transport + insurance + the duty of this estimate. Under IOSS the tax is on
/// the supply instead (the consideration, Art. 73) and the seller usually sells delivered duty
/// paid, so the same amount is the estimate there too.
/// </para>
/// <para>
/// How it is collected, which the line says: when the declaration carries an IOSS number and the
/// intrinsic value does not exceed the IOSS ceiling (EUR 150, Art. 369l), the seller or
/// marketplace charged the VAT at sale and declares it through the Import One-Stop Shop
/// (Arts. 369l-369x); the importation is exempt (Art. 143(1)(ca)). Otherwise it is import VAT,
/// due at importation (Arts. 30, 70) and collected from the consignee, for consignments up to
/// EUR 150 possibly by the carrier under the special arrangements (Arts. 369y-369zb).
/// </para>
/// Parameters: rateTable (keyed by destinationCountry), iossMaxIntrinsicValue (both required).
/// </summary>
internal sealed class VatRule : TariffRule
{
    private VatRule(RuleHeader header, RateTable rates, decimal iossMaxIntrinsicValue)
        : base(header)
    {
        Rates = rates;
        IossMaxIntrinsicValue = iossMaxIntrinsicValue;
    }

    public const string KindName = "vat";

    public RateTable Rates { get; }

    public decimal IossMaxIntrinsicValue { get; }

    internal override RulePhase Phase => RulePhase.Tax;

    internal static VatRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context)
    {
        var table = context.Table(parameters, "rateTable", RateKey.DestinationCountry);
        var ceiling = context.Amount(parameters, "iossMaxIntrinsicValue", required: true);
        return table is not null && ceiling is { } c ? new VatRule(header, table, c) : null;
    }

    internal override void Apply(Assessment assessment)
    {
        if (assessment.TaxRelievedBy is { } relief)
        {
            assessment.AddTax(this, $"No VAT: the consignment is relieved of it under {relief.Id}", 0m);
            return;
        }

        var destination = assessment.Declaration.Transport.DestinationCountryCode;
        var rate = Rates.Find(destination)
            ?? throw new InvalidOperationException($"Rate table {Rates.Id} has no rate for {destination} (checked when read).");
        var currency = assessment.Currency;
        var taxable = assessment.Intrinsic + assessment.Transport + assessment.Insurance + assessment.Duty;
        var parts = new List<string> { $"goods {DutyText.Amount(assessment.Intrinsic, currency)}" };
        if (assessment.Transport != 0m)
        {
            parts.Add($"transport {DutyText.Amount(assessment.Transport, currency)}");
        }
        if (assessment.Insurance != 0m)
        {
            parts.Add($"insurance {DutyText.Amount(assessment.Insurance, currency)}");
        }
        if (assessment.Duty != 0m)
        {
            parts.Add($"duty {DutyText.Amount(assessment.Duty, currency)}");
        }
        var ioss = assessment.Declaration.IossNumber is { Length: > 0 } number && assessment.IntrinsicToTheCent <= IossMaxIntrinsicValue
            ? number
            : null;
        var collection = ioss is not null
            ? $"charged by the seller through IOSS {ioss}; the importation is exempt"
            : "import VAT, collected at importation";
        assessment.AddTax(this,
            $"VAT {DutyText.Percent(rate.Percent)} ({destination}) of {DutyText.Amount(taxable, currency)} ({string.Join(" + ", parts)}): {collection}",
            taxable * rate.Percent / 100m,
            new LineBasis(Base: taxable, RatePercent: rate.Percent, PaidAtSale: ioss is not null));
    }

    internal override TaxType TaxType => TaxType.Vat;
}

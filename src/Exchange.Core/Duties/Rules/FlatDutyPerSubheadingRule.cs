using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Configuration;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "flatDutyPerSubheading": a fixed duty for each distinct tariff subheading in a
/// consignment whose intrinsic value does not exceed a threshold. The EU's interim duty of EUR 3
/// from 1 July 2026 to 1 July 2028 (approved by the Council on 11 February 2026): "1 silk
/// blouse + 2 wool blouses" are 2 subheadings (6206 10, 6206 20), so EUR 6, whatever the
/// quantities.
/// <para>
/// A subheading is the first 6 digits of the declared HS code (the HS subheading every
/// declaration at house level gives, ICS2). An item declared without an HS code counts as a
/// subheading of its own: nothing shows that it shares one with another item, and counting it
/// once is the reading that never under-estimates the duty.
/// </para>
/// Parameters: maxIntrinsicValue, amountPerSubheading (both required).
/// </summary>
internal sealed class FlatDutyPerSubheadingRule : TariffRule
{
    private const int SubheadingDigits = 6;

    private FlatDutyPerSubheadingRule(RuleHeader header, decimal maxIntrinsicValue, decimal amountPerSubheading)
        : base(header)
    {
        MaxIntrinsicValue = maxIntrinsicValue;
        AmountPerSubheading = amountPerSubheading;
    }

    public const string KindName = "flatDutyPerSubheading";

    public decimal MaxIntrinsicValue { get; }

    public decimal AmountPerSubheading { get; }

    internal override RulePhase Phase => RulePhase.Duty;

    internal static FlatDutyPerSubheadingRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context)
    {
        var max = context.Amount(parameters, "maxIntrinsicValue", required: true);
        var amount = context.Amount(parameters, "amountPerSubheading", required: true);
        return max is { } m && amount is { } a ? new FlatDutyPerSubheadingRule(header, m, a) : null;
    }

    internal override void Apply(Assessment assessment)
    {
        if (assessment.Open.Count == 0 || assessment.IntrinsicToTheCent > MaxIntrinsicValue)
        {
            return;
        }

        var items = assessment.Open.ToList();
        var subheadings = items
            .Where(HasSubheading)
            .Select(item => item.TariffCode[..SubheadingDigits])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        var uncoded = items.Where(item => !HasSubheading(item)).Select(item => item.Number).ToList();
        var count = subheadings.Count + uncoded.Count;

        var counted = new List<string>();
        if (subheadings.Count > 0)
        {
            counted.Add(string.Join(", ", subheadings));
        }
        if (uncoded.Count > 0)
        {
            counted.Add($"{DutyText.Items(uncoded)} without an HS code, each counted on its own");
        }
        var noun = count == 1 ? "distinct tariff subheading" : "distinct tariff subheadings";
        assessment.Settle(items);
        assessment.AddDuty(this,
            $"{DutyText.Amount(AmountPerSubheading, assessment.Currency)} x {count} {noun} ({string.Join("; ", counted)})",
            AmountPerSubheading * count,
            new LineBasis(Quantity: count, UnitAmount: AmountPerSubheading));
    }

    internal override TaxType TaxType => TaxType.FlatDutyPerSubheading;

    private static bool HasSubheading(AssessedItem item) =>
        item.TariffCode.Length >= SubheadingDigits && item.TariffCode[..SubheadingDigits].All(char.IsAsciiDigit);
}

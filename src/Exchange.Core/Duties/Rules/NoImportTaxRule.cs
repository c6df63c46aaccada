using Exchange.Core.Configuration;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "noImportTax": the jurisdiction collects no tax at importation, e.g. the United States,
/// which has no federal VAT or sales tax on imports (state sales and use taxes are not collected
/// by customs and are not estimated). The estimate says so with a line of zero amount rather than
/// staying silent. Parameters: text (required).
/// </summary>
internal sealed class NoImportTaxRule : TariffRule
{
    private NoImportTaxRule(RuleHeader header, string text)
        : base(header) => Text = text;

    public const string KindName = "noImportTax";

    public string Text { get; }

    internal override RulePhase Phase => RulePhase.Tax;

    internal static NoImportTaxRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context) =>
        parameters.String("text", required: true) is { } text ? new NoImportTaxRule(header, text) : null;

    internal override void Apply(Assessment assessment) => assessment.AddTax(this, Text, 0m);
}

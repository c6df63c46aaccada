using Exchange.Core.Configuration;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "notice": a line of zero amount that explains the law in force, e.g. "De minimis is
/// suspended for all countries (EO 14324)", so whoever reads the estimate learns why a consignment
/// that used to be free now pays. Shown only while some item is still open, i.e. when it explains
/// the duty that follows. Parameters: text (required).
/// </summary>
internal sealed class NoticeRule : TariffRule
{
    private NoticeRule(RuleHeader header, string text)
        : base(header) => Text = text;

    public const string KindName = "notice";

    public string Text { get; }

    internal override RulePhase Phase => RulePhase.Duty;

    internal static NoticeRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context) =>
        parameters.String("text", required: true) is { } text ? new NoticeRule(header, text) : null;

    internal override void Apply(Assessment assessment)
    {
        if (assessment.Open.Count > 0)
        {
            assessment.AddDuty(this, Text, 0m);
        }
    }
}

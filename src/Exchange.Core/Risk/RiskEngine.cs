using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Configuration;
using Exchange.Core.Monetary;
using Exchange.Core.Risk.Rules;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Risk;

/// <summary>
/// Assesses declarations against an administration's rule set. Pure and thread-safe: everything
/// that needs a store (known-shipper status, the consignee's recent consignments) arrives in the
/// <see cref="RiskContext"/>, so one engine serves every request and assessing is cheap.
/// </summary>
public sealed class RiskEngine
{
    private readonly RuleSet _rules;
    private readonly ExchangeRates _rates;
    private readonly RiskRule[] _ruleArray;

    /// <summary>
    /// An engine for <paramref name="rules"/> converting with <paramref name="rates"/>. Throws
    /// <see cref="ConfigurationFileException"/> when a currency the rules use has no rate.
    /// </summary>
    public RiskEngine(RuleSet rules, ExchangeRates rates)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(rates);
        var problems = new List<string>();
        foreach (var rule in rules.Rules)
        {
            rule.CheckRates(rates, problems);
        }
        if (problems.Count > 0)
        {
            throw new ConfigurationFileException(rules.Source, problems);
        }
        _rules = rules;
        _rates = rates;
        _ruleArray = [.. rules.Rules];
        SplitShipmentWindow = rules.Rules.OfType<SplitShipmentRule>().FirstOrDefault()?.Window ?? TimeSpan.Zero;
    }

    /// <summary>The rule set's version, written into every assessment.</summary>
    public string RuleSetVersion => _rules.Version;

    /// <summary>How far back the split-shipment rule looks; the caller queries the consignee's activity since AssessTime minus this.</summary>
    /// <remarks>Zero when the rule set has no split-shipment rule (the caller can skip the query).</remarks>
    public TimeSpan SplitShipmentWindow { get; }

    /// <summary>
    /// The assessment of a declaration: score, every hit with its reason, recommended outcome and
    /// referral types. The caller sets name, declaration_revision and flagged_agencies.
    /// </summary>
    public RiskAssessment Assess(Declaration declaration, RiskContext context)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(context);
        var assessment = new RiskAssessment
        {
            RuleSetVersion = _rules.Version,
            AssessTime = Timestamp.FromDateTimeOffset(context.AssessTime),
            KnownShipperEnrolment = context.KnownShipperEnrolment ?? "",
        };
        var hits = new RiskHits(assessment.Hits);
        foreach (var rule in _ruleArray)
        {
            if (rule.IsInForceAt(context.AssessTime))
            {
                rule.Evaluate(declaration, context, _rates, hits);
            }
        }

        // A favourable hit may pull the sum below zero; the score never goes there (risk_assessment.proto).
        assessment.Score = Math.Max(0, hits.WeightSum);
        assessment.RecommendedOutcome = OutcomeOf(assessment.Score, hits.StrongestOutcome);
        if (assessment.RecommendedOutcome == DecisionOutcome.Hold)
        {
            AddReferralTypes(assessment);
        }
        return assessment;
    }

    /// <summary>The text addressed to the filer for a referral of this type (never names rules or lists).</summary>
    public string ReferralText(ReferralType type) =>
        _rules.ReferralTexts.TryGetValue(type, out var text)
            ? text
            : throw new ArgumentOutOfRangeException(nameof(type), type, "Not a referral type the rule set has a text for.");

    /// <summary>The HRCM screening method to recommend (ICS2 CL724), e.g. "XRY".</summary>
    public string RecommendedScreeningMethod => _rules.RecommendedScreeningMethod;

    private DecisionOutcome OutcomeOf(int score, HitOutcome forced)
    {
        if (forced == HitOutcome.Reject || score >= _rules.RejectThreshold)
        {
            return DecisionOutcome.Reject;
        }
        return forced == HitOutcome.Hold || score >= _rules.HoldThreshold ? DecisionOutcome.Hold : DecisionOutcome.Release;
    }

    /// <summary>
    /// The distinct referral types of the hits that count against the declaration, in the order of
    /// the enum (request for information, HRCM screening, do not load) so that the same hits
    /// always open the same referrals in the same order. A hold with no referral asked for still
    /// needs one for the filer to answer: a request for information.
    /// </summary>
    private static void AddReferralTypes(RiskAssessment assessment)
    {
        var wanted = 0;
        foreach (var hit in assessment.Hits)
        {
            if (hit.Weight > 0 && hit.ReferralType != ReferralType.Unspecified)
            {
                wanted |= 1 << (int)hit.ReferralType;
            }
        }
        if (wanted == 0)
        {
            assessment.ReferralTypes.Add(ReferralType.RequestForInformation);
            return;
        }
        foreach (var type in (ReadOnlySpan<ReferralType>)[ReferralType.RequestForInformation, ReferralType.HrcmScreening, ReferralType.DoNotLoad])
        {
            if ((wanted & (1 << (int)type)) != 0)
            {
                assessment.ReferralTypes.Add(type);
            }
        }
    }
}

/// <summary>What the rules need beyond the declaration itself, gathered by the caller before assessing.</summary>
/// <param name="AssessTime">The moment of assessment; dated rules and the split-shipment window use it.</param>
/// <param name="KnownShipperEnrolment">The enrolment name that counts for the seller or consignor, or null.</param>
/// <param name="ConsigneeActivity">The consignee's consignments since AssessTime - SplitShipmentWindow, this one included.</param>
public sealed record RiskContext(DateTimeOffset AssessTime, string? KnownShipperEnrolment, Storage.ConsigneeActivity ConsigneeActivity);

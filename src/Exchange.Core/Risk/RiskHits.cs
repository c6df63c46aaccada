using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Google.Protobuf.Collections;

namespace Exchange.Core.Risk;

/// <summary>
/// The hits of one assessment as the rules find them: written straight into the assessment's
/// repeated field, with the running sum of weights and the strongest outcome a hit forces.
/// </summary>
internal sealed class RiskHits(RepeatedField<RuleHit> hits)
{
    /// <summary>The sum of the weights of the hits so far (may be negative).</summary>
    public int WeightSum { get; private set; }

    /// <summary>The strongest outcome any hit forces.</summary>
    public HitOutcome StrongestOutcome { get; private set; }

    /// <summary>A hit of <paramref name="rule"/> with the rule's weight, referral and outcome.</summary>
    public void Add(RiskRule rule, string reason, params ReadOnlySpan<string> fieldPaths) =>
        Add(rule, rule.Weight, rule.ReferralType, rule.Outcome, reason, fieldPaths);

    /// <summary>A hit of <paramref name="rule"/> whose weight, referral or outcome a rule entry overrides.</summary>
    public void Add(RiskRule rule, int weight, ReferralType referralType, HitOutcome outcome, string reason, params ReadOnlySpan<string> fieldPaths)
    {
        var hit = new RuleHit
        {
            RuleId = rule.Id,
            Kind = rule.Kind,
            Weight = weight,
            Reason = reason,
            ReferralType = referralType,
        };
        foreach (var path in fieldPaths)
        {
            hit.FieldPaths.Add(path);
        }
        hits.Add(hit);
        WeightSum += weight;
        if (outcome > StrongestOutcome)
        {
            StrongestOutcome = outcome;
        }
    }
}

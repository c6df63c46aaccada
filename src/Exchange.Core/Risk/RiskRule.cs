using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Monetary;

namespace Exchange.Core.Risk;

/// <summary>
/// One configured rule of a rule set. Built once from the rules file with every look-up it needs
/// precomputed; <see cref="Evaluate"/> is then called for every declaration, from many threads at
/// once, so a rule holds no mutable state.
/// </summary>
internal abstract class RiskRule(RuleHeader header)
{
    public string Id => header.Id;

    public RuleKind Kind => header.Kind;

    /// <summary>What a hit adds to the score (negative for a favourable rule).</summary>
    public int Weight => header.Weight;

    /// <summary>The referral a hit calls for if the declaration is held; Unspecified for none.</summary>
    public ReferralType ReferralType => header.ReferralType;

    /// <summary>The outcome a hit forces whatever the score (None: the score decides).</summary>
    public HitOutcome Outcome => header.Outcome;

    /// <summary>The rule's place in the rules file, e.g. "$.rules[3]", for problems found later.</summary>
    public string Path => header.Path;

    /// <summary>Whether the rule is in force at <paramref name="time"/> (its optional effective dates).</summary>
    public bool IsInForceAt(DateTimeOffset time) =>
        (header.EffectiveFrom is not { } from || time >= from) && (header.EffectiveUntil is not { } until || time < until);

    /// <summary>Adds this rule's hits on <paramref name="declaration"/>, if any, to <paramref name="hits"/>.</summary>
    public abstract void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits);

    /// <summary>Adds a problem for every currency the rule needs that <paramref name="rates"/> cannot convert.</summary>
    public virtual void CheckRates(ExchangeRates rates, List<string> problems)
    {
    }
}

/// <summary>The settings every rule has, whatever its kind (see the rules file's documentation).</summary>
internal sealed record RuleHeader(
    string Id,
    RuleKind Kind,
    int Weight,
    ReferralType ReferralType,
    HitOutcome Outcome,
    DateTimeOffset? EffectiveFrom,
    DateTimeOffset? EffectiveUntil,
    string Path);

/// <summary>The outcome a hit forces on the declaration, whatever the score.</summary>
internal enum HitOutcome
{
    /// <summary>The score alone decides.</summary>
    None = 0,

    /// <summary>The declaration is held at least (e.g. prohibited goods awaiting an officer).</summary>
    Hold = 1,

    /// <summary>The declaration is rejected.</summary>
    Reject = 2,
}

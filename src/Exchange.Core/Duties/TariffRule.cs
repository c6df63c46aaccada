using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Duties;

/// <summary>
/// One dated rule of a jurisdiction: what it computes (its kind and parameters), when it is in
/// force (the half-open period [<see cref="From"/>, <see cref="Until"/>), in the jurisdiction's
/// local dates), which consignments it concerns (channels, categories) and the law it applies.
/// The kinds live in Duties/Rules, one class each.
/// </summary>
public abstract class TariffRule
{
    private protected TariffRule(RuleHeader header)
    {
        Id = header.Id;
        Kind = header.Kind;
        From = header.From;
        Until = header.Until;
        LegalSource = header.LegalSource;
        Channels = header.Channels;
        Categories = header.Categories;
    }

    /// <summary>The stable id written into every estimate line, e.g. "eu-flat-duty-per-subheading".</summary>
    public string Id { get; }

    /// <summary>The kind as written in the file, e.g. "flatDutyPerSubheading".</summary>
    public string Kind { get; }

    /// <summary>The first day the rule applies.</summary>
    public DateOnly From { get; }

    /// <summary>The first day the rule no longer applies; null while it has no end.</summary>
    public DateOnly? Until { get; }

    /// <summary>The legal source, copied into every line the rule produces.</summary>
    public string LegalSource { get; }

    /// <summary>The channels the rule concerns; empty for all.</summary>
    public IReadOnlySet<Channel> Channels { get; }

    /// <summary>The categories (CN22/CN23 boxes) the rule concerns; empty for all.</summary>
    public IReadOnlySet<ItemCategory> Categories { get; }

    /// <summary>Whether the rule is in force on <paramref name="date"/> (a local date of the jurisdiction).</summary>
    public bool InForceOn(DateOnly date) => From <= date && (Until is not { } until || date < until);

    /// <summary>
    /// The kind of duty or tax the rule's lines are: customs duty for a duty rule (a relief and a
    /// notice add lines of no amount), another import tax for a tax rule, unless the kind says more.
    /// </summary>
    internal virtual TaxType TaxType => Phase == RulePhase.Duty ? TaxType.CustomsDuty : TaxType.OtherImportTax;

    /// <summary>Whether the rule settles duty (tried in file order) or computes tax (after every duty rule).</summary>
    internal abstract RulePhase Phase { get; }

    internal bool Concerns(Declaration declaration) =>
        (Channels.Count == 0 || Channels.Contains(declaration.Channel))
        && (Categories.Count == 0 || Categories.Contains(declaration.Category));

    /// <summary>Adds this rule's lines to the assessment (and, for a duty rule, settles the items it covers).</summary>
    internal abstract void Apply(Assessment assessment);
}

/// <summary>
/// When a rule runs. Duty rules run first, in file order, each settling the items it covers so a
/// later rule (e.g. ad valorem) only sees what an earlier one (e.g. a relief) left; tax rules run
/// after, because import VAT is computed on the duty (Art. 86(1)(a) Directive 2006/112/EC).
/// </summary>
internal enum RulePhase
{
    Duty,
    Tax,
}

/// <summary>The part of a rule every kind has, as read from the file.</summary>
internal sealed record RuleHeader(
    string Id,
    string Kind,
    DateOnly From,
    DateOnly? Until,
    string LegalSource,
    IReadOnlySet<Channel> Channels,
    IReadOnlySet<ItemCategory> Categories);

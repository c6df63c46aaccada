using Exchange.Core.Configuration;
using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Duties.Rules;

/// <summary>
/// Kind "postalSpecificDuty": a flat duty per postal item, by band of the effective rate of the
/// goods' country of origin. The US specific-duty method for postal shipments of EO 14324
/// (30 July 2025, effective 29 August 2025): USD 80 per item where the effective IEEPA rate is
/// below 16%, USD 160 from 16% to 25%, USD 200 above 25%, offered for 6 months, after which
/// only the ad valorem method remains.
/// <para>
/// "Per item" is per postal item, i.e. per parcel: the EO puts the duty on the item in the
/// international postal network, and CBP collects it per package from the carrier (CBP guidance
/// to carriers of international mail, Aug 2025). A declaration of the Exchange is one parcel, so
/// the duty is charged once per declaration whatever the number of goods items. When the goods
/// have several origins the highest rate decides the band, as CBP's guidance says.
/// </para>
/// Only the postal channel is concerned. Parameters: rateTable (keyed by originCountry),
/// bands (in ascending order, each with "below" or "atMost" a rate and an "amount"; the last band
/// has no bound and takes every higher rate).
/// </summary>
internal sealed class PostalSpecificDutyRule : TariffRule
{
    private PostalSpecificDutyRule(RuleHeader header, RateTable rates, IReadOnlyList<Band> bands)
        : base(header)
    {
        Rates = rates;
        Bands = bands;
    }

    public const string KindName = "postalSpecificDuty";

    public RateTable Rates { get; }

    public IReadOnlyList<Band> Bands { get; }

    internal override RulePhase Phase => RulePhase.Duty;

    internal static PostalSpecificDutyRule? Read(RuleHeader header, ConfigFileObject parameters, JurisdictionContext context)
    {
        var table = context.Table(parameters, "rateTable", RateKey.OriginCountry);
        var bands = new List<Band>();
        var ok = true;
        decimal? previous = null;
        var entries = parameters.Objects("bands", required: true);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            var last = i == entries.Count - 1;
            var below = context.Percent(entry, "below", required: false);
            var atMost = context.Percent(entry, "atMost", required: false);
            var amount = context.Amount(entry, "amount", required: true);
            entry.ReportUnknownProperties();
            var bound = below ?? atMost;
            if (entry.Has("below") && entry.Has("atMost"))
            {
                entry.Problem("give either \"below\" or \"atMost\", not both");
                ok = false;
            }
            else if (!last && !entry.Has("below") && !entry.Has("atMost"))
            {
                entry.Problem("every band but the last needs \"below\" or \"atMost\"");
                ok = false;
            }
            else if (last && (entry.Has("below") || entry.Has("atMost")))
            {
                entry.Problem("the last band takes every higher rate: it has no \"below\" or \"atMost\"");
                ok = false;
            }
            if (bound is { } b && previous is { } p && b <= p)
            {
                entry.Problem($"bands must be in ascending order: {DutyText.Percent(b)} does not exceed {DutyText.Percent(p)}");
                ok = false;
            }
            previous = bound ?? previous;
            if (amount is { } a)
            {
                bands.Add(new Band(below, atMost, a));
            }
            else
            {
                ok = false;
            }
        }
        return table is not null && ok && bands.Count > 0 ? new PostalSpecificDutyRule(header, table, bands) : null;
    }

    internal override void Apply(Assessment assessment)
    {
        if (assessment.Declaration.Channel != Channel.Postal || assessment.Open.Count == 0)
        {
            return;
        }

        var items = assessment.Open.ToList();
        var highest = items
            .Select(item => Rates.Find(item.Origin) ?? throw new InvalidOperationException($"Rate table {Rates.Id} has no default (checked when read)."))
            .MaxBy(match => match.Percent);
        var index = Enumerable.Range(0, Bands.Count).First(i => Bands[i].Takes(highest.Percent));
        var band = Bands[index];
        assessment.Settle(items);
        assessment.AddDuty(this,
            $"{DutyText.Amount(band.Amount, assessment.Currency)} per postal item (this parcel): "
            + $"highest effective rate {highest} is {band.Describe(index == 0 ? null : Bands[index - 1])}",
            band.Amount,
            new LineBasis(Quantity: 1, UnitAmount: band.Amount));
    }

    internal override TaxType TaxType => TaxType.SpecificDutyPerItem;

    /// <summary>One band: the rates below (or at most) a bound, and the amount per postal item.</summary>
    internal sealed record Band(decimal? Below, decimal? AtMost, decimal Amount)
    {
        public bool Takes(decimal percent) =>
            Below is { } below ? percent < below
            : AtMost is { } atMost ? percent <= atMost
            : true;

        /// <summary>"below 16%", "16% to 25%", "over 25%".</summary>
        public string Describe(Band? previous)
        {
            var from = previous switch
            {
                { Below: { } b } => DutyText.Percent(b),
                { AtMost: { } m } => $"over {DutyText.Percent(m)}",
                _ => null,
            };
            return (from, Below, AtMost) switch
            {
                (null, { } b, _) => $"below {DutyText.Percent(b)}",
                (null, _, { } m) => $"at most {DutyText.Percent(m)}",
                (_, { } b, _) => $"{from}, below {DutyText.Percent(b)}",
                (_, _, { } m) => previous?.Below is not null ? $"{from} to {DutyText.Percent(m)}" : $"{from}, at most {DutyText.Percent(m)}",
                _ => previous?.Below is { } pb ? $"{DutyText.Percent(pb)} or more" : from ?? "any rate",
            };
        }
    }
}

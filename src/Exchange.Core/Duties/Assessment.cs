using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;

namespace Exchange.Core.Duties;

/// <summary>
/// The working state of one estimate: the declaration's amounts converted to the jurisdiction's
/// currency (exact, unrounded), the items no duty rule has settled yet, and the lines so far.
/// Each line is rounded to the cent (half away from zero) when it is added, and the totals are
/// sums of rounded lines, so the lines always add up to the totals shown.
/// </summary>
internal sealed class Assessment
{
    private readonly List<AssessedItem> _open;
    private readonly List<DutyLine> _dutyLines = [];
    private readonly List<DutyLine> _taxLines = [];

    public Assessment(Declaration declaration, Jurisdiction jurisdiction, ExchangeRates rates, DateOnly date)
    {
        Declaration = declaration;
        Jurisdiction = jurisdiction;
        Date = date;
        Currency = jurisdiction.Currency;
        Items = [.. declaration.Items.Select((item, index) => new AssessedItem(
            index + 1,
            rates.Convert(ExactMoney.ToDecimal(item.Value), item.Value.CurrencyCode, Currency),
            OriginOf(declaration, item),
            item.HsCode ?? ""))];
        Intrinsic = IntrinsicValue.Of(declaration, rates, Currency);
        Transport = Convert(declaration.Totals?.TransportCharges, rates);
        Insurance = Convert(declaration.Totals?.Insurance, rates);
        _open = [.. Items];
    }

    public Declaration Declaration { get; }

    public Jurisdiction Jurisdiction { get; }

    /// <summary>The local date of acceptance in the jurisdiction, which selects the rules.</summary>
    public DateOnly Date { get; }

    public string Currency { get; }

    /// <summary>Every goods item, numbered from 1 as in the declaration (WCO DM 006).</summary>
    public IReadOnlyList<AssessedItem> Items { get; }

    /// <summary>The intrinsic value in the jurisdiction's currency, unrounded.</summary>
    public decimal Intrinsic { get; }

    /// <summary>
    /// The intrinsic value to the cent, which thresholds are compared with: a consignment of
    /// USD 162.74 is "not exceeding EUR 150" when it converts to EUR 149.998 and is shown as
    /// EUR 150.00; comparing the unrounded value would contradict the amount the estimate shows.
    /// </summary>
    public decimal IntrinsicToTheCent => ExactMoney.ToCents(Intrinsic);

    /// <summary>Transport (postal) charges in the jurisdiction's currency, unrounded; 0 when not declared.</summary>
    public decimal Transport { get; }

    /// <summary>Insurance in the jurisdiction's currency, unrounded; 0 when not declared.</summary>
    public decimal Insurance { get; }

    /// <summary>The items no duty rule has settled yet, in declaration order.</summary>
    public IReadOnlyList<AssessedItem> Open => _open;

    /// <summary>The duty so far: the sum of the rounded duty lines.</summary>
    public decimal Duty { get; private set; }

    /// <summary>The tax so far: the sum of the rounded tax lines.</summary>
    public decimal Tax { get; private set; }

    /// <summary>The relief that also exempts the consignment from tax (e.g. a gift between private persons), if any.</summary>
    public TariffRule? TaxRelievedBy { get; private set; }

    /// <summary>
    /// The share of transport and insurance that falls on <paramref name="item"/>, in proportion to
    /// its value: the customs value of each item includes the cost of bringing it to the border
    /// (Art. 71(1)(e) Reg. (EU) 952/2013), and the declaration gives that cost per consignment.
    /// </summary>
    public decimal TransportAndInsuranceShare(AssessedItem item) =>
        Intrinsic == 0m ? 0m : (Transport + Insurance) * item.Value / Intrinsic;

    /// <summary>Marks <paramref name="items"/> as settled: later duty rules no longer see them.</summary>
    public void Settle(IEnumerable<AssessedItem> items)
    {
        foreach (var item in items.ToList())
        {
            _open.Remove(item);
        }
    }

    public void AddDuty(TariffRule rule, string description, decimal amount, LineBasis basis = default) =>
        Duty += Add(_dutyLines, rule.Id, description, amount, rule.LegalSource, rule.TaxType, basis);

    public void AddTax(TariffRule rule, string description, decimal amount, LineBasis basis = default) =>
        Tax += Add(_taxLines, rule.Id, description, amount, rule.LegalSource, rule.TaxType, basis);

    public void RelieveTax(TariffRule rule) => TaxRelievedBy = rule;

    /// <summary>
    /// Records the items no duty rule in force covered, so the estimate says what it left out
    /// instead of pretending they are free of duty.
    /// </summary>
    public void CloseDuty()
    {
        if (_open.Count > 0)
        {
            Add(_dutyLines, "no-duty-rule",
                $"No duty rule in force on {Date:yyyy-MM-dd} covers {DutyText.Items(_open.Select(i => i.Number))}: their duty is not estimated",
                0m, "", TaxType.CustomsDuty, default);
        }
    }

    public DutyEstimate ToEstimate(string ratesNote) => new()
    {
        Jurisdiction = Jurisdiction.Id,
        Duty = ExactMoney.FromDecimal(Duty, Currency),
        Tax = ExactMoney.FromDecimal(Tax, Currency),
        Total = ExactMoney.FromDecimal(Duty + Tax, Currency),
        IntrinsicValue = ExactMoney.FromDecimal(IntrinsicToTheCent, Currency),
        Lines = { _dutyLines, _taxLines },
        RatesNote = ratesNote,
    };

    private decimal Add(
        List<DutyLine> lines, string ruleId, string description, decimal amount, string legalSource, TaxType type, LineBasis basis)
    {
        var rounded = ExactMoney.ToCents(amount);
        lines.Add(new DutyLine
        {
            RuleId = ruleId,
            Description = description,
            Amount = ExactMoney.FromDecimal(rounded, Currency),
            LegalSource = legalSource,
            TaxType = type,
            Base = basis.Base is { } b ? ExactMoney.FromDecimal(b, Currency) : null,
            RatePercent = basis.RatePercent is { } rate ? new Google.Type.Decimal { Value = rate.ToString(System.Globalization.CultureInfo.InvariantCulture) } : null,
            Quantity = basis.Quantity,
            UnitAmount = basis.UnitAmount is { } unit ? ExactMoney.FromDecimal(unit, Currency) : null,
            PaidAtSale = basis.PaidAtSale,
        });
        return rounded;
    }

    private decimal Convert(Google.Type.Money? money, ExchangeRates rates) =>
        money is null || (money.Units == 0 && money.Nanos == 0)
            ? 0m
            : rates.Convert(ExactMoney.ToDecimal(money), money.CurrencyCode, Currency);

    /// <summary>
    /// The country of origin of an item: as declared; for items declared without one (gifts and
    /// documents need none), the consignor's country, then the country of departure. Origin rules
    /// need a country, and where the goods were sent from is the best evidence left.
    /// </summary>
    private static string OriginOf(Declaration declaration, GoodsItem item) =>
        new[] { item.OriginCountryCode, declaration.Consignor?.Address?.CountryCode, declaration.Transport?.DepartureCountryCode }
            .FirstOrDefault(code => !string.IsNullOrEmpty(code)) ?? "";
}

/// <summary>
/// What a line's amount was computed from, shown with it (DutyLine base, rate_percent, quantity,
/// unit_amount): an ad valorem rate on a base, or an amount per unit; and whether the amount was
/// charged at sale (VAT under IOSS) rather than due at importation.
/// </summary>
internal readonly record struct LineBasis(
    decimal? Base = null, decimal? RatePercent = null, long Quantity = 0, decimal? UnitAmount = null, bool PaidAtSale = false);

/// <summary>A goods item as the rules see it: its number, value in the jurisdiction's currency, origin and tariff code.</summary>
internal sealed record AssessedItem(int Number, decimal Value, string Origin, string TariffCode);

using Exchange.Core.Configuration;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;

namespace Exchange.Core.Risk.Rules;

/// <summary>
/// Split shipments, the de minimis dodge: one order cut into several parcels so each stays under
/// the relief threshold (EUR 150 customs duty relief in the EU, Art. 23 Reg. 1186/2009; $800 in the
/// US until 2025). The caller counts the consignee's consignments within <see cref="Window"/>
/// (by <see cref="ConsigneeKeys"/>, this one included); a hit when there are at least
/// minConsignments of them AND their intrinsic value totals at least minTotalValue.
/// </summary>
internal sealed class SplitShipmentRule : RiskRule
{
    private readonly int _minConsignments;
    private readonly decimal _minTotalValue;
    private readonly string _currency;

    private SplitShipmentRule(RuleHeader header, TimeSpan window, int minConsignments, decimal minTotalValue, string currency) : base(header)
    {
        Window = window;
        _minConsignments = minConsignments;
        _minTotalValue = minTotalValue;
        _currency = currency;
    }

    /// <summary>How far back the consignee's consignments count.</summary>
    public TimeSpan Window { get; }

    public override void Evaluate(Declaration declaration, RiskContext context, ExchangeRates rates, RiskHits hits)
    {
        if (context.ConsigneeActivity is not { } activity || activity.Consignments < _minConsignments)
        {
            return;
        }
        // The activity is in cents of the rates' base currency; compare in the rule's currency, exactly.
        var total = rates.Convert(activity.ValueCents / 100m, rates.BaseCurrency, _currency);
        if (total < _minTotalValue)
        {
            return;
        }
        hits.Add(this, string.Create(CultureInfo.InvariantCulture,
            $"the consignee received {activity.Consignments} consignments worth {Amounts.Format(total, _currency)} "
            + $"within {Window.TotalHours:0.##} hours, this one included (thresholds: {_minConsignments} consignments and "
            + $"{Amounts.Format(_minTotalValue, _currency)})"), "consignee");
    }

    public override void CheckRates(ExchangeRates rates, List<string> problems)
    {
        if (!rates.Knows(_currency))
        {
            problems.Add($"{Path}.currency: {_currency} has no exchange rate (rates based on {rates.BaseCurrency})");
        }
    }

    public static SplitShipmentRule Read(RuleHeader header, ConfigFileObject rule)
    {
        var hours = rule.Int("windowHours", required: true, 1, 24 * 366);
        var minConsignments = rule.Int("minConsignments", required: true, 2, 10_000);
        var minTotalValue = rule.Decimal("minTotalValue", required: true, 0m, 1_000_000_000m);
        var currency = rule.String("currency", required: true, maxLength: 3);
        if (currency is not null && !CurrencyCodes.IsActive(currency))
        {
            rule.Problem("currency", $"\"{currency}\" is not an active ISO 4217 currency code");
        }
        return new SplitShipmentRule(header, TimeSpan.FromHours(hours ?? 0), minConsignments ?? 0, minTotalValue ?? 0m, currency ?? "");
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Monetary;
using Exchange.Core.Storage;

namespace Exchange.Core.Reporting;

/// <summary>
/// The measures of the contract (exchange.reporting.v1.Measures) from a store's aggregate, in one
/// place: the definitions docs/reporting.md states, and each measure by its field name for targets.
/// </summary>
public static class ReportMeasures
{
    private const decimal MicrosPerUnit = 1_000_000m;

    /// <summary>Each measure a target can name, with its value, or null when the report has no data for it.</summary>
    private static readonly Dictionary<string, Func<ComputedMeasures, double?>> ByName = new(StringComparer.Ordinal)
    {
        ["declarations_received"] = m => m.Proto.DeclarationsReceived,
        ["complete_advance_data_share"] = m => m.Assessed > 0 ? m.Proto.CompleteAdvanceDataShare : null,
        ["decision_time_median_seconds"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.DecisionTimeMedianSeconds : null,
        ["decision_time_p90_seconds"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.DecisionTimeP90Seconds : null,
        ["release_rate"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.ReleaseRate : null,
        ["hold_rate"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.HoldRate : null,
        ["reject_rate"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.RejectRate : null,
        ["referral_response_time_median_seconds"] = m => m.Proto.ReferralsAnswered > 0 ? m.Proto.ReferralResponseTimeMedianSeconds : null,
        ["agency_holds"] = m => m.Proto.AgencyHolds,
        ["filer_compliance_rate"] = m => m.Proto.DeclarationsReceived > 0 ? m.Proto.FilerComplianceRate : null,
        ["duty_estimated"] = m => (double)ExactMoney.ToDecimal(m.Proto.DutyEstimated),
        ["tax_estimated"] = m => (double)ExactMoney.ToDecimal(m.Proto.TaxEstimated),
        ["declarations_decided"] = m => m.Proto.DeclarationsDecided,
        ["referrals_answered"] = m => m.Proto.ReferralsAnswered,
        ["information_referrals_answered"] = m => m.Proto.InformationReferralsAnswered,
        ["information_response_time_median_seconds"] = m =>
            m.Proto.InformationReferralsAnswered > 0 ? m.Proto.InformationResponseTimeMedianSeconds : null,
        ["screening_referrals_answered"] = m => m.Proto.ScreeningReferralsAnswered,
        ["screening_response_time_median_seconds"] = m =>
            m.Proto.ScreeningReferralsAnswered > 0 ? m.Proto.ScreeningResponseTimeMedianSeconds : null,
        ["postal_items_without_advance_data"] = m => m.Proto.PostalItemsWithoutAdvanceData,
        ["postal_no_advance_data_share"] = m => m.PostalItems > 0 ? m.Proto.PostalNoAdvanceDataShare : null,
        ["revenue_assessed"] = m => (double)ExactMoney.ToDecimal(m.Proto.RevenueAssessed),
        ["revenue_collected"] = m => (double)ExactMoney.ToDecimal(m.Proto.RevenueCollected),
        ["revenue_collection_rate"] = m => ExactMoney.ToDecimal(m.Proto.RevenueAssessed) > 0m ? m.Proto.RevenueCollectionRate : null,
        ["seizures"] = m => m.Proto.Seizures,
        ["returns_to_sender"] = m => m.Proto.ReturnsToSender,
        ["seizure_rate"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.SeizureRate : null,
        ["return_rate"] = m => m.Proto.DeclarationsDecided > 0 ? m.Proto.ReturnRate : null,
    };

    /// <summary>The measure names a target may use: the field names of Measures.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static bool IsKnown(string? name) => name is not null && ByName.ContainsKey(name);

    /// <summary>The measure <paramref name="name"/> of <paramref name="measures"/>, or null when they hold no data for it.</summary>
    public static double? Value(string name, ComputedMeasures measures) => ByName[name](measures);

    /// <summary>
    /// The measures of an aggregate (all zero for null: no declarations). Amounts are converted to
    /// the base currency of <paramref name="rates"/> and rounded to cents; amounts in a currency
    /// the rates do not know are left out.
    /// </summary>
    public static ComputedMeasures Of(MeasureAggregate? aggregate, ExchangeRates rates)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var measures = new Measures
        {
            DutyEstimated = ExactMoney.FromDecimal(0m, rates.BaseCurrency),
            TaxEstimated = ExactMoney.FromDecimal(0m, rates.BaseCurrency),
            RevenueAssessed = ExactMoney.FromDecimal(0m, rates.BaseCurrency),
            RevenueCollected = ExactMoney.FromDecimal(0m, rates.BaseCurrency),
        };
        if (aggregate is null)
        {
            return new ComputedMeasures(measures, 0, 0);
        }
        measures.DeclarationsReceived = aggregate.Received;
        measures.CompleteAdvanceDataShare = Share(aggregate.CompleteData, aggregate.Assessed);
        measures.DeclarationsDecided = aggregate.Decided;
        measures.DecisionTimeMedianSeconds = aggregate.DecisionMedianMicros / 1e6;
        measures.DecisionTimeP90Seconds = aggregate.DecisionP90Micros / 1e6;
        measures.ReleaseRate = Share(aggregate.Released, aggregate.Decided);
        measures.HoldRate = Share(aggregate.HeldFirst, aggregate.Decided);
        measures.RejectRate = Share(aggregate.Refused, aggregate.Decided);
        measures.ReferralsAnswered = aggregate.ReferralsAnswered;
        measures.ReferralResponseTimeMedianSeconds = aggregate.ReferralResponseMedianMicros / 1e6;
        measures.AgencyHolds = aggregate.AgencyHolds;
        measures.FilerComplianceRate = Share(aggregate.Compliant, aggregate.Received);
        measures.DutyEstimated = InBase(aggregate.Duty, rates);
        measures.TaxEstimated = InBase(aggregate.Tax, rates);
        measures.InformationReferralsAnswered = aggregate.InformationAnswered;
        measures.InformationResponseTimeMedianSeconds = aggregate.InformationResponseMedianMicros / 1e6;
        measures.ScreeningReferralsAnswered = aggregate.ScreeningAnswered;
        measures.ScreeningResponseTimeMedianSeconds = aggregate.ScreeningResponseMedianMicros / 1e6;
        // Inbound postal items: those declared (advance data) and those that arrived without.
        var postalItems = aggregate.PostalReceived + aggregate.PostalWithoutData;
        measures.PostalItemsWithoutAdvanceData = aggregate.PostalWithoutData;
        measures.PostalNoAdvanceDataShare = Share(aggregate.PostalWithoutData, postalItems);
        measures.RevenueAssessed = InBase(aggregate.RevenueAssessed ?? [], rates);
        measures.RevenueCollected = InBase(aggregate.RevenueCollected ?? [], rates);
        var assessed = ExactMoney.ToDecimal(measures.RevenueAssessed);
        measures.RevenueCollectionRate = assessed == 0m ? 0 : (double)(ExactMoney.ToDecimal(measures.RevenueCollected) / assessed);
        measures.Seizures = Count(aggregate, DispositionType.Seized);
        measures.ReturnsToSender = Count(aggregate, DispositionType.ReturnedToSender);
        measures.SeizureRate = Share(measures.Seizures, aggregate.Decided);
        measures.ReturnRate = Share(measures.ReturnsToSender, aggregate.Decided);
        measures.DispositionsByReason.AddRange(aggregate.Dispositions
            .OrderByDescending(t => t.Count).ThenBy(t => t.Type).ThenBy(t => t.LegalBasisCode, StringComparer.Ordinal)
            .Select(t => new DispositionCount
            {
                Type = (DispositionType)t.Type, LegalBasisCode = t.LegalBasisCode, Count = t.Count,
                LegalBasisMissing = Dispositions.LegalBasisMissing((DispositionType)t.Type, t.LegalBasisCode),
            }));
        return new ComputedMeasures(measures, aggregate.Assessed, postalItems);
    }

    private static long Count(MeasureAggregate aggregate, DispositionType type) =>
        aggregate.Dispositions.Where(t => t.Type == (int)type).Sum(t => t.Count);

    private static double Share(long part, long whole) => whole == 0 ? 0 : (double)part / whole;

    private static Google.Type.Money InBase(IReadOnlyList<MoneySum> sums, ExchangeRates rates)
    {
        var total = 0m;
        foreach (var sum in sums)
        {
            if (rates.Knows(sum.Currency))
            {
                total += rates.Convert(sum.Micros / MicrosPerUnit, sum.Currency, rates.BaseCurrency);
            }
        }
        return ExactMoney.FromDecimal(ExactMoney.ToCents(total), rates.BaseCurrency);
    }
}

/// <summary>
/// The contract's measures, with what they do not show: how many declarations were assessed (the
/// complete-data share's denominator) and how many postal items came in (the no-advance-data share's).
/// </summary>
public sealed record ComputedMeasures(Measures Proto, long Assessed, long PostalItems = 0);

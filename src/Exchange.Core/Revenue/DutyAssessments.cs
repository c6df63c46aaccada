using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Monetary;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Revenue;

/// <summary>
/// The duty assessment of a declaration, in one place (revenue.proto; docs/revenue.md): when the
/// estimate becomes a debt, what is due at importation, who pays, and whether release waits for
/// the payment.
/// <para>
/// The assessment is made from the estimate (<see cref="Declaration.DutyEstimate"/>) at the first
/// change recorded on or after arrival while an estimate exists (<see cref="Stamp"/>, called by
/// <see cref="Lifecycles.Stamp"/> on every write): arrival ends amendments, so the estimate no
/// longer changes, and an estimate made after arrival (the goods arrived before their risk
/// analysis) is assessed by the write that makes it.
/// </para>
/// </summary>
public static class DutyAssessments
{
    /// <summary>The resource name of the declaration's assessment.</summary>
    public static string NameOf(string declarationName) => declarationName + "/dutyAssessment";

    /// <summary>Makes the assessment on <paramref name="declaration"/> when it is due and not made yet.</summary>
    public static void Stamp(Declaration declaration, Timestamp now)
    {
        if (declaration.DutyAssessment is null && Make(declaration) is { } assessment)
        {
            assessment.CreateTime = now;
            declaration.DutyAssessment = assessment;
        }
    }

    /// <summary>
    /// The assessment the declaration's estimate amounts to, as the goods stand now; null before
    /// arrival or without an estimate (no jurisdiction covers the destination, or an amount in an
    /// unknown currency: nothing is assessed that was not estimated).
    /// </summary>
    public static DutyAssessment? Make(Declaration declaration)
    {
        if (!Lifecycles.HasArrived(declaration) || declaration.DutyEstimate is not { Total: not null } estimate)
        {
            return null;
        }
        var currency = estimate.Total.CurrencyCode;
        var total = estimate.Lines.Sum(line => ExactMoney.ToDecimal(line.Amount));
        var atSale = estimate.Lines.Where(line => line.PaidAtSale).Sum(line => ExactMoney.ToDecimal(line.Amount));
        var assessment = new DutyAssessment
        {
            Name = NameOf(declaration.Name),
            Jurisdiction = estimate.Jurisdiction,
            PayerModel = declaration.PayerModel,
            Payer = ResourceNames.TryParseDeclaration(declaration.Name, out var key) ? ResourceNames.Filer(key.FilerId) : "",
            Total = ExactMoney.FromDecimal(total, currency),
            PaidAtSale = ExactMoney.FromDecimal(atSale, currency),
            AmountDue = ExactMoney.FromDecimal(total - atSale, currency),
            AmountPaid = ExactMoney.FromDecimal(0m, currency),
            Balance = ExactMoney.FromDecimal(total - atSale, currency),
            ReleaseAwaitsPayment = ReleaseWaitsForPayment(declaration.PayerModel, declaration.GuaranteeReference),
            IossNumber = atSale > 0m ? declaration.IossNumber : "",
            GuaranteeReference = declaration.GuaranteeReference,
        };
        assessment.Lines.AddRange(estimate.Lines.Select(line => line.Clone()));
        assessment.State = StateOf(assessment);
        return assessment;
    }

    /// <summary>
    /// Whether release waits for payment under the payer model: always when the operator collects
    /// on delivery (the goods are handed over against payment); on a deferred account (IOSS,
    /// delivered duty paid) only without a guarantee securing it; not when no model was stated
    /// (the behaviour before payer models, kept for filers that state none).
    /// </summary>
    public static bool ReleaseWaitsForPayment(PayerModel model, string guaranteeReference) => model switch
    {
        PayerModel.CollectOnDelivery => true,
        PayerModel.Ioss or PayerModel.DeliveredDutyPaid => guaranteeReference.Length == 0,
        _ => false,
    };

    /// <summary>
    /// Whether the goods, arrived, cannot be released yet because their assessment has a balance
    /// the payer model makes release wait for. Judged on the assessment the declaration would have
    /// when it is not made yet, so a release decided in the same write as the estimate waits too.
    /// </summary>
    public static bool AwaitsPayment(Declaration declaration) =>
        (declaration.DutyAssessment ?? Make(declaration)) is { ReleaseAwaitsPayment: true } assessment
        && ExactMoney.ToDecimal(assessment.Balance) > 0m;

    /// <summary>The state the amounts imply.</summary>
    public static DutyAssessmentState StateOf(DutyAssessment assessment)
    {
        var due = ExactMoney.ToDecimal(assessment.AmountDue);
        var paid = ExactMoney.ToDecimal(assessment.AmountPaid);
        return due == 0m ? DutyAssessmentState.NothingDue
            : paid == 0m ? DutyAssessmentState.Due
            : paid < due ? DutyAssessmentState.PartiallyPaid
            : DutyAssessmentState.Paid;
    }
}

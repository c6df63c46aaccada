using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Exchange.Core.Monetary;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;
using Google.Type;

namespace Exchange.Core.Revenue;

/// <summary>
/// The rules of a payment against a duty assessment, in one place: an exact amount (to the cent
/// of its currency, never rounded), positive, in the assessment's currency, at most the balance.
/// A part payment is recorded as one, and the balance stays; more than the balance is refused.
/// </summary>
internal static class Payments
{
    /// <summary>What can be told of the amount alone: present, positive, a valid currency and at most its minor unit of decimals.</summary>
    public static void Check(Money? amount, string path, List<FieldViolation> violations)
    {
        if (amount is null)
        {
            violations.Add(new FieldViolation(path, "Required: the amount paid, e.g. { currency_code: \"EUR\", units: 6 }."));
            return;
        }
        var found = new ViolationList();
        MoneyValues.Check(amount, path, MoneyValues.Sign.Positive, found);
        violations.AddRange(found.ToReadOnlyList());
    }

    /// <summary>
    /// Adds the payment to <paramref name="assessment"/> (amounts, state) and returns it. Refused
    /// with VALIDATION_FAILED (amount.currency_code) in another currency and
    /// PAYMENT_EXCEEDS_BALANCE above the balance.
    /// </summary>
    public static Payment Apply(DutyAssessment assessment, Money amount, string reference, string recorder, Timestamp now)
    {
        var currency = assessment.Balance.CurrencyCode;
        var paid = ExactMoney.ToDecimal(amount);
        if (amount.CurrencyCode != currency)
        {
            throw new ValidationFailedException([new FieldViolation("amount.currency_code",
                $"Must be the currency of the assessment, {currency}; got {Echo.Quote(amount.CurrencyCode)}.")]);
        }
        var balance = ExactMoney.ToDecimal(assessment.Balance);
        if (paid > balance)
        {
            throw new PaymentExceedsBalanceException(assessment.Name, Amounts.Format(balance, currency), Amounts.Format(paid, currency));
        }
        var after = balance - paid;
        var payment = new Payment
        {
            RecordedBy = recorder,
            Amount = ExactMoney.FromDecimal(paid, currency),
            PaymentReference = reference,
            RecordTime = now,
            BalanceAfter = ExactMoney.FromDecimal(after, currency),
        };
        assessment.Payments.Add(payment);
        assessment.AmountPaid = ExactMoney.FromDecimal(ExactMoney.ToDecimal(assessment.AmountPaid) + paid, currency);
        assessment.Balance = ExactMoney.FromDecimal(after, currency);
        assessment.State = DutyAssessments.StateOf(assessment);
        return payment;
    }

    /// <summary>What the PAYMENT_RECORDED event says, e.g. "Payment of EUR 4.00 recorded; balance EUR 2.00 (part payment)."</summary>
    public static string Describe(Payment payment, string currency)
    {
        var after = ExactMoney.ToDecimal(payment.BalanceAfter);
        var amount = Amounts.Format(ExactMoney.ToDecimal(payment.Amount), currency);
        return after == 0m
            ? $"Payment of {amount} recorded; the assessment is paid in full."
            : $"Payment of {amount} recorded; balance {Amounts.Format(after, currency)} (part payment).";
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Revenue;
using Exchange.Core.Validation;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Google.Type;

namespace Exchange.Core.Tests.Revenue;

/// <summary>When the estimate becomes a debt, what is due at importation, and when release waits for payment.</summary>
public sealed class DutyAssessmentsTests
{
    private static Money Eur(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    /// <summary>The express sale, estimated: EUR 6 flat duty and EUR 12.07 VAT, charged at sale under IOSS when <paramref name="ioss"/>.</summary>
    private static Declaration Estimated(PayerModel model, bool ioss, bool arrived = true, string guarantee = "")
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.Name = "filers/swift-express/declarations/d-1";
        declaration.PayerModel = model;
        declaration.GuaranteeReference = guarantee;
        declaration.DutyEstimate = new DutyEstimate
        {
            Jurisdiction = "EU",
            Total = Eur(18, 70_000_000),
            Lines =
            {
                new DutyLine { RuleId = "eu-flat-duty-per-subheading", Amount = Eur(6), TaxType = TaxType.FlatDutyPerSubheading },
                new DutyLine { RuleId = "eu-vat", Amount = Eur(12, 70_000_000), TaxType = TaxType.Vat, PaidAtSale = ioss },
            },
        };
        if (arrived)
        {
            declaration.Clearance = new Clearance { ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch) };
        }
        return declaration;
    }

    [Fact]
    public void Nothing_is_assessed_before_arrival_or_without_an_estimate()
    {
        Assert.Null(DutyAssessments.Make(Estimated(PayerModel.CollectOnDelivery, ioss: false, arrived: false)));
        var unestimated = Estimated(PayerModel.CollectOnDelivery, ioss: false);
        unestimated.DutyEstimate = null;
        Assert.Null(DutyAssessments.Make(unestimated));
        Assert.False(DutyAssessments.AwaitsPayment(unestimated));
    }

    [Fact]
    public void Vat_charged_at_sale_under_ioss_is_not_due_at_importation()
    {
        var assessment = DutyAssessments.Make(Estimated(PayerModel.Ioss, ioss: true))!;

        Assert.Equal((Eur(18, 70_000_000), Eur(12, 70_000_000), Eur(6), Eur(6)),
            (assessment.Total, assessment.PaidAtSale, assessment.AmountDue, assessment.Balance));
        Assert.Equal(("IM5280001234", DutyAssessmentState.Due, "filers/swift-express"), (assessment.IossNumber, assessment.State, assessment.Payer));
    }

    [Theory]
    [InlineData(PayerModel.CollectOnDelivery, "", true)]
    [InlineData(PayerModel.DeliveredDutyPaid, "", true)]
    [InlineData(PayerModel.DeliveredDutyPaid, "GRN-1", false)]
    [InlineData(PayerModel.Ioss, "", true)]
    [InlineData(PayerModel.Ioss, "GRN-1", false)]
    [InlineData(PayerModel.Unspecified, "", false)]
    public void Release_waits_for_payment_on_delivery_and_on_an_unguaranteed_account(PayerModel model, string guarantee, bool waits)
    {
        var declaration = Estimated(model, ioss: model == PayerModel.Ioss, guarantee: guarantee);

        Assert.Equal(waits, DutyAssessments.AwaitsPayment(declaration));
        DutyAssessments.Stamp(declaration, Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch));
        Assert.Equal(waits, declaration.DutyAssessment.ReleaseAwaitsPayment);
    }

    [Fact]
    public void Nothing_awaits_payment_once_the_balance_is_paid_and_the_state_follows_the_amounts()
    {
        var declaration = Estimated(PayerModel.CollectOnDelivery, ioss: false);
        DutyAssessments.Stamp(declaration, Timestamp.FromDateTimeOffset(DateTimeOffset.UnixEpoch));
        var assessment = declaration.DutyAssessment;

        assessment.AmountPaid = Eur(10);
        assessment.Balance = Eur(8, 70_000_000);
        Assert.Equal(DutyAssessmentState.PartiallyPaid, DutyAssessments.StateOf(assessment));
        Assert.True(DutyAssessments.AwaitsPayment(declaration));

        assessment.AmountPaid = Eur(18, 70_000_000);
        assessment.Balance = Eur(0);
        Assert.Equal(DutyAssessmentState.Paid, DutyAssessments.StateOf(assessment));
        Assert.False(DutyAssessments.AwaitsPayment(declaration));
    }

    [Fact]
    public void A_payer_model_is_checked_with_what_it_needs()
    {
        var ioss = SampleDeclarations.ExpressMarketplaceSale();
        ioss.IossNumber = "";
        ioss.PayerModel = PayerModel.Ioss;
        var collected = SampleDeclarations.ExpressMarketplaceSale();
        collected.PayerModel = PayerModel.CollectOnDelivery;
        collected.GuaranteeReference = "GRN-1";
        var malformed = SampleDeclarations.ExpressMarketplaceSale();
        malformed.PayerModel = PayerModel.DeliveredDutyPaid;
        malformed.GuaranteeReference = "not a reference!";

        Assert.Contains(DeclarationValidator.Validate(ioss), v => v.Field == "declaration.payer_model");
        Assert.Contains(DeclarationValidator.Validate(collected), v => v.Field == "declaration.guarantee_reference");
        Assert.Contains(DeclarationValidator.Validate(malformed), v => v.Field == "declaration.guarantee_reference");
        var guaranteed = SampleDeclarations.ExpressMarketplaceSale();
        guaranteed.PayerModel = PayerModel.Ioss;
        guaranteed.GuaranteeReference = "GRN-NL-0001";
        Assert.DoesNotContain(DeclarationValidator.Validate(guaranteed), v => v.Field.StartsWith("declaration.payer_model", StringComparison.Ordinal)
            || v.Field == "declaration.guarantee_reference");
    }
}

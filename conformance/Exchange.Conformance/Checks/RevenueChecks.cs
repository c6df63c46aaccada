using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Type;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>
/// Revenue (revenue.proto, revenue_service.proto, beta): the duty assessment a declaration gets
/// when its goods arrive, who pays it, and payments, on a sale collected on delivery (the payer
/// model whose release always waits for payment). The kit's sale is the express sample without
/// its IOSS number and without a master waybill (a single filing, so its filer is the payer).
/// A node that decides later may not have assessed the sale when its goods arrive: then there is
/// no assessment yet, and the checks prove what the contract says of that (GetDutyAssessment
/// NOT_FOUND RESOURCE_NOT_FOUND, a payment FAILED_PRECONDITION NOT_ASSESSED) and say so in a note.
/// </summary>
internal static class RevenueChecks
{
    private const string Area = "Revenue";

    /// <summary>The note of a check that found no assessment to judge.</summary>
    private const string NotAssessedNote = "not assessed by the node when its goods arrived: NOT_FOUND and NOT_ASSESSED checked, not the assessment";

    public static IEnumerable<Check> All =>
    [
        new("revenue.assessment-on-arrival", Area, "A sale collected on delivery has no assessment before arrival; once arrived and assessed its lines add up, its filer owes the balance and release waits", AssessmentOnArrivalAsync),
        new("revenue.part-payment-then-balance", Area, "A part payment is PARTIALLY_PAID (a retry pays nothing twice) and release still waits; paying the balance releases the goods", PartPaymentThenBalanceAsync),
        new("revenue.overpayment-refused", Area, "A payment above the balance is FAILED_PRECONDITION PAYMENT_EXCEEDS_BALANCE naming amount, and changes nothing", OverpaymentRefusedAsync),
        new("revenue.payment-validates", Area, "A payment that is not positive, has more decimals than the currency, or lacks request_id is INVALID_ARGUMENT naming each field", PaymentValidatesAsync),
        new("revenue.payer-mismatch", Area, "When the carrier collects on delivery, the house's filer paying is PERMISSION_DENIED PAYER_MISMATCH naming name; the carrier is the payer", PayerMismatchAsync),
        new("revenue.other-filer-denied", Area, "Neither the filer nor the carrier: reading the assessment or paying is PERMISSION_DENIED FILER_MISMATCH", OtherFilerDeniedAsync),
    ];

    /// <summary>The express sample collected on delivery, without IOSS (the VAT is due at importation too) and, unless a master is given, filed alone.</summary>
    private static Declaration CollectOnDelivery(CheckContext context, string masterWaybill = "")
    {
        var sale = ConformanceSamples.ExpressSaleFiledAlone(context.NewLrn());
        sale.IossNumber = "";
        sale.PayerModel = PayerModel.CollectOnDelivery;
        sale.TransportDocument.MasterWaybill = masterWaybill;
        return sale;
    }

    /// <summary>Setup: the kit's filer files a sale collected on delivery and notifies its arrival; returns it after the arrival.</summary>
    private static async Task<Declaration> ArrivedSaleAsync(CheckContext context) =>
        await context.ArriveAsync(await context.SubmitAsync(CollectOnDelivery(context)));

    private static string AssessmentName(Declaration declaration) => declaration.Name + "/dutyAssessment";

    private static RecordPaymentRequest Payment(Declaration declaration, Money amount) => new()
    {
        Name = AssessmentName(declaration), Amount = amount, PaymentReference = "CK-RCPT", RequestId = CheckContext.NewRequestId(),
    };

    private static decimal Amount(Money? money) => money is null ? 0m : money.Units + money.Nanos / 1_000_000_000m;

    private static Money Money(string currency, decimal amount)
    {
        var units = decimal.Truncate(amount);
        return new Money { CurrencyCode = currency, Units = (long)units, Nanos = (int)((amount - units) * 1_000_000_000m) };
    }

    private static Task<Declaration> GetAsync(CheckContext context, Declaration declaration) =>
        CheckContext.SetupAsync("GetDeclaration", async () =>
            (await context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name })).Declaration);

    /// <summary>
    /// The assessment of arrived goods as <paramref name="reader"/> reads it, or null when the node
    /// has not assessed them: then GetDutyAssessment must be NOT_FOUND RESOURCE_NOT_FOUND and a
    /// payment by <paramref name="payer"/> FAILED_PRECONDITION NOT_ASSESSED, and the note says so.
    /// Goods ASSESSED after their arrival must have their assessment.
    /// </summary>
    private static async Task<DutyAssessment?> AssessmentOrNotAssessedAsync(CheckContext context, Declaration arrived,
        RevenueService.RevenueServiceClient reader, RevenueService.RevenueServiceClient payer)
    {
        var name = AssessmentName(arrived);
        try
        {
            return (await reader.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name })).DutyAssessment;
        }
        catch (RpcException error) when (error.StatusCode == StatusCode.NotFound)
        {
            var what = $"GetDutyAssessment of arrived goods not assessed ({RpcErrorText.ProtoName(arrived.Status)})";
            var status = error.GetRpcStatus() ?? throw Expect.Fail($"{what}: NOT_FOUND carries no google.rpc.Status with an ErrorInfo");
            Expect.Error(status, what, StatusCode.NotFound, "RESOURCE_NOT_FOUND");
            Expect.That(arrived.Status != DeclarationStatus.Assessed,
                $"goods ASSESSED when they arrived have no duty assessment: {RpcErrorText.Describe(error)}");
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.Cancelled)
        {
            throw Expect.Fail($"GetDutyAssessment of arrived goods failed: {RpcErrorText.Describe(error)}");
        }
        await Expect.FailsAsync("RecordPayment before the assessment exists", StatusCode.FailedPrecondition, "NOT_ASSESSED",
            () => payer.RecordPaymentAsync(Payment(arrived, Money("EUR", 0.01m))).ResponseAsync);
        context.Note = NotAssessedNote;
        return null;
    }

    /// <summary>
    /// What revenue.proto says of an assessment nobody has paid yet: its name, payer model and payer;
    /// every line typed, with a legal source when it charges something, in one currency; the total
    /// the sum of the lines, the amount due the total less the VAT paid at sale, the balance all of
    /// it; DUE (or NOTHING_DUE), and release waiting exactly while something is owed.
    /// </summary>
    private static void ExpectUnpaid(DutyAssessment assessment, Declaration declaration, string payer, string what)
    {
        Expect.Equal(AssessmentName(declaration), assessment.Name, $"{what}: name");
        Expect.Equal(PayerModel.CollectOnDelivery, assessment.PayerModel, $"{what}: payer_model");
        Expect.Equal(payer, assessment.Payer, $"{what}: payer");
        Expect.That(assessment.Lines.Count > 0, $"{what}: no lines");
        var currency = assessment.Total?.CurrencyCode ?? "";
        Expect.NotEmpty(currency, $"{what}: total.currency_code");
        foreach (var (line, index) in assessment.Lines.Select((line, index) => (line, index)))
        {
            Expect.That(line.TaxType != TaxType.Unspecified, $"{what}: lines[{index}].tax_type is UNSPECIFIED");
            Expect.Equal(currency, line.Amount?.CurrencyCode, $"{what}: lines[{index}].amount.currency_code");
            Expect.That(Amount(line.Amount) == 0 || line.LegalSource.Length > 0, $"{what}: lines[{index}] charges {Amount(line.Amount)} without a legal_source");
        }
        var total = assessment.Lines.Sum(line => Amount(line.Amount));
        var paidAtSale = assessment.Lines.Where(line => line.PaidAtSale).Sum(line => Amount(line.Amount));
        Expect.Equal(total, Amount(assessment.Total), $"{what}: total (the sum of the lines)");
        Expect.Equal(paidAtSale, Amount(assessment.PaidAtSale), $"{what}: paid_at_sale (the lines paid at sale)");
        Expect.Equal(total - paidAtSale, Amount(assessment.AmountDue), $"{what}: amount_due (total less paid_at_sale)");
        Expect.Equal(0m, Amount(assessment.AmountPaid), $"{what}: amount_paid before any payment");
        Expect.Equal(Amount(assessment.AmountDue), Amount(assessment.Balance), $"{what}: balance before any payment");
        Expect.That(assessment.Payments.Count == 0, $"{what}: {assessment.Payments.Count} payment(s) before any was made");
        var owed = Amount(assessment.Balance) > 0;
        Expect.Equal(owed ? DutyAssessmentState.Due : DutyAssessmentState.NothingDue, assessment.State, $"{what}: state");
        Expect.Equal(owed, assessment.ReleaseAwaitsPayment, $"{what}: release_awaits_payment of goods collected on delivery");
        if (owed)
        {
            Expect.Equal(DeclarationStatus.Assessed, declaration.Status, $"{what}: the declaration's status while release waits for payment");
            Expect.Equal(ClearanceState.AwaitingPayment, declaration.Clearance?.State ?? ClearanceState.Unspecified,
                $"{what}: the declaration's clearance.state while release waits for payment");
        }
    }

    private static async Task AssessmentOnArrivalAsync(CheckContext context)
    {
        var filed = await context.SubmitAsync(CollectOnDelivery(context));
        await Expect.FailsAsync("GetDutyAssessment before the goods arrived", StatusCode.NotFound, "RESOURCE_NOT_FOUND",
            () => context.Revenue.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = AssessmentName(filed) }).ResponseAsync);

        var arrived = await Expect.SucceedsAsync("NotifyArrival of a sale collected on delivery",
            () => context.Client.NotifyArrivalAsync(CheckContext.ArrivalRequest(filed)).ResponseAsync);
        var assessment = await AssessmentOrNotAssessedAsync(context, arrived.Declaration, context.Revenue, context.Revenue);
        if (assessment is null)
        {
            return;
        }
        var current = await GetAsync(context, filed);
        ExpectUnpaid(assessment, current, $"filers/{context.Filer}", "the duty assessment after arrival");
        Expect.Equal(assessment, current.DutyAssessment, "Declaration.duty_assessment against GetDutyAssessment");
    }

    private static async Task PartPaymentThenBalanceAsync(CheckContext context)
    {
        var arrived = await ArrivedSaleAsync(context);
        if (await AssessmentOrNotAssessedAsync(context, arrived, context.Revenue, context.Revenue) is not { } assessment)
        {
            return;
        }
        var balance = Amount(assessment.Balance);
        var currency = assessment.Balance.CurrencyCode;
        if (balance < 0.02m)
        {
            context.Note = $"nothing to split: the node assessed {balance} {currency}";
            return;
        }

        var part = decimal.Round(balance / 2, 2, MidpointRounding.ToZero);
        var request = Payment(arrived, Money(currency, part));
        var partly = await Expect.SucceedsAsync($"RecordPayment of {currency} {part} of {balance}",
            () => context.Revenue.RecordPaymentAsync(request).ResponseAsync);
        var what = "the assessment after a part payment";
        Expect.Equal(DutyAssessmentState.PartiallyPaid, partly.DutyAssessment.State, $"{what}: state");
        Expect.Equal(balance - part, Amount(partly.DutyAssessment.Balance), $"{what}: balance");
        Expect.Equal(part, Amount(partly.DutyAssessment.AmountPaid), $"{what}: amount_paid");
        Expect.That(partly.DutyAssessment.ReleaseAwaitsPayment, $"{what}: release_awaits_payment is false with {balance - part} still owed");
        Expect.Equal(DeclarationStatus.Assessed, partly.DeclarationStatus, $"{what}: declaration_status (release still waits)");
        var payment = partly.DutyAssessment.Payments.Count == 1 ? partly.DutyAssessment.Payments[0] : throw Expect.Fail(
            $"{what}: expected one payment, got {partly.DutyAssessment.Payments.Count}");
        Expect.Equal(part, Amount(payment.Amount), $"{what}: payments[0].amount");
        Expect.Equal(balance - part, Amount(payment.BalanceAfter), $"{what}: payments[0].balance_after");
        Expect.Equal($"filers/{context.Filer}", payment.RecordedBy, $"{what}: payments[0].recorded_by");
        Expect.Equal("CK-RCPT", payment.PaymentReference, $"{what}: payments[0].payment_reference");

        var retried = await Expect.SucceedsAsync("RecordPayment retried with the same request_id",
            () => context.Revenue.RecordPaymentAsync(request).ResponseAsync);
        Expect.Equal(partly, retried, "the answer to the retried payment (AIP-155: the first answer, nothing paid twice)");

        var paid = await Expect.SucceedsAsync($"RecordPayment of the balance {currency} {balance - part}",
            () => context.Revenue.RecordPaymentAsync(Payment(arrived, Money(currency, balance - part))).ResponseAsync);
        what = "the assessment after the balance was paid";
        Expect.Equal(DutyAssessmentState.Paid, paid.DutyAssessment.State, $"{what}: state");
        Expect.Equal(0m, Amount(paid.DutyAssessment.Balance), $"{what}: balance");
        Expect.Equal(balance, Amount(paid.DutyAssessment.AmountPaid), $"{what}: amount_paid");
        Expect.Equal(2, paid.DutyAssessment.Payments.Count, $"{what}: number of payments");
        Expect.Equal(DeclarationStatus.Released, paid.DeclarationStatus, $"{what}: declaration_status");
        var released = await GetAsync(context, arrived);
        Expect.Equal(DeclarationStatus.Released, released.Status, "status after the balance was paid");
        Expect.Equal(ClearanceState.Released, released.Clearance?.State ?? ClearanceState.Unspecified, "clearance.state after the balance was paid");
    }

    private static async Task OverpaymentRefusedAsync(CheckContext context)
    {
        var arrived = await ArrivedSaleAsync(context);
        if (await AssessmentOrNotAssessedAsync(context, arrived, context.Revenue, context.Revenue) is not { } assessment)
        {
            return;
        }
        var before = await GetAsync(context, arrived);
        var above = Amount(assessment.Balance) + 0.01m;

        var status = await Expect.FailsAsync($"RecordPayment of {above}, above the balance {Amount(assessment.Balance)}",
            StatusCode.FailedPrecondition, "PAYMENT_EXCEEDS_BALANCE",
            () => context.Revenue.RecordPaymentAsync(Payment(arrived, Money(assessment.Balance.CurrencyCode, above))).ResponseAsync);
        Expect.NamesFields(status, "the refused over-payment", "amount");
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after the refused over-payment");
    }

    private static async Task PaymentValidatesAsync(CheckContext context)
    {
        var arrived = await ArrivedSaleAsync(context);
        var before = await GetAsync(context, arrived);

        var negative = Payment(arrived, Money("EUR", -5m));
        negative.RequestId = "";
        var status = await Expect.FailsAsync("RecordPayment of EUR -5 without request_id", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Revenue.RecordPaymentAsync(negative).ResponseAsync);
        Expect.NamesFields(status, "the refused negative payment", "amount", "request_id");

        status = await Expect.FailsAsync("RecordPayment of EUR 1.005 (three decimals)", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Revenue.RecordPaymentAsync(Payment(arrived, Money("EUR", 1.005m))).ResponseAsync);
        Expect.NamesFields(status, "the refused payment of three decimals", "amount.nanos");
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after the refused payments");
    }

    private static async Task PayerMismatchAsync(CheckContext context)
    {
        // The kit's filer is the carrier of a master consignment; the other filer (a marketplace) files a house under it.
        var document = "MAWB-" + context.NewLrn();
        var consignment = await CheckContext.SetupAsync("CreateConsignment", async () => (await context.Consignments.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = context.Parent,
            ConsignmentId = context.NewConsignmentId(),
            Consignment = new Consignment
            {
                TransportMode = TransportMode.Air, MasterTransportDocument = document, ConveyanceReference = "CK0001",
                RoutingCountryCodes = { "CN", "NL" }, OfficeOfFirstEntry = "NL000396",
            },
        })).Consignment);
        var house = await CheckContext.SetupAsync("SubmitDeclaration of a house as the other filer", async () =>
            (await context.OtherClient.SubmitDeclarationAsync(new SubmitDeclarationRequest
            {
                Parent = $"filers/{context.OtherFiler}", Declaration = CollectOnDelivery(context, document), RequestId = CheckContext.NewRequestId(),
            })).Declaration);
        await CheckContext.SetupAsync("NotifyConsignmentArrival", async () => await context.Consignments.NotifyConsignmentArrivalAsync(new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)), ArrivalOffice = "NL000396",
        }));
        var arrived = await CheckContext.SetupAsync("GetDeclaration of the house as the other filer", async () =>
            (await context.OtherClient.GetDeclarationAsync(new GetDeclarationRequest { Name = house.Name })).Declaration);

        // The carrier reads the house's assessment and is its payer.
        if (await AssessmentOrNotAssessedAsync(context, arrived, context.Revenue, context.Revenue) is not { } assessment)
        {
            return;
        }
        ExpectUnpaid(assessment, arrived, $"filers/{context.Filer}", "the house's assessment as its carrier reads it");

        var status = await Expect.FailsAsync("RecordPayment by the house's filer, not its payer", StatusCode.PermissionDenied, "PAYER_MISMATCH",
            () => context.OtherRevenue.RecordPaymentAsync(Payment(arrived, Money(assessment.Balance.CurrencyCode, Amount(assessment.Balance)))).ResponseAsync);
        Expect.NamesFields(status, "the refused payment by the house's filer", "name");

        var paid = await Expect.SucceedsAsync("RecordPayment of the balance by the carrier",
            () => context.Revenue.RecordPaymentAsync(Payment(arrived, assessment.Balance)).ResponseAsync);
        Expect.Equal(DeclarationStatus.Released, paid.DeclarationStatus, "the house after its carrier paid the balance: declaration_status");
        Expect.Equal($"filers/{context.Filer}", paid.DutyAssessment.Payments.SingleOrDefault()?.RecordedBy, "payments[0].recorded_by");
    }

    private static async Task OtherFilerDeniedAsync(CheckContext context)
    {
        var arrived = await ArrivedSaleAsync(context);
        var before = await GetAsync(context, arrived);

        await Expect.FailsAsync("GetDutyAssessment by another filer", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherRevenue.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = AssessmentName(arrived) }).ResponseAsync);
        await Expect.FailsAsync("RecordPayment by another filer", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherRevenue.RecordPaymentAsync(Payment(arrived, Money("EUR", 1m))).ResponseAsync);
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after another filer's refused payment");
    }
}

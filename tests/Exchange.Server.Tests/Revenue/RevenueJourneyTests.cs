using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Reporting.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Google.Type;
using Grpc.Core;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;

namespace Exchange.Server.Tests.Revenue;

/// <summary>
/// Revenue end to end through gRPC, run on each store: a parcel collected on delivery is held
/// after arrival until its duties and taxes are paid, every wrong payment is refused with nothing
/// changed, a part payment is recorded as one, and the last payment releases the goods; a carrier
/// collecting for a marketplace's house is its payer; IOSS VAT is totalled for officers; the
/// report shows revenue assessed and collected.
/// </summary>
public abstract class RevenueJourney(JourneyStore store) : IAsyncLifetime
{
    private const string Filer = "swift-express";
    private const string Stranger = "other-filer";
    private const string Officer = "officer-revenue";
    private ExchangeNode? _node;

    protected string? SkipReason => store.SkipReason;

    private ExchangeNode Node => _node!;

    private RevenueService.RevenueServiceClient RevenueClient(string filer) => new(Node.CallInvokerFor(filer));

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _node = EnforcementFlow.AssessingNode(await store.SettingsAsync());
        }
    }

    public async Task DisposeAsync()
    {
        _node?.Dispose();
        await store.DisposeAsync();
    }

    /// <summary>The express sale without IOSS, collected on delivery: EUR 6.00 flat duty (2 subheadings) and 21% NL VAT on 57.48.</summary>
    private static Declaration CollectOnDelivery(string lrn)
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale(lrn);
        declaration.IossNumber = "";
        declaration.PayerModel = PayerModel.CollectOnDelivery;
        return declaration;
    }

    private static Money Eur(long units, int nanos = 0) => new() { CurrencyCode = "EUR", Units = units, Nanos = nanos };

    private static decimal Amount(Money money) => money.Units + money.Nanos / 1_000_000_000m;

    [SkippableFact]
    public async Task A_parcel_collected_on_delivery_is_held_until_paid_then_released()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var filer = Node.ClientFor(Filer);
        var revenue = RevenueClient(Filer);
        var assessed = await filer.SubmitAndAwaitDecisionAsync(Filer, CollectOnDelivery("COD-0001"));
        Assert.Equal(DeclarationStatus.Assessed, assessed.Status);
        var name = assessed.Name + "/dutyAssessment";
        await EnforcementFlow.ExpectAsync(StatusCode.NotFound, "RESOURCE_NOT_FOUND",
            revenue.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name }));

        var arrived = await filer.ArriveAsync(assessed.Name);
        Assert.Equal(DeclarationStatus.Assessed, arrived.Status);
        Assert.Equal(ClearanceState.AwaitingPayment, arrived.Clearance.State);
        var debt = (await revenue.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name })).DutyAssessment;
        Assert.Equal(debt, arrived.DutyAssessment);
        Assert.Equal((DutyAssessmentState.Due, true, $"filers/{Filer}"), (debt.State, debt.ReleaseAwaitsPayment, debt.Payer));
        Assert.Equal(Eur(18, 70_000_000), debt.AmountDue); // 6.00 duty + 12.07 VAT (21% of 47.48 + 4.00 + 6.00)
        Assert.Equal(Amount(debt.AmountDue), debt.Lines.Sum(l => Amount(l.Amount)));
        var duty = Assert.Single(debt.Lines, l => l.TaxType == TaxType.FlatDutyPerSubheading);
        Assert.Equal((2L, Eur(3)), (duty.Quantity, duty.UnitAmount));
        var vat = Assert.Single(debt.Lines, l => l.TaxType == TaxType.Vat);
        Assert.Equal(("21", Eur(57, 480_000_000), false), (vat.RatePercent.Value, vat.Base, vat.PaidAtSale));
        Assert.All(debt.Lines.Where(l => l.Amount.Units != 0 || l.Amount.Nanos != 0), l => Assert.NotEmpty(l.LegalSource));

        // Wrong payments: each refused with its reason and field, nothing changed.
        RecordPaymentRequest Pay(Money amount, string? requestId = null) =>
            new() { Name = name, Amount = amount, PaymentReference = "RCPT-1", RequestId = requestId ?? Guid.NewGuid().ToString() };
        Assert.Equal(["amount.nanos"], RpcErrors.ViolatedFields(await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            revenue.RecordPaymentAsync(Pay(Eur(1, 5_000_000))))));
        Assert.Equal(["amount"], RpcErrors.ViolatedFields(await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            revenue.RecordPaymentAsync(Pay(Eur(-5))))));
        Assert.Equal(["amount.currency_code"], RpcErrors.ViolatedFields(await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            revenue.RecordPaymentAsync(Pay(new Money { CurrencyCode = "USD", Units = 5 })))));
        Assert.Equal(["amount"], RpcErrors.ViolatedFields(await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "PAYMENT_EXCEEDS_BALANCE",
            revenue.RecordPaymentAsync(Pay(Eur(18, 80_000_000))))));
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            RevenueClient(Stranger).RecordPaymentAsync(Pay(Eur(5))));
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            RevenueClient(Stranger).GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name }));
        var unchanged = (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = assessed.Name })).Declaration;
        Assert.Equal(arrived, unchanged);

        // A part payment is recorded as one; a retry gets the same answer; the id with other content is refused.
        var part = Pay(Eur(10));
        var partly = await revenue.RecordPaymentAsync(part);
        Assert.Equal((DutyAssessmentState.PartiallyPaid, Eur(8, 70_000_000), DeclarationStatus.Assessed),
            (partly.DutyAssessment.State, partly.DutyAssessment.Balance, partly.DeclarationStatus));
        Assert.Equal(partly, await revenue.RecordPaymentAsync(part));
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED",
            revenue.RecordPaymentAsync(Pay(Eur(8, 70_000_000), part.RequestId)));
        Assert.Single((await revenue.GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name })).DutyAssessment.Payments);

        // The balance paid: released at once.
        var paid = await revenue.RecordPaymentAsync(Pay(Eur(8, 70_000_000)));
        Assert.Equal((DutyAssessmentState.Paid, Eur(0), Eur(18, 70_000_000), DeclarationStatus.Released),
            (paid.DutyAssessment.State, paid.DutyAssessment.Balance, paid.DutyAssessment.AmountPaid, paid.DeclarationStatus));
        var events = await filer.WatchUntilAsync(Filer, assessed.Name, DeclarationEventType.StatusChanged);
        Assert.Equal(
            [DeclarationEventType.Arrived, DeclarationEventType.PaymentRecorded, DeclarationEventType.PaymentRecorded, DeclarationEventType.StatusChanged],
            events.SkipWhile(e => e.Type != DeclarationEventType.Arrived).Select(e => e.Type));
        var released = (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = assessed.Name })).Declaration;
        Assert.Equal((DeclarationStatus.Released, ClearanceState.Released), (released.Status, released.Clearance.State));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "PAYMENT_EXCEEDS_BALANCE", revenue.RecordPaymentAsync(Pay(Eur(1))));

        // The report shows what was assessed and collected.
        var reports = new ReportingService.ReportingServiceClient(Node.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, Officer));
        var report = await reports.GetPerformanceReportAsync(new GetPerformanceReportRequest
        {
            Period = Period.Day,
            StartTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(-1), TimeSpan.Zero)),
            EndTime = Timestamp.FromDateTimeOffset(new DateTimeOffset(DateTimeOffset.UtcNow.Date.AddDays(1), TimeSpan.Zero)),
        });
        Assert.Equal((Eur(18, 70_000_000), Eur(18, 70_000_000), 1.0),
            (report.Total.RevenueAssessed, report.Total.RevenueCollected, report.Total.RevenueCollectionRate));
    }

    [SkippableFact]
    public async Task A_carrier_collecting_for_a_marketplace_pays_and_officers_see_the_ioss_totals()
    {
        Skip.If(SkipReason is not null, SkipReason);
        const string Marketplace = "global-bazaar";
        var carrier = new ConsignmentService.ConsignmentServiceClient(Node.CallInvokerFor(Filer));
        await carrier.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Filer}",
            ConsignmentId = "mawb-176-12345675",
            Consignment = new Consignment
            {
                TransportMode = TransportMode.Air,
                MasterTransportDocument = "176-12345675",
                ActiveMeansOfTransport = new ActiveMeansOfTransport { Identity = "PH-BXA", NationalityCountryCode = "NL" },
                ConveyanceReference = "KL0888",
                RoutingCountryCodes = { "CN", "NL" },
                PlaceOfLoading = "CNPVG",
                PlaceOfUnloading = "NLAMS",
                OfficeOfFirstEntry = "NL000396",
                ExpectedArrivalTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(12)),
            },
        });

        // The marketplace's house under IOSS, collected on delivery by the carrier: the VAT was charged at sale, the EUR 6 duty is due.
        var marketplace = Node.ClientFor(Marketplace);
        var house = SampleDeclarations.ExpressMarketplaceSale("MKT-COD-1");
        house.PayerModel = PayerModel.CollectOnDelivery;
        var assessed = await marketplace.SubmitAndAwaitDecisionAsync(Marketplace, house);
        var arrived = await marketplace.ArriveAsync(assessed.Name);
        var name = assessed.Name + "/dutyAssessment";
        var debt = (await RevenueClient(Filer).GetDutyAssessmentAsync(new GetDutyAssessmentRequest { Name = name })).DutyAssessment;
        Assert.Equal(($"filers/{Filer}", Eur(6), "IM5280001234"), (debt.Payer, debt.AmountDue, debt.IossNumber));
        Assert.Equal(ClearanceState.AwaitingPayment, arrived.Clearance.State);
        var vat = Assert.Single(debt.Lines, l => l.TaxType == TaxType.Vat);
        Assert.True(vat.PaidAtSale);
        Assert.Equal(debt.PaidAtSale, vat.Amount);

        var byMarketplace = await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "PAYER_MISMATCH",
            RevenueClient(Marketplace).RecordPaymentAsync(new RecordPaymentRequest { Name = name, Amount = Eur(6), RequestId = Guid.NewGuid().ToString() }));
        Assert.Equal(["name"], RpcErrors.ViolatedFields(byMarketplace));
        var paid = await RevenueClient(Filer).RecordPaymentAsync(new RecordPaymentRequest { Name = name, Amount = Eur(6), RequestId = Guid.NewGuid().ToString() });
        Assert.Equal((DeclarationStatus.Released, $"filers/{Filer}"), (paid.DeclarationStatus, paid.DutyAssessment.Payments[0].RecordedBy));

        // A second IOSS sale, with a guarantee on delivered duty paid: released on arrival, its duty owed on the account.
        var guaranteed = SampleDeclarations.ExpressMarketplaceSale("MKT-DDP-1");
        guaranteed.TransportDocument.MasterWaybill = "";
        guaranteed.PayerModel = PayerModel.DeliveredDutyPaid;
        guaranteed.GuaranteeReference = "GRN-NL-0001";
        var second = await marketplace.SubmitAndAwaitDecisionAsync(Marketplace, guaranteed);
        var released = await marketplace.ArriveAsync(second.Name);
        Assert.Equal((DeclarationStatus.Released, DutyAssessmentState.Due, false),
            (released.Status, released.DutyAssessment.State, released.DutyAssessment.ReleaseAwaitsPayment));

        var oversight = new RevenueOversightService.RevenueOversightServiceClient(Node.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, Officer));
        var totals = (await oversight.ListIossMonthlyTotalsAsync(new ListIossMonthlyTotalsRequest { IossNumber = "IM5280001234" })).Totals;
        var total = Assert.Single(totals);
        Assert.Equal(2, total.Consignments);
        Assert.Equal(Amount(debt.PaidAtSale) + Amount(released.DutyAssessment.PaidAtSale), Amount(total.Vat));
        Assert.Equal(DateTimeOffset.UtcNow.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture), total.Month);
        var paged = await oversight.ListIossMonthlyTotalsAsync(new ListIossMonthlyTotalsRequest { PageSize = 1 });
        Assert.Equal([total], paged.Totals);
        Assert.Empty(paged.NextPageToken);
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            oversight.ListIossMonthlyTotalsAsync(new ListIossMonthlyTotalsRequest { Month = "2026-13" }));
    }
}

/// <summary>The journey on the embedded store.</summary>
public sealed class RevenueJourneyTests() : RevenueJourney(JourneyStore.Embedded());

/// <summary>The journey on PostgreSQL.</summary>
public sealed class RevenueJourneyOnPostgresTests() : RevenueJourney(JourneyStore.Postgres());

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Consignments;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>
/// The disposition of held goods through the gRPC surface (EnforcementService.RecordDisposition):
/// a seizure with its legal basis reaches the house filer's and the carrier's watch streams, with
/// notices for the consignee and the seller; a Do Not Load ends in invalidation and the filer files
/// again; bad requests are refused field by field and change nothing. Run on each store.
/// </summary>
public abstract class DispositionJourney(JourneyStore store) : IAsyncLifetime
{
    private const string Carrier = "swift-express";
    private const string Marketplace = "global-bazaar";
    private const string Officer = "officer-janssen";
    private ExchangeNode? _node;

    protected string? SkipReason => store.SkipReason;

    private ExchangeNode Node => _node!;

    private EnforcementService.EnforcementServiceClient OfficerClient => Node.OfficerClient(Officer);

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            var settings = await store.SettingsAsync();
            settings["Exchange:Disposition:AdministrationName"] = "Douane Nederland";
            settings["Exchange:Disposition:AppealPeriod"] = "42.00:00:00";
            settings["Exchange:Disposition:AppealInstructions"] = "write to the office named on this notice.";
            _node = EnforcementFlow.AssessingNode(settings);
        }
    }

    public async Task DisposeAsync()
    {
        _node?.Dispose();
        await store.DisposeAsync();
    }

    private static LegalBasis Basis() => new() { Code = "ART-198", Citation = "Article 198 of the national customs act (seizure of goods)" };

    [SkippableFact]
    public async Task A_seized_house_reaches_its_filers_and_its_carriers_watch_streams_with_the_legal_basis()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var carrier = new ConsignmentService.ConsignmentServiceClient(Node.CallInvokerFor(Carrier));
        var marketplace = Node.ClientFor(Marketplace);
        var consignment = (await carrier.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Carrier}", ConsignmentId = "mawb-seize", Consignment = ConsignmentJourney.Master(),
        })).Consignment;
        var house = SampleDeclarations.ExpressMarketplaceSale("MKT-SEIZE-1");
        house.TransportDocument.HouseWaybill = "HAWB0077";
        house.TransportDocument.MasterWaybill = ConsignmentJourney.MasterDocument;
        house.Items[0].Quantity = SampleDeclarations.Pieces(20); // undervalued: held with a request for information
        var submitted = await marketplace.SubmitAsync(Marketplace, house);
        await marketplace.WatchUntilAsync(Marketplace, submitted.Name, DeclarationEventType.Decided);
        await carrier.NotifyConsignmentArrivalAsync(new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });
        var held = (await OfficerClient.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = submitted.Name })).Declaration;
        Assert.Equal((DeclarationStatus.Held, ClearanceState.Arrived), (held.Status, held.Clearance.State));

        var request = new RecordDispositionRequest
        {
            Name = held.Name, Type = DispositionType.Seized, LegalBasis = Basis(),
            Reason = "Forty units found, twenty declared.", Etag = held.Etag, RequestId = Guid.NewGuid().ToString(),
        };
        var seized = (await OfficerClient.RecordDispositionAsync(request)).Declaration;
        // A retry with the same request_id gets the same answer; the same id with other content is refused.
        Assert.Equal(seized, (await OfficerClient.RecordDispositionAsync(request)).Declaration);
        var reused = request.Clone();
        reused.Reason = "Something else.";
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", OfficerClient.RecordDispositionAsync(reused));

        Assert.Equal((DeclarationStatus.Seized, ClearanceState.NotReleased), (seized.Status, seized.Clearance.State));
        Assert.Equal(Basis(), seized.Disposition.LegalBasis);
        Assert.Equal(seized.Disposition.DisposeTime.ToDateTimeOffset().AddDays(42), seized.Disposition.AppealDeadline.ToDateTimeOffset());

        // The house filer's watch stream: a DISPOSED event with the disposition and its notices.
        var events = await marketplace.WatchUntilAsync(Marketplace, held.Name, DeclarationEventType.Disposed);
        var disposed = events[^1];
        Assert.Equal((DeclarationStatus.Seized, DispositionType.Seized), (disposed.Status, disposed.Disposition.Type));
        Assert.Equal(Basis(), disposed.Disposition.LegalBasis);
        Assert.Equal("", disposed.Actor);
        Assert.Equal([NoticeRecipient.Consignee, NoticeRecipient.Seller], disposed.Disposition.Notices.Select(n => n.Recipient));
        Assert.Equal([house.Consignee.Name, house.Seller.Name], disposed.Disposition.Notices.Select(n => n.PartyName));
        var deadline = seized.Disposition.AppealDeadline.ToDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(disposed.Disposition.Notices, notice =>
        {
            Assert.Contains("Douane Nederland has seized", notice.Text, StringComparison.Ordinal);
            Assert.Contains("Legal basis: Article 198 of the national customs act (seizure of goods) (ART-198).", notice.Text, StringComparison.Ordinal);
            Assert.Contains($"within 42 days, by {deadline}: write to the office named on this notice.", notice.Text, StringComparison.Ordinal);
            Assert.Contains(seized.CustomsReference, notice.Text, StringComparison.Ordinal);
        });

        // The carrier's watch stream: the house not released, with the legal basis and no notices.
        var notice = await CarrierEventAsync(carrier, ConsignmentEventType.HouseNotReleased);
        Assert.Equal(("HAWB0077", DeclarationStatus.Seized), (notice.House.HouseTransportDocument, notice.House.Status));
        Assert.Equal(Basis(), notice.House.Disposition.LegalBasis);
        Assert.Equal("Forty units found, twenty declared.", notice.House.Disposition.Reason);
        Assert.Empty(notice.House.Disposition.Notices);

        // Final: a second disposition is refused.
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = held.Name, Type = DispositionType.Destroyed, LegalBasis = Basis(), Reason = "Destroyed.", Etag = seized.Etag }));
    }

    [SkippableFact]
    public async Task A_do_not_load_ends_in_invalidation_and_the_filer_files_again_with_the_same_or_a_new_reference()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var filer = Node.ClientFor(Carrier);
        var arms = SampleDeclarations.ExpressMarketplaceSale("LRN-DNL-1");
        arms.Items[0].HsCode = "930400";
        var held = await filer.SubmitAndAwaitDecisionAsync(Carrier, arms);
        Assert.Equal(SecurityAssessmentState.DoNotLoad, held.SecurityAssessment.State);
        var current = (await OfficerClient.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = held.Name })).Declaration;

        var invalidated = (await OfficerClient.RecordDispositionAsync(new RecordDispositionRequest
        {
            Name = held.Name, Type = DispositionType.Invalidated, Reason = "Do Not Load upheld: firearm part without authorisation.", Etag = current.Etag,
        })).Declaration;

        Assert.Equal(DeclarationStatus.Cancelled, invalidated.Status);
        Assert.Equal((SecurityAssessmentState.Invalidated, ClearanceState.Withdrawn), (invalidated.SecurityAssessment.State, invalidated.Clearance.State));
        Assert.Equal(DispositionType.Invalidated, invalidated.Disposition.Type);
        Assert.Null(invalidated.Disposition.AppealDeadline);
        Assert.Empty(invalidated.Disposition.Notices);
        Assert.All(invalidated.Referrals, r => Assert.Equal(ReferralState.Closed, r.State));
        var events = await filer.WatchUntilAsync(Carrier, held.Name, DeclarationEventType.Disposed);
        Assert.Equal(DeclarationStatus.Cancelled, events[^1].Status);

        // The filer files again: with the same LRN (accepted, with a warning naming the invalidated one) and with a new one.
        var corrected = SampleDeclarations.ExpressMarketplaceSale("LRN-DNL-1");
        var again = await filer.SubmitDeclarationAsync(Requests.Submit(Carrier, corrected));
        Assert.NotEqual(held.Name, again.Declaration.Name);
        Assert.Equal(held.Name, Assert.Single(again.Warnings, w => w.Code == "DUPLICATE_LOCAL_REFERENCE_NUMBER").OtherDeclaration);
        var renamed = await filer.SubmitAsync(Carrier, SampleDeclarations.ExpressMarketplaceSale("LRN-DNL-2"));
        foreach (var refiled in new[] { again.Declaration, renamed })
        {
            var decided = await filer.WatchUntilAsync(Carrier, refiled.Name, DeclarationEventType.Decided);
            Assert.Equal(DeclarationStatus.Assessed, decided[^1].Status); // the corrected goods: assessment complete
        }
    }

    [SkippableFact]
    public async Task Bad_dispositions_are_refused_by_field_and_change_nothing()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var filer = Node.ClientFor(Carrier);
        var postal = SampleDeclarations.PostalGift("LRN-BAD-1");
        postal.Items[0].HsCode = "930400"; // held under a Do Not Load
        var held = await filer.SubmitAndAwaitDecisionAsync(Carrier, postal);
        await filer.ArriveAsync(held.Name);
        var current = (await OfficerClient.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        Assert.Equal(DeclarationStatus.Held, current.Status);

        // A seizure without a legal basis, and a reason too long.
        var noBasis = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = held.Name, Type = DispositionType.Seized, Reason = new string('x', 513), Etag = current.Etag }));
        Assert.Equal(["legal_basis", "reason"], RpcErrors.ViolatedFields(noBasis));
        // A return without a return item identifier; a postal return with an S10 whose check digit is wrong.
        var noItem = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = held.Name, Type = DispositionType.ReturnedToSender, LegalBasis = Basis(), Reason = "Prohibited.", Etag = current.Etag }));
        Assert.Equal(["return_item_identifier"], RpcErrors.ViolatedFields(noItem));
        var badS10 = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest
            {
                Name = held.Name, Type = DispositionType.ReturnedToSender, LegalBasis = Basis(), Reason = "Prohibited.",
                ReturnItemIdentifier = "RB123456784GB", Etag = current.Etag,
            }));
        Assert.Equal(["return_item_identifier"], RpcErrors.ViolatedFields(badS10));
        Assert.Contains("check digit", badS10.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations[0].Description, StringComparison.Ordinal);
        // Every problem at once, by path; no type at all.
        var all = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = "nonsense", LegalBasis = new LegalBasis { Code = "", Citation = "" }, Etag = "" }));
        Assert.Equal(["name", "type", "legal_basis.code", "legal_basis.citation", "reason", "etag"], RpcErrors.ViolatedFields(all));
        // An invalidation after arrival: goods that arrived are disposed of, not invalidated.
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_ARRIVED", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = held.Name, Type = DispositionType.Invalidated, Reason = "Too late.", Etag = current.Etag }));

        var unchanged = (await OfficerClient.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        Assert.Equal(current, unchanged);

        // A valid postal return names its own S10 item.
        var returned = (await OfficerClient.RecordDispositionAsync(new RecordDispositionRequest
        {
            Name = held.Name, Type = DispositionType.ReturnedToSender, LegalBasis = Basis(), Reason = "Prohibited goods.",
            ReturnItemIdentifier = "RB123456785GB", Etag = current.Etag,
        })).Declaration;
        Assert.Equal((DeclarationStatus.ReturnedToSender, "RB123456785GB"), (returned.Status, returned.Disposition.ReturnItemIdentifier));
        Assert.Contains("as return item RB123456785GB", returned.Disposition.Notices[0].Text, StringComparison.Ordinal);

        // A released declaration is not disposed of.
        var released = await filer.SubmitAndAwaitDecisionAsync(Carrier, SampleDeclarations.PostalGift("LRN-BAD-2"));
        released = await filer.ArriveAsync(released.Name);
        Assert.Equal(DeclarationStatus.Released, released.Status);
        var refused = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", OfficerClient.RecordDispositionAsync(
            new RecordDispositionRequest { Name = released.Name, Type = DispositionType.Seized, LegalBasis = Basis(), Reason = "Late find.", Etag = released.Etag }));
        var field = Assert.Single(refused.GetDetail<Google.Rpc.BadRequest>()!.FieldViolations);
        Assert.Equal("name", field.Field);
        Assert.Contains("RELEASED", field.Description, StringComparison.Ordinal);
        Assert.Equal(released, (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = released.Name })).Declaration);
    }

    /// <summary>The carrier's notices from the start, until the first of <paramref name="type"/>.</summary>
    private static async Task<ConsignmentEvent> CarrierEventAsync(ConsignmentService.ConsignmentServiceClient carrier, ConsignmentEventType type)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a guard against a hang, not a measurement
        using var call = carrier.WatchConsignmentEvents(
            new WatchConsignmentEventsRequest { Parent = $"filers/{Carrier}", IncludeHistory = true }, cancellationToken: timeout.Token);
        while (await call.ResponseStream.MoveNext(timeout.Token))
        {
            if (call.ResponseStream.Current.Event.Type == type)
            {
                return call.ResponseStream.Current.Event;
            }
        }
        throw new InvalidOperationException("The carrier's watch ended before the awaited notice.");
    }
}

/// <summary>The dispositions on the embedded store.</summary>
public sealed class DispositionTests() : DispositionJourney(JourneyStore.Embedded());

/// <summary>The dispositions on PostgreSQL.</summary>
public sealed class DispositionOnPostgresTests() : DispositionJourney(JourneyStore.Postgres());

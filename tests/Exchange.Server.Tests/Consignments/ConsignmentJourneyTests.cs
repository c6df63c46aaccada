using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;

namespace Exchange.Server.Tests.Consignments;

/// <summary>
/// Multiple filing end to end, two parties as different callers: an express carrier files the
/// master, a marketplace files the houses (one before the master exists), a referral is answered,
/// the consignment arrives, assessed houses are released, the held one is to be presented for
/// control and released by the officer. Run on each store.
/// </summary>
public abstract class ConsignmentJourney(JourneyStore store) : IAsyncLifetime
{
    private const string Carrier = "swift-express";
    private const string Marketplace = "global-bazaar";
    private const string Officer = "officer-mulder";
    internal const string MasterDocument = "176-12345675";
    private ExchangeNode? _node;

    protected string? SkipReason => store.SkipReason;

    private ExchangeNode Node => _node!;

    private ConsignmentService.ConsignmentServiceClient CarrierClient => new(Node.CallInvokerFor(Carrier));

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

    private static Declaration House(string lrn, string houseWaybill, int earbuds = 2)
    {
        var house = SampleDeclarations.ExpressMarketplaceSale(lrn);
        house.TransportDocument.HouseWaybill = houseWaybill;
        house.TransportDocument.MasterWaybill = MasterDocument;
        house.Consignee.Name = $"Consignee of {lrn}";
        house.Items[0].Quantity = SampleDeclarations.Pieces(earbuds); // 20 is undervalued: held with a request for information
        return house;
    }

    /// <summary>The carrier's master consignment (air, KL0888 to NLAMS) with <see cref="MasterDocument"/>; other journeys file it too.</summary>
    internal static Consignment Master() => new()
    {
        TransportMode = TransportMode.Air,
        MasterTransportDocument = MasterDocument,
        ActiveMeansOfTransport = new ActiveMeansOfTransport { Identity = "PH-BXA", NationalityCountryCode = "NL" },
        ConveyanceReference = "KL0888",
        RoutingCountryCodes = { "CN", "NL" },
        PlaceOfLoading = "CNPVG",
        PlaceOfUnloading = "NLAMS",
        OfficeOfFirstEntry = "NL000396",
        ExpectedArrivalTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddHours(12)),
    };

    [SkippableFact]
    public async Task A_carrier_and_a_marketplace_file_apart_and_the_consignments_arrival_releases_and_lists_what_to_present()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var marketplace = Node.ClientFor(Marketplace);

        // The marketplace files first: the master is not filed yet ("ENS not complete").
        var early = await marketplace.SubmitAsync(Marketplace, House("MKT-0001", "HAWB0001"));
        Assert.Equal(MasterConsignmentLinkState.MasterNotFiled, early.MasterConsignment.State);
        Assert.Equal(DeclarationStatus.Assessed, early.Status);

        var consignment = (await CarrierClient.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Carrier}", ConsignmentId = "mawb-176-12345675", Consignment = Master(),
        })).Consignment;
        Assert.Equal((ConsignmentState.Open, 1L), (consignment.State, consignment.Revision));

        // Linked whoever filed first: the early house now, a later one at once.
        var linkedEarly = (await marketplace.GetDeclarationAsync(new GetDeclarationRequest { Name = early.Name })).Declaration;
        Assert.Equal((MasterConsignmentLinkState.Linked, consignment.Name), (linkedEarly.MasterConsignment.State, linkedEarly.MasterConsignment.Consignment));
        var held = await marketplace.SubmitAsync(Marketplace, House("MKT-0002", "HAWB0002", earbuds: 20));
        var third = await marketplace.SubmitAsync(Marketplace, House("MKT-0003", "HAWB0003"));
        Assert.Equal(DeclarationStatus.Held, held.Status);
        Assert.Equal(MasterConsignmentLinkState.Linked, held.MasterConsignment.State);

        // The carrier sees where its houses stand, never their parties, goods or names.
        var houses = (await CarrierClient.ListConsignmentHousesAsync(new ListConsignmentHousesRequest { Parent = consignment.Name })).Houses;
        Assert.Equal(["HAWB0001", "HAWB0002", "HAWB0003"], houses.Select(h => h.HouseTransportDocument));
        Assert.All(houses, h => Assert.Equal("", h.Declaration));
        Assert.Equal((DeclarationStatus.Held, true, SecurityAssessmentState.Referred), (houses[1].Status, houses[1].ReferralOpen, houses[1].SecurityAssessmentState));
        Assert.DoesNotContain("Consignee of", houses.ToString(), StringComparison.Ordinal);

        // The marketplace answers its referral; then the consignment arrives.
        await marketplace.RespondToReferralAsync(new RespondToReferralRequest
        {
            Name = held.Referrals[0].Name,
            Response = new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "Clearance sale; invoice attached." } },
        });
        var arrival = new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)), ArrivalOffice = "NL000396",
        };
        var arrived = await CarrierClient.NotifyConsignmentArrivalAsync(arrival);

        Assert.Equal(ConsignmentState.Arrived, arrived.Consignment.State);
        Assert.Equal((3, 2), (arrived.HousesArrived, arrived.HousesReleased));
        var control = Assert.Single(arrived.ItemsToPresent);
        Assert.Equal(("HAWB0002", ControlReason.CustomsHold), (control.House.HouseTransportDocument, control.Reason));
        var released = (await marketplace.GetDeclarationAsync(new GetDeclarationRequest { Name = third.Name })).Declaration;
        Assert.Equal((DeclarationStatus.Released, "KL0888"), (released.Status, released.Clearance.ArrivalConveyanceReference));
        // The house filer hears of the arrival and the release on its own stream.
        var events = await marketplace.WatchUntilAsync(Marketplace, early.Name, DeclarationEventType.StatusChanged);
        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Decided, DeclarationEventType.Arrived, DeclarationEventType.StatusChanged],
            events.Select(e => e.Type));

        // The same notification again answers alike; another arrival time is refused.
        var again = await CarrierClient.NotifyConsignmentArrivalAsync(arrival);
        Assert.Equal((arrived.Consignment, 3, 2), (again.Consignment, again.HousesArrived, again.HousesReleased));
        arrival.ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_ARRIVED", CarrierClient.NotifyConsignmentArrivalAsync(arrival));
        var lateAmendment = Master();
        lateAmendment.Name = consignment.Name;
        lateAmendment.ConveyanceReference = "KL0999";
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_ARRIVED",
            CarrierClient.AmendConsignmentAsync(new AmendConsignmentRequest { Consignment = lateAmendment, Etag = arrived.Consignment.Etag }));

        // Held at arrival: the officer cannot release it before the carrier presents it.
        var officer = Node.OfficerClient(Officer);
        var current = (await officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_PRESENTED", officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "Invoice checked.", Etag = current.Etag,
        }));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_PRESENTED", officer.RecordControlResultAsync(new RecordControlResultRequest
        {
            Name = held.Name, Outcome = ControlOutcome.Satisfactory, Remarks = "Goods match the invoice.", Etag = current.Etag,
        }));

        // The carrier presents what the control notification listed; every wrong reference is named, nothing changes.
        var wrongPresentation = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            CarrierClient.NotifyConsignmentPresentationAsync(new NotifyConsignmentPresentationRequest
            {
                Name = consignment.Name, HouseReferences = { "HAWB0002", "HAWB9999", "HAWB0003", "HAWB0002" },
            }));
        Assert.Equal(["house_references[1]", "house_references[2]", "house_references[3]"], RpcErrors.ViolatedFields(wrongPresentation).Order(StringComparer.Ordinal));
        var presentation = new NotifyConsignmentPresentationRequest { Name = consignment.Name, HouseReferences = { "HAWB0002" } };
        var presented = Assert.Single((await CarrierClient.NotifyConsignmentPresentationAsync(presentation)).Houses);
        Assert.Equal((ClearanceState.Presented, DeclarationStatus.Held), (presented.ClearanceState, presented.Status));
        Assert.Equal(presented, Assert.Single((await CarrierClient.NotifyConsignmentPresentationAsync(presentation)).Houses)); // a retry changes nothing

        // The officer's satisfactory control releases it; a second result is refused.
        current = (await officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        var controlled = (await officer.RecordControlResultAsync(new RecordControlResultRequest
        {
            Name = held.Name, Outcome = ControlOutcome.Satisfactory, Remarks = "Goods match the invoice.", Etag = current.Etag,
        })).Declaration;
        Assert.Equal((DeclarationStatus.Released, ClearanceState.Released, ControlOutcome.Satisfactory),
            (controlled.Status, controlled.Clearance.State, controlled.Clearance.ControlResult.Outcome));
        Assert.All(controlled.Referrals, r => Assert.Equal(ReferralState.Closed, r.State));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", officer.RecordControlResultAsync(new RecordControlResultRequest
        {
            Name = held.Name, Outcome = ControlOutcome.NotSatisfactory, Remarks = "Again.", Etag = controlled.Etag,
        }));
        var filerEvents = await marketplace.WatchUntilAsync(Marketplace, held.Name, DeclarationEventType.Decided, count: 2);
        Assert.Equal([DeclarationEventType.Arrived, DeclarationEventType.Presented, DeclarationEventType.Controlled, DeclarationEventType.Decided],
            filerEvents.Select(e => e.Type).SkipWhile(t => t != DeclarationEventType.Arrived));

        // The carrier was told on its own stream: the referral (not its content), what to present, each release.
        var notices = await CarrierEventsAsync(5);
        Assert.Equal(
            [(ConsignmentEventType.HouseReferralOpened, "HAWB0002"), (ConsignmentEventType.HouseReleased, "HAWB0001"),
             (ConsignmentEventType.HouseControlRequired, "HAWB0002"), (ConsignmentEventType.HouseReleased, "HAWB0003"),
             (ConsignmentEventType.HouseReleased, "HAWB0002")],
            notices.Select(n => (n.Type, n.House.HouseTransportDocument)));
        Assert.Equal(ReferralType.RequestForInformation, notices[0].ReferralType);
        Assert.All(notices, n => Assert.Equal((consignment.Name, ""), (n.Consignment, n.House.Declaration)));
        var told = string.Join('\n', notices.Select(n => n.ToString())); // each notice as JSON
        Assert.Contains("HAWB0002", told, StringComparison.Ordinal);
        Assert.DoesNotContain("Clearance sale", told, StringComparison.Ordinal);
        Assert.DoesNotContain("Consignee of", told, StringComparison.Ordinal);
        // Resumable: after the third cursor come the last two.
        Assert.Equal(notices.Skip(3), await CarrierEventsAsync(2, after: notices[2].Cursor));
    }

    [SkippableFact]
    public async Task Presentation_and_control_come_in_order_and_the_carrier_hears_of_amendments_and_refusals()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var marketplace = Node.ClientFor(Marketplace);
        var officer = Node.OfficerClient(Officer);
        var consignment = (await CarrierClient.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Carrier}", ConsignmentId = "mawb-2", Consignment = Master(),
        })).Consignment;
        var plain = await marketplace.SubmitAsync(Marketplace, House("MKT-0031", "HAWB0031"));
        var held = await marketplace.SubmitAsync(Marketplace, House("MKT-0032", "HAWB0032", earbuds: 20));

        // Nothing is presented before arrival.
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_ARRIVED", CarrierClient.NotifyConsignmentPresentationAsync(
            new NotifyConsignmentPresentationRequest { Name = consignment.Name, HouseReferences = { "HAWB0031" } }));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_ARRIVED",
            marketplace.NotifyPresentationAsync(new NotifyPresentationRequest { Name = held.Name }));

        // The house filer amends a house: its carrier is told (ICS2 IE3N10).
        var amendment = plain.Clone();
        amendment.Consignee.Name = "Consignee of MKT-0031, corrected";
        await marketplace.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amendment, Etag = plain.Etag });
        await CarrierClient.NotifyConsignmentArrivalAsync(new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });

        // A released house has no control; the held one is presented by its own filer (who holds the goods), once.
        var released = (await officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = plain.Name })).Declaration;
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION", officer.RecordControlResultAsync(
            new RecordControlResultRequest { Name = plain.Name, Outcome = ControlOutcome.Satisfactory, Remarks = "Seen.", Etag = released.Etag }));
        var presented = (await marketplace.NotifyPresentationAsync(new NotifyPresentationRequest { Name = held.Name })).Declaration;
        Assert.Equal((ClearanceState.Presented, DeclarationStatus.Held), (presented.Clearance.State, presented.Status));
        Assert.Equal(presented, (await marketplace.NotifyPresentationAsync(new NotifyPresentationRequest { Name = held.Name })).Declaration);

        // Discrepancies: the goods stay held for the officer, who seizes them.
        var controlled = (await officer.RecordControlResultAsync(new RecordControlResultRequest
        {
            Name = held.Name, Outcome = ControlOutcome.NotSatisfactory, Remarks = "Forty units found, twenty declared.", Etag = presented.Etag,
        })).Declaration;
        Assert.Equal((DeclarationStatus.Held, ControlOutcome.NotSatisfactory), (controlled.Status, controlled.Clearance.ControlResult.Outcome));
        var seized = (await officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Seize, Reason = "Undeclared goods.", Etag = controlled.Etag,
        })).Declaration;
        Assert.Equal((DeclarationStatus.Seized, ClearanceState.NotReleased), (seized.Status, seized.Clearance.State));

        var notices = await CarrierEventsAsync(5);
        Assert.Equal(
            [(ConsignmentEventType.HouseReferralOpened, "HAWB0032"), (ConsignmentEventType.HouseAmended, "HAWB0031"),
             (ConsignmentEventType.HouseReleased, "HAWB0031"), (ConsignmentEventType.HouseControlRequired, "HAWB0032"),
             (ConsignmentEventType.HouseNotReleased, "HAWB0032")],
            notices.Select(n => (n.Type, n.House.HouseTransportDocument)));
        Assert.Equal(DeclarationStatus.Seized, notices[^1].House.Status);
        // Another filer cannot watch the carrier's notices; a cursor beyond them is refused.
        await RpcErrors.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH", WatchAsMarketplaceAsync);
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "INVALID_CURSOR", () => CarrierEventsAsync(1, after: "999999"));
    }

    [SkippableFact]
    public async Task A_reference_two_houses_answer_to_is_refused_as_ambiguous()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var marketplace = Node.ClientFor(Marketplace);
        var consignment = (await CarrierClient.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Carrier}", ConsignmentId = "mawb-3", Consignment = Master(),
        })).Consignment;
        await marketplace.SubmitAsync(Marketplace, House("MKT-0041", "HAWB0041", earbuds: 20));
        await marketplace.SubmitAsync(Marketplace, House("MKT-0042", "HAWB0041", earbuds: 20));
        await CarrierClient.NotifyConsignmentArrivalAsync(new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });

        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", CarrierClient.NotifyConsignmentPresentationAsync(
            new NotifyConsignmentPresentationRequest { Name = consignment.Name, HouseReferences = { "HAWB0041" } }));

        Assert.Equal(["house_references[0]"], RpcErrors.ViolatedFields(status));
        var houses = (await CarrierClient.ListConsignmentHousesAsync(new ListConsignmentHousesRequest { Parent = consignment.Name })).Houses;
        Assert.All(houses, h => Assert.Equal(ClearanceState.Arrived, h.ClearanceState)); // neither was presented
    }

    /// <summary>Another filer trying to watch the carrier's notices.</summary>
    private async Task WatchAsMarketplaceAsync()
    {
        var client = new ConsignmentService.ConsignmentServiceClient(Node.CallInvokerFor(Marketplace));
        using var call = client.WatchConsignmentEvents(new WatchConsignmentEventsRequest { Parent = $"filers/{Carrier}", IncludeHistory = true });
        await call.ResponseStream.MoveNext();
    }

    /// <summary>The carrier's notices: the first <paramref name="count"/> of its history, or after a cursor.</summary>
    private async Task<List<ConsignmentEvent>> CarrierEventsAsync(int count, string? after = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // a guard against a hang, not a measurement
        using var call = CarrierClient.WatchConsignmentEvents(
            new WatchConsignmentEventsRequest { Parent = $"filers/{Carrier}", IncludeHistory = after is null, StartAfterCursor = after ?? "" },
            cancellationToken: timeout.Token);
        var events = new List<ConsignmentEvent>();
        while (events.Count < count && await call.ResponseStream.MoveNext(timeout.Token))
        {
            events.Add(call.ResponseStream.Current.Event);
        }
        return events;
    }

    [SkippableFact]
    public async Task A_master_document_is_one_open_consignments_and_invalidation_unlinks_its_houses()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var carrier = CarrierClient;
        var create = new CreateConsignmentRequest { Parent = $"filers/{Carrier}", ConsignmentId = "first", Consignment = Master() };
        var first = (await carrier.CreateConsignmentAsync(create)).Consignment;
        // A retry answers alike; the same id with other content, or the document again, is ALREADY_EXISTS.
        Assert.Equal(first, (await carrier.CreateConsignmentAsync(create)).Consignment);
        create.Consignment.ConveyanceReference = "KL0999";
        await EnforcementFlow.ExpectAsync(StatusCode.AlreadyExists, "ALREADY_EXISTS", carrier.CreateConsignmentAsync(create));
        var other = new ConsignmentService.ConsignmentServiceClient(Node.CallInvokerFor("other-carrier"));
        await EnforcementFlow.ExpectAsync(StatusCode.AlreadyExists, "ALREADY_EXISTS", other.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = "filers/other-carrier", ConsignmentId = "copy", Consignment = Master() }));
        var house = await Node.ClientFor(Marketplace).SubmitAsync(Marketplace, House("MKT-0009", "HAWB0009"));
        Assert.Equal(MasterConsignmentLinkState.Linked, house.MasterConsignment.State);

        var invalidated = (await carrier.InvalidateConsignmentAsync(new InvalidateConsignmentRequest
        {
            Name = first.Name, Etag = first.Etag, Reason = "Flight cancelled; goods rebooked.",
        })).Consignment;

        Assert.Equal(ConsignmentState.Invalidated, invalidated.State);
        var unlinked = (await Node.ClientFor(Marketplace).GetDeclarationAsync(new GetDeclarationRequest { Name = house.Name })).Declaration;
        Assert.Equal(MasterConsignmentLinkState.MasterNotFiled, unlinked.MasterConsignment.State);
        Assert.Empty((await carrier.ListConsignmentHousesAsync(new ListConsignmentHousesRequest { Parent = first.Name })).Houses);
        // The document is free again: the other carrier files it, and the house links to that one.
        var rebooked = (await other.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = "filers/other-carrier", ConsignmentId = "rebooked", Consignment = Master() })).Consignment;
        var relinked = (await Node.ClientFor(Marketplace).GetDeclarationAsync(new GetDeclarationRequest { Name = house.Name })).Declaration;
        Assert.Equal(rebooked.Name, relinked.MasterConsignment.Consignment);
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            carrier.InvalidateConsignmentAsync(new InvalidateConsignmentRequest { Name = first.Name, Etag = invalidated.Etag, Reason = "Again." }));
    }

    [SkippableFact]
    public async Task An_arrival_reaches_only_the_houses_that_still_name_the_master_and_have_not_ended()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var marketplace = Node.ClientFor(Marketplace);
        var consignment = (await CarrierClient.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = $"filers/{Carrier}", ConsignmentId = "mawb-1", Consignment = Master(),
        })).Consignment;
        var stays = await marketplace.SubmitAsync(Marketplace, House("MKT-0021", "HAWB0021"));
        var moves = await marketplace.SubmitAsync(Marketplace, House("MKT-0022", "HAWB0022"));
        var weapons = House("MKT-0023", "HAWB0023");
        weapons.Items[0].HsCode = "930190"; // military weapons: refused at once
        var refused = await marketplace.SubmitAsync(Marketplace, weapons);
        Assert.Equal(DeclarationStatus.Rejected, refused.Status);
        var moved = moves.Clone();
        moved.TransportDocument.MasterWaybill = "176-99999999"; // rebooked on another flight
        await marketplace.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = moved, Etag = moves.Etag });

        var arrived = await CarrierClient.NotifyConsignmentArrivalAsync(new NotifyConsignmentArrivalRequest
        {
            Name = consignment.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        });

        Assert.Equal((1, 1, 0), (arrived.HousesArrived, arrived.HousesReleased, arrived.ItemsToPresent.Count));
        Assert.Equal(DeclarationStatus.Released, (await marketplace.GetDeclarationAsync(new GetDeclarationRequest { Name = stays.Name })).Declaration.Status);
        var notMoved = (await marketplace.GetDeclarationAsync(new GetDeclarationRequest { Name = moves.Name })).Declaration;
        Assert.Equal((ClearanceState.Lodged, MasterConsignmentLinkState.MasterNotFiled), (notMoved.Clearance.State, notMoved.MasterConsignment.State));
        Assert.Null((await marketplace.GetDeclarationAsync(new GetDeclarationRequest { Name = refused.Name })).Declaration.Clearance.ArriveTime);
    }

    [SkippableFact]
    public async Task A_consignment_names_every_wrong_field_and_its_document_cannot_be_amended()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var wrong = Master();
        wrong.TransportMode = TransportMode.Unspecified;
        wrong.RoutingCountryCodes.Clear();
        wrong.RoutingCountryCodes.Add("CN");
        wrong.PlaceOfLoading = "shanghai";
        wrong.OfficeOfFirstEntry = "";
        wrong.ReceptacleIdentifiers.Add(new string('R', 36));

        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED", CarrierClient.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = $"filers/{Carrier}", ConsignmentId = "Not An Id", Consignment = wrong }));

        Assert.Equal(
            ["consignment.office_of_first_entry", "consignment.place_of_loading", "consignment.receptacle_identifiers[0]",
             "consignment.routing_country_codes", "consignment.transport_mode", "consignment_id"],
            RpcErrors.ViolatedFields(status).Order(StringComparer.Ordinal));

        var created = (await CarrierClient.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = $"filers/{Carrier}", ConsignmentId = "kept", Consignment = Master() })).Consignment;
        var moved = Master();
        moved.Name = created.Name;
        moved.MasterTransportDocument = "176-00000000";
        var refusal = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            CarrierClient.AmendConsignmentAsync(new AmendConsignmentRequest { Consignment = moved, Etag = created.Etag }));
        Assert.Equal(["consignment.master_transport_document"], RpcErrors.ViolatedFields(refusal));
        var amendment = Master();
        amendment.Name = created.Name;
        amendment.ConveyanceReference = "KL0999";
        var amended = (await CarrierClient.AmendConsignmentAsync(new AmendConsignmentRequest { Consignment = amendment, Etag = created.Etag })).Consignment;
        Assert.Equal(("KL0999", 2L), (amended.ConveyanceReference, amended.Revision));
        // Its retry (a stale etag by now) answers alike; another change with that etag is ABORTED.
        Assert.Equal(amended, (await CarrierClient.AmendConsignmentAsync(new AmendConsignmentRequest { Consignment = amendment, Etag = created.Etag })).Consignment);
        amendment.ConveyanceReference = "KL1000";
        await EnforcementFlow.ExpectAsync(StatusCode.Aborted, "ETAG_MISMATCH",
            CarrierClient.AmendConsignmentAsync(new AmendConsignmentRequest { Consignment = amendment, Etag = created.Etag }));
        var listed = (await CarrierClient.ListConsignmentsAsync(new ListConsignmentsRequest { Parent = $"filers/{Carrier}" })).Consignments;
        Assert.Equal([amended], listed);
    }
}

/// <summary>The journey on the embedded store.</summary>
public sealed class ConsignmentJourneyTests() : ConsignmentJourney(JourneyStore.Embedded());

/// <summary>The journey on PostgreSQL.</summary>
public sealed class ConsignmentJourneyOnPostgresTests() : ConsignmentJourney(JourneyStore.Postgres());

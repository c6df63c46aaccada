using System.Globalization;
using System.Numerics;
using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>
/// Master consignments and multiple filing (consignment_service.proto, beta), with two parties:
/// the kit's filer is the carrier, the other filer a marketplace filing houses. Each check uses
/// a master transport document of its own, so runs and checks never meet.
/// </summary>
internal static class ConsignmentChecks
{
    private const string Area = "Consignments";

    public static IEnumerable<Check> All =>
    [
        new("consignment.create-get-list", Area, "Create answers OPEN at revision 1 with name and etag; Get and List return it; the same creation again answers alike", CreateGetListAsync),
        new("consignment.validates", Area, "A consignment breaking several rules is INVALID_ARGUMENT naming each field", ValidatesAsync),
        new("consignment.document-taken", Area, "A second open consignment of the same master transport document is ALREADY_EXISTS", DocumentTakenAsync),
        new("consignment.other-filer-denied", Area, "Another filer cannot get, list the houses of, or notify the arrival of a carrier's consignment: PERMISSION_DENIED FILER_MISMATCH", OtherFilerDeniedAsync),
        new("consignment.links-houses", Area, "A house filed by another party before the master says MASTER_NOT_FILED, then LINKED once the carrier files it", LinksHousesAsync),
        new("consignment.houses-without-personal-data", Area, "The carrier lists another party's house by its waybill and status, without its name or parties", HousesViewAsync),
        new("consignment.arrival-reaches-houses", Area, "The consignment's arrival is its houses' arrival: assessed ones released, others to present for control", ArrivalAsync),
        new("consignment.arrival-again", Area, "The same arrival again answers alike; another arrival time is FAILED_PRECONDITION GOODS_ARRIVED", ArrivalAgainAsync),
        new("consignment.invalidate-unlinks", Area, "An invalidated consignment unlinks its houses (MASTER_NOT_FILED) and frees its document", InvalidateUnlinksAsync),
        new("consignment.presentation-before-arrival-refused", Area, "Presenting houses before the consignment's arrival is FAILED_PRECONDITION GOODS_NOT_ARRIVED and changes nothing", PresentationBeforeArrivalRefusedAsync),
        new("consignment.presentation-names-every-wrong-reference", Area, "An unknown and a repeated house reference are INVALID_ARGUMENT naming each house_references[i]; nothing is presented", PresentationNamesEveryWrongReferenceAsync),
        new("consignment.presentation-presents-houses", Area, "After arrival a house not released is presented (PRESENTED) and again unchanged; a released one has nothing to present", PresentationPresentsHousesAsync),
        new("consignment.notices-amendment", Area, "The carrier's watch tells it of a house amended by its filer (HOUSE_AMENDED, no declaration name), resumes after a cursor, refuses one beyond its notices", NoticesAmendmentAsync),
        new("consignment.notices-other-filer-denied", Area, "Watching another carrier's notices is PERMISSION_DENIED FILER_MISMATCH", NoticesOtherFilerDeniedAsync),
    ];

    private static Consignment Master(string document) => new()
    {
        TransportMode = TransportMode.Air,
        MasterTransportDocument = document,
        ConveyanceReference = "CK0001",
        RoutingCountryCodes = { "CN", "DE" },
        OfficeOfFirstEntry = "DE004851",
    };

    private static string NewDocument(CheckContext context) => "MAWB-" + context.NewLrn();

    private static Task<Consignment> CreateAsync(CheckContext context, string document, string? id = null) =>
        CheckContext.SetupAsync("CreateConsignment", async () => (await context.Consignments.CreateConsignmentAsync(new CreateConsignmentRequest
        {
            Parent = context.Parent, ConsignmentId = id ?? context.NewConsignmentId(), Consignment = Master(document),
        })).Consignment);

    /// <summary>Setup: the other filer (a marketplace) files a house naming <paramref name="document"/> as its master.</summary>
    private static Task<Declaration> FileHouseAsync(CheckContext context, string document) =>
        CheckContext.SetupAsync("SubmitDeclaration of a house as the other filer", async () =>
        {
            var house = ConformanceSamples.ExpressMarketplaceSale(context.NewLrn());
            house.TransportDocument.MasterWaybill = document;
            return (await context.OtherClient.SubmitDeclarationAsync(new SubmitDeclarationRequest
            {
                Parent = $"filers/{context.OtherFiler}", Declaration = house, RequestId = CheckContext.NewRequestId(),
            })).Declaration;
        });

    private static Task<Declaration> GetHouseAsync(CheckContext context, Declaration house) =>
        CheckContext.SetupAsync("GetDeclaration of the house as the other filer", async () =>
            (await context.OtherClient.GetDeclarationAsync(new GetDeclarationRequest { Name = house.Name })).Declaration);

    /// <summary>Setup: the other filer amends its house (a new remark), from the house as it stands now.</summary>
    private static async Task<Declaration> AmendHouseAsync(CheckContext context, Declaration house, string remarks)
    {
        var amended = (await GetHouseAsync(context, house)).Clone();
        amended.Remarks = remarks;
        return await CheckContext.SetupAsync("AmendDeclaration of the house as the other filer", async () =>
            (await context.OtherClient.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = amended.Etag })).Declaration);
    }

    private static Task<NotifyConsignmentArrivalResponse> ArriveAsync(CheckContext context, Consignment consignment) =>
        CheckContext.SetupAsync("NotifyConsignmentArrival", async () => await context.Consignments.NotifyConsignmentArrivalAsync(Arrival(consignment)));

    private static NotifyConsignmentPresentationRequest Presentation(Consignment consignment, params string[] references) =>
        new() { Name = consignment.Name, HouseReferences = { references } };

    private static NotifyConsignmentArrivalRequest Arrival(Consignment consignment) => new()
    {
        Name = consignment.Name,
        ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)),
        ArrivalOffice = "DE004851",
    };

    /// <summary>Not decided yet: a node that decides later leaves a house ACCEPTED (or UNDER_REVIEW) for a while, and may decide it at any moment.</summary>
    private static bool Undecided(Declaration house) => house.Status is DeclarationStatus.Accepted or DeclarationStatus.UnderReview;

    /// <summary>
    /// Whether a house as it stood before the arrival is released on it (lifecycle.proto,
    /// consignment_service.proto NotifyConsignmentArrival): its assessment complete, nothing holding it.
    /// </summary>
    private static bool ReleasedOnArrival(Declaration before) =>
        before.Status == DeclarationStatus.Assessed && before.AgencyHolds.All(h => h.LiftTime is not null);

    private static async Task CreateGetListAsync(CheckContext context)
    {
        var request = new CreateConsignmentRequest
        {
            Parent = context.Parent, ConsignmentId = context.NewConsignmentId(), Consignment = Master(NewDocument(context)),
        };

        var created = (await Expect.SucceedsAsync("CreateConsignment", () => context.Consignments.CreateConsignmentAsync(request).ResponseAsync)).Consignment;

        Expect.Equal($"{context.Parent}/consignments/{request.ConsignmentId}", created.Name, "name");
        Expect.Equal(ConsignmentState.Open, created.State, "state");
        Expect.Equal(1L, created.Revision, "revision");
        Expect.NotEmpty(created.Etag, "etag");
        Expect.That(created.CreateTime is not null, "create_time is not set");
        var retry = await Expect.SucceedsAsync("the same CreateConsignment again", () => context.Consignments.CreateConsignmentAsync(request).ResponseAsync);
        Expect.Equal(created, retry.Consignment, "the answer to the same creation again");
        var got = await Expect.SucceedsAsync("GetConsignment", () => context.Consignments.GetConsignmentAsync(new GetConsignmentRequest { Name = created.Name }).ResponseAsync);
        Expect.Equal(created, got.Consignment, "the consignment Get returns");
        var all = new List<Consignment>();
        var list = new ListConsignmentsRequest { Parent = context.Parent, PageSize = 1000 };
        for (var page = 0; page < 100; page++)
        {
            var response = await Expect.SucceedsAsync("ListConsignments", () => context.Consignments.ListConsignmentsAsync(list).ResponseAsync);
            all.AddRange(response.Consignments);
            if (response.NextPageToken.Length == 0)
            {
                break;
            }
            list.PageToken = response.NextPageToken;
        }
        Expect.That(all.Any(c => c.Equals(created)), "ListConsignments does not list the created consignment");
    }

    private static async Task ValidatesAsync(CheckContext context)
    {
        var wrong = Master(NewDocument(context));
        wrong.TransportMode = TransportMode.Unspecified;
        wrong.RoutingCountryCodes.Clear();
        wrong.RoutingCountryCodes.Add("CN");
        wrong.OfficeOfFirstEntry = "";

        var status = await Expect.FailsAsync("CreateConsignment with three broken fields", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Consignments.CreateConsignmentAsync(new CreateConsignmentRequest
            {
                Parent = context.Parent, ConsignmentId = context.NewConsignmentId(), Consignment = wrong,
            }).ResponseAsync);

        Expect.NamesFields(status, "the refusal",
            "consignment.transport_mode", "consignment.routing_country_codes", "consignment.office_of_first_entry");
    }

    private static async Task DocumentTakenAsync(CheckContext context)
    {
        var document = NewDocument(context);
        await CreateAsync(context, document);

        await Expect.FailsAsync("a second CreateConsignment of the same master transport document", StatusCode.AlreadyExists, "ALREADY_EXISTS",
            () => context.Consignments.CreateConsignmentAsync(new CreateConsignmentRequest
            {
                Parent = context.Parent, ConsignmentId = context.NewConsignmentId(), Consignment = Master(document),
            }).ResponseAsync);
    }

    private static async Task OtherFilerDeniedAsync(CheckContext context)
    {
        var consignment = await CreateAsync(context, NewDocument(context));

        await Expect.FailsAsync($"GetConsignment by {context.OtherFiler} of {consignment.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherConsignments.GetConsignmentAsync(new GetConsignmentRequest { Name = consignment.Name }).ResponseAsync);
        await Expect.FailsAsync($"ListConsignmentHouses by {context.OtherFiler} of {consignment.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherConsignments.ListConsignmentHousesAsync(new ListConsignmentHousesRequest { Parent = consignment.Name }).ResponseAsync);
        await Expect.FailsAsync($"NotifyConsignmentArrival by {context.OtherFiler} of {consignment.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherConsignments.NotifyConsignmentArrivalAsync(Arrival(consignment)).ResponseAsync);
        var unchanged = await Expect.SucceedsAsync("GetConsignment", () => context.Consignments.GetConsignmentAsync(new GetConsignmentRequest { Name = consignment.Name }).ResponseAsync);
        Expect.Equal(consignment, unchanged.Consignment, "the consignment after the refused calls");
    }

    private static async Task LinksHousesAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var house = await FileHouseAsync(context, document);
        Expect.Equal(MasterConsignmentLinkState.MasterNotFiled, house.MasterConsignment?.State ?? MasterConsignmentLinkState.Unspecified,
            "master_consignment.state of a house whose master is not filed");

        var consignment = await CreateAsync(context, document);

        var linked = await GetHouseAsync(context, house);
        Expect.Equal(MasterConsignmentLinkState.Linked, linked.MasterConsignment?.State ?? MasterConsignmentLinkState.Unspecified,
            "master_consignment.state once the carrier filed the master");
        Expect.Equal(consignment.Name, linked.MasterConsignment!.Consignment, "master_consignment.consignment");
    }

    private static async Task HousesViewAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var house = await FileHouseAsync(context, document);
        var before = await GetHouseAsync(context, house);

        var response = await Expect.SucceedsAsync("ListConsignmentHouses", () => context.Consignments.ListConsignmentHousesAsync(
            new ListConsignmentHousesRequest { Parent = consignment.Name }).ResponseAsync);

        var after = await GetHouseAsync(context, house);
        var listed = response.Houses.Where(h => h.HouseTransportDocument == house.TransportDocument.HouseWaybill).ToList();
        Expect.That(listed.Count == 1, $"the other filer's house should be listed once; it is listed {listed.Count} times");
        Expect.Equal("", listed[0].Declaration, "the declaration name of another party's house");
        Expect.That(listed[0].Status != DeclarationStatus.Unspecified, "the house's status is not given");
        // A node that decides later may decide the house between the reads: the list shows it as it stood at one of them.
        Expect.That(listed[0].Status == before.Status || listed[0].Status == after.Status,
            $"the house's status in the carrier's list should be its status as its filer sees it ({RpcErrorText.ProtoName(before.Status)} before the list, " +
            $"{RpcErrorText.ProtoName(after.Status)} after); got {RpcErrorText.ProtoName(listed[0].Status)}");
        var text = response.ToString();
        Expect.That(!text.Contains(house.Consignee.Name, StringComparison.Ordinal) && !text.Contains(house.LocalReferenceNumber, StringComparison.Ordinal),
            "the carrier's list shows the house's consignee or local reference number");
    }

    private static async Task ArrivalAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var before = await GetHouseAsync(context, await FileHouseAsync(context, document));

        var response = await Expect.SucceedsAsync("NotifyConsignmentArrival", () => context.Consignments.NotifyConsignmentArrivalAsync(Arrival(consignment)).ResponseAsync);

        Expect.Equal(ConsignmentState.Arrived, response.Consignment.State, "the consignment's state after its arrival");
        Expect.Equal(1, response.HousesArrived, "houses_arrived");
        var after = await GetHouseAsync(context, before);
        Expect.That(after.Clearance?.ArriveTime is not null, "the house has no clearance.arrive_time after the consignment's arrival");
        // Released on arrival (its assessment was complete), or to present for control: one or the other, once.
        var items = response.ItemsToPresent.Where(i => i.House?.HouseTransportDocument == before.TransportDocument.HouseWaybill).ToList();
        var released = response.HousesReleased == 1;
        Expect.That(response.HousesReleased is 0 or 1 && items.Count <= 1 && released != (items.Count == 1),
            $"the house should be released ({response.HousesReleased} released) or to present for control (listed {items.Count} times), once");
        var was = RpcErrorText.ProtoName(before.Status);
        if (ReleasedOnArrival(before))
        {
            Expect.That(released, $"a house {was} before arrival should be released on it (houses_released 1, not among the items to present)");
        }
        if (released)
        {
            // An undecided house may have been assessed between the read and the arrival, and then released on it.
            Expect.That(ReleasedOnArrival(before) || Undecided(before), $"a house {was} before arrival was released on it (houses_released 1)");
            Expect.Equal(DeclarationStatus.Released, after.Status, "the status of the house houses_released counts");
            Expect.Equal(ClearanceState.Released, after.Clearance!.State, "the clearance.state of the house houses_released counts");
        }
        else
        {
            var listed = items[0].House;
            Expect.That(listed.Status != DeclarationStatus.Released, "the house to present for control is RELEASED in the answer");
            Expect.Equal(ClearanceState.Arrived, listed.ClearanceState, "the clearance_state of the house to present for control");
            if (!Undecided(before))
            {
                // Decided before the arrival: nothing in the kit changes it afterwards.
                Expect.Equal(before.Status, listed.Status, $"the status of the house to present for control, {was} before arrival");
                Expect.Equal(before.Status, after.Status, $"the status of the house to present for control, {was} before arrival, as its filer sees it after");
            }
        }
        context.Note = $"house {was} before arrival, {(released ? "released on it" : "to present for control")}, {RpcErrorText.ProtoName(after.Status)} after";
    }

    private static async Task ArrivalAgainAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var before = await GetHouseAsync(context, await FileHouseAsync(context, document));
        var arrival = Arrival(consignment);
        var first = await Expect.SucceedsAsync("NotifyConsignmentArrival", () => context.Consignments.NotifyConsignmentArrivalAsync(arrival).ResponseAsync);

        var again = await Expect.SucceedsAsync("the same NotifyConsignmentArrival again", () => context.Consignments.NotifyConsignmentArrivalAsync(arrival).ResponseAsync);
        Expect.Equal(first.Consignment, again.Consignment, "the consignment in the answer to the same arrival again");
        Expect.Equal(first.HousesArrived, again.HousesArrived, "houses_arrived in the answer to the same arrival again");
        Expect.Equal(1, again.HousesArrived, "houses_arrived in the answer to the same arrival again");
        // The answer gives the houses as they stand then: a house undecided at the first arrival may be decided by the second.
        if (Undecided(before))
        {
            Expect.That(again.HousesReleased >= first.HousesReleased,
                $"houses_released in the answer to the same arrival again: a release is final, yet {first.HousesReleased} became {again.HousesReleased}");
        }
        else
        {
            Expect.Equal(first.HousesReleased, again.HousesReleased,
                $"houses_released in the answer to the same arrival again (the house was {RpcErrorText.ProtoName(before.Status)} before the first)");
            Expect.Sequence(first.ItemsToPresent.Select(i => i.House?.HouseTransportDocument), again.ItemsToPresent.Select(i => i.House?.HouseTransportDocument),
                $"the items to present in the answer to the same arrival again (the house was {RpcErrorText.ProtoName(before.Status)} before the first)");
        }
        var arrived = await GetHouseAsync(context, before);
        Expect.Equal(first.Consignment.ArriveTime, arrived.Clearance?.ArriveTime, "the house's arrival time: the consignment's, recorded once");

        arrival.ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1));
        await Expect.FailsAsync("NotifyConsignmentArrival with another arrival time", StatusCode.FailedPrecondition, "GOODS_ARRIVED",
            () => context.Consignments.NotifyConsignmentArrivalAsync(arrival).ResponseAsync);
    }

    private static async Task InvalidateUnlinksAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var house = await FileHouseAsync(context, document);

        var invalidated = await Expect.SucceedsAsync("InvalidateConsignment", () => context.Consignments.InvalidateConsignmentAsync(new InvalidateConsignmentRequest
        {
            Name = consignment.Name, Etag = consignment.Etag, Reason = "Flight cancelled",
        }).ResponseAsync);

        Expect.Equal(ConsignmentState.Invalidated, invalidated.Consignment.State, "state after the invalidation");
        var unlinked = await GetHouseAsync(context, house);
        Expect.Equal(MasterConsignmentLinkState.MasterNotFiled, unlinked.MasterConsignment?.State ?? MasterConsignmentLinkState.Unspecified,
            "master_consignment.state after the invalidation");
        await Expect.SucceedsAsync("CreateConsignment of the freed master transport document", () => context.Consignments.CreateConsignmentAsync(
            new CreateConsignmentRequest { Parent = context.Parent, ConsignmentId = context.NewConsignmentId(), Consignment = Master(document) }).ResponseAsync);
    }

    private static async Task PresentationBeforeArrivalRefusedAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var house = await GetHouseAsync(context, await FileHouseAsync(context, document));

        await Expect.FailsAsync("NotifyConsignmentPresentation before the consignment's arrival", StatusCode.FailedPrecondition, "GOODS_NOT_ARRIVED",
            () => context.Consignments.NotifyConsignmentPresentationAsync(Presentation(consignment, house.TransportDocument.HouseWaybill)).ResponseAsync);
        Expect.SameDeclaration(house, await GetHouseAsync(context, house), "the house after the refused presentation");
    }

    private static async Task PresentationNamesEveryWrongReferenceAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var house = await FileHouseAsync(context, document);
        await ArriveAsync(context, consignment);
        var arrived = await GetHouseAsync(context, house);
        var waybill = arrived.TransportDocument.HouseWaybill;

        // [0] the house (to present, or released on arrival: either way not judged here), [1] no house of it, [2] a repeat of [0].
        var status = await Expect.FailsAsync("NotifyConsignmentPresentation of the house, an unknown reference and the house again",
            StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Consignments.NotifyConsignmentPresentationAsync(Presentation(consignment, waybill, "NO-SUCH-" + context.NewLrn(), waybill)).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "house_references[1]", "house_references[2]");
        Expect.SameDeclaration(arrived, await GetHouseAsync(context, house), "the house after the refused presentation");
    }

    private static async Task PresentationPresentsHousesAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var house = await FileHouseAsync(context, document);
        var arrival = await ArriveAsync(context, consignment);
        var arrived = await GetHouseAsync(context, house);
        var waybill = arrived.TransportDocument.HouseWaybill;
        var request = Presentation(consignment, waybill);
        if (!arrival.ItemsToPresent.Any(i => i.House.HouseTransportDocument == waybill))
        {
            // Released on arrival: a house with nothing to present is named (consignment_service.proto).
            var status = await Expect.FailsAsync($"NotifyConsignmentPresentation of a house {RpcErrorText.ProtoName(arrived.Status)} on arrival",
                StatusCode.InvalidArgument, "VALIDATION_FAILED", () => context.Consignments.NotifyConsignmentPresentationAsync(request).ResponseAsync);
            Expect.NamesFields(status, "the refusal", "house_references[0]");
            Expect.SameDeclaration(arrived, await GetHouseAsync(context, house), "the house after the refused presentation");
            context.Note = $"house {RpcErrorText.ProtoName(arrived.Status)} on arrival, so nothing to present";
            return;
        }

        var response = await Expect.SucceedsAsync("NotifyConsignmentPresentation of the house to present",
            () => context.Consignments.NotifyConsignmentPresentationAsync(request).ResponseAsync);

        Expect.Sequence([waybill], response.Houses.Select(h => h.HouseTransportDocument), "the houses the answer lists");
        var listed = response.Houses[0];
        Expect.Equal(ClearanceState.Presented, listed.ClearanceState, "the listed house's clearance_state");
        Expect.Equal("", listed.Declaration, "the declaration name of another party's house");
        var presented = await GetHouseAsync(context, house);
        Expect.Equal(ClearanceState.Presented, presented.Clearance?.State ?? ClearanceState.Unspecified, "the house's clearance.state, as its filer sees it");
        Expect.That(presented.Clearance!.PresentationTime is not null, "the house's clearance.presentation_time is not set after the presentation");
        var again = await Expect.SucceedsAsync("the same NotifyConsignmentPresentation again",
            () => context.Consignments.NotifyConsignmentPresentationAsync(request).ResponseAsync);
        Expect.Sequence([waybill], again.Houses.Select(h => h.HouseTransportDocument), "the houses the answer to the same presentation again lists");
        var repeated = again.Houses[0];
        if (repeated.Status == listed.Status && repeated.SecurityAssessmentState == listed.SecurityAssessmentState)
        {
            Expect.Equal(response, again, "the answer to the same presentation again");
        }
        else
        {
            // Decided meanwhile (a node that decides later): only what the presentation fixed is compared.
            Expect.Equal("", repeated.Declaration, "the declaration name of another party's house, presented again");
            Expect.That(repeated.ClearanceState is ClearanceState.Presented or ClearanceState.Released or ClearanceState.NotReleased,
                $"the clearance_state of the house presented again should stay PRESENTED or be final (RELEASED, NOT_RELEASED); got {RpcErrorText.ProtoName(repeated.ClearanceState)}");
        }
        // Unchanged; or decided meanwhile, with the presentation (its time) as it was.
        var meanwhile = Expect.SamePresentation(presented, await GetHouseAsync(context, house), "the house after the same presentation again");
        context.Note = $"house {RpcErrorText.ProtoName(arrived.Status)} on arrival, then presented" + (meanwhile is null ? "" : $"; {meanwhile}");
    }

    private static async Task NoticesAmendmentAsync(CheckContext context)
    {
        var document = NewDocument(context);
        var consignment = await CreateAsync(context, document);
        var watch = new WatchConsignmentEventsRequest { Parent = context.Parent, Consignment = consignment.Name };
        using var live = context.Consignments.WatchConsignmentEvents(watch);
        var house = await FileHouseAsync(context, document);
        var waybill = house.TransportDocument.HouseWaybill;
        var amendments = 0;
        async Task AmendAsync() => await AmendHouseAsync(context, house, $"Amendment {++amendments} by the house filer");
        bool IsAmendment(ConsignmentEvent e) => e.Type == ConsignmentEventType.HouseAmended && e.House?.HouseTransportDocument == waybill;

        await AmendAsync();
        // Started with neither cursor nor history, the watch may start after that amendment: then the house filer amends again.
        var delivered = await EventStreams.ReadUntilAsync(context, live, read => read.Any(IsAmendment),
            $"the carrier's watch of {consignment.Name}, after the house filer's amendment", nudge: AmendAsync);
        var earlier = delivered[^1];
        Expect.Equal(consignment.Name, earlier.Consignment, "the consignment of the HOUSE_AMENDED event");
        Expect.Equal("", earlier.House.Declaration, "the declaration name of another party's house in the HOUSE_AMENDED event");
        Expect.That(earlier.EventTime is not null, "the HOUSE_AMENDED event has no event_time");
        await AmendAsync();
        delivered.AddRange(await EventStreams.ReadUntilAsync(context, live, read => read.Any(IsAmendment),
            $"the carrier's watch of {consignment.Name}, after another amendment"));
        var later = delivered[^1];
        Expect.That(delivered.All(e => e.Consignment == consignment.Name),
            $"the watch of {consignment.Name} delivered notices of other consignments: {EventStreams.Describe(delivered.Where(e => e.Consignment != consignment.Name).ToList())}");
        EventStreams.ExpectDistinctCursors(delivered);

        var resume = watch.Clone();
        resume.StartAfterCursor = earlier.Cursor;
        using var resumed = context.Consignments.WatchConsignmentEvents(resume);
        var replayed = await EventStreams.ReadUntilAsync(context, resumed, read => read.Any(e => e.Cursor == later.Cursor),
            "the watch resumed after the cursor of the earlier HOUSE_AMENDED");
        Expect.That(replayed.All(e => e.Cursor != earlier.Cursor), "the resumed watch delivered again the event whose cursor it resumed after");
        Expect.Sequence(delivered.Skip(delivered.IndexOf(earlier) + 1).Select(e => e.Cursor), replayed.Select(e => e.Cursor),
            "the cursors after the earlier event, live and resumed");

        // Cursors are opaque; a node whose cursors are decimal positions (as the reference node's) gets one far beyond its notices.
        if (!BigInteger.TryParse(later.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            context.Note = "cursors are not decimal numbers, so no cursor beyond the notices was tried";
            return;
        }
        var beyond = watch.Clone();
        beyond.StartAfterCursor = (position + 1_000_000_000).ToString(CultureInfo.InvariantCulture);
        await Expect.FailsAsync($"WatchConsignmentEvents after cursor {beyond.StartAfterCursor}, beyond the carrier's notices", StatusCode.InvalidArgument, "INVALID_CURSOR", async () =>
        {
            using var call = context.Consignments.WatchConsignmentEvents(beyond);
            await call.ResponseStream.MoveNext(context.Cancellation);
        });
    }

    private static async Task NoticesOtherFilerDeniedAsync(CheckContext context)
    {
        await Expect.FailsAsync($"WatchConsignmentEvents by {context.OtherFiler} of {context.Parent}", StatusCode.PermissionDenied, "FILER_MISMATCH", async () =>
        {
            using var call = context.OtherConsignments.WatchConsignmentEvents(new WatchConsignmentEventsRequest { Parent = context.Parent, IncludeHistory = true });
            await call.ResponseStream.MoveNext(context.Cancellation);
        });
    }
}

using System.Runtime.CompilerServices;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Enforcement;
using Exchange.Core.Errors;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Validation;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Consignments;

/// <summary>
/// A carrier's master consignments and the house declarations linked to them (ICS2 multiple
/// filing). A house names its master by the master transport document
/// (<c>transport_document.master_waybill</c>); the link is looked up when either side is read, so
/// it holds whoever files first and follows an invalidation at once, with nothing to keep in step.
/// Consignments live in the registry store (<see cref="ConsignmentDirectory"/>), with a claim per
/// master transport document that makes it one open consignment per document. Its
/// arrival is the arrival of every house: each is written as the house's own change, with the
/// carrier as actor, so the house filer's watch stream tells it.
/// </summary>
public sealed class ConsignmentWorkflow(
    IRegistryStore registry, IDeclarationStore store, INoticeStore notices, IEventSignal signal, TimeProvider clock, WorkflowOptions options)
{
    public const int DefaultHousePageSize = 100;
    public const int MaxHousePageSize = 1000;

    /// <summary>The houses the arrival answer lists for control; ListConsignmentHouses has the rest.</summary>
    public const int MaxControlItems = 1000;

    /// <summary>Houses read per page while an arrival reaches them.</summary>
    private const int ArrivalPageSize = 500;

    private readonly ConsignmentDirectory _directory = new(registry);
    private readonly DeclarationChanges _changes = new(store, signal, clock);

    public async Task<Consignment> CreateAsync(CallerIdentity caller, CreateConsignmentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        RequestChecks.CheckId(request.ConsignmentId, "consignment_id", violations);
        violations.AddRange(ConsignmentValidator.Validate(request.Consignment, clock: clock));
        RequestChecks.ThrowIfAny(violations);

        var name = ResourceNames.Consignment(caller.FilerId, request.ConsignmentId);
        var content = CarrierSupplied(request.Consignment);
        // A retry of the same creation gets the consignment; other content under the id is refused.
        if (await _directory.Consignments.FindAsync(name, cancellationToken) is { } existing)
        {
            return SameContent(existing, content) ? existing : throw new AlreadyExistsException(name);
        }
        await _directory.ClaimDocumentAsync(content.MasterTransportDocument, name, cancellationToken);
        var now = Timestamps.ToProto(Timestamps.Now(clock));
        var created = content.Clone();
        created.Name = name;
        created.State = ConsignmentState.Open;
        created.Revision = 1;
        created.Etag = Etag(name, 1);
        created.CreateTime = now;
        created.UpdateTime = now;
        try
        {
            await _directory.Consignments.CreateAsync(name, created, cancellationToken);
        }
        catch (AlreadyExistsException)
        {
            // The same creation running twice at once: the other one's answer, if it is the same.
            var winner = await _directory.Consignments.GetAsync(name, cancellationToken);
            if (!SameContent(winner, content))
            {
                throw;
            }
            return winner;
        }
        // Between the claim and the write another creation may have taken the claim over (it saw
        // no consignment behind it yet): then this one must not stay open beside it.
        if (await _directory.ClaimHolderAsync(content.MasterTransportDocument, cancellationToken) != name)
        {
            await _directory.Consignments.UpdateAsync(name, c => { c.State = ConsignmentState.Invalidated; return c; }, cancellationToken);
            throw new MasterDocumentTakenException(content.MasterTransportDocument);
        }
        return created;
    }

    public async Task<Consignment> GetAsync(CallerIdentity caller, GetConsignmentRequest request, CancellationToken cancellationToken) =>
        await _directory.Consignments.GetAsync(ReadName(caller, request.Name, "name"), cancellationToken);

    public async Task<ListConsignmentsResponse> ListAsync(CallerIdentity caller, ListConsignmentsRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        RequestChecks.ThrowIfAny(violations);
        var (items, next) = await _directory.Consignments.PageAsync(
            request.Parent + "/consignments/", request.PageSize, request.PageToken, cancellationToken);
        return new ListConsignmentsResponse { Consignments = { items }, NextPageToken = next };
    }

    /// <summary>Replaces the carrier-supplied content of an OPEN consignment but its master transport document.</summary>
    public async Task<Consignment> AmendAsync(CallerIdentity caller, AmendConsignmentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = ReadName(caller, request.Consignment?.Name, "consignment.name", violations);
        RequestChecks.CheckEtag(request.Etag, "the consignment this amendment is based on", violations);
        violations.AddRange(ConsignmentValidator.Validate(request.Consignment, clock: clock));
        RequestChecks.ThrowIfAny(violations);

        var content = CarrierSupplied(request.Consignment!);
        var current = await _directory.Consignments.GetAsync(name!, cancellationToken);
        if (SameContent(current, content) && current.State == ConsignmentState.Open)
        {
            return current; // a retry of an amendment already made, or one that changes nothing
        }
        return await ChangeAsync(name!, request.Etag, "amended", latest =>
        {
            if (content.MasterTransportDocument != latest.MasterTransportDocument)
            {
                throw new ValidationFailedException([new FieldViolation("consignment.master_transport_document",
                    "Cannot be amended (IMMUTABLE): invalidate the consignment and file a new one.")]);
            }
            var amended = content.Clone();
            amended.Name = latest.Name;
            amended.State = latest.State;
            amended.CreateTime = latest.CreateTime;
            return amended;
        }, cancellationToken);
    }

    /// <summary>Invalidates an OPEN consignment: its houses are no longer linked, its document may be filed again.</summary>
    public async Task<Consignment> InvalidateAsync(CallerIdentity caller, InvalidateConsignmentRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = ReadName(caller, request.Name, "name", violations);
        RequestChecks.CheckEtag(request.Etag, "the consignment this invalidation is based on", violations);
        RequestChecks.CheckText(request.Reason, 1, 512, "reason", violations);
        RequestChecks.ThrowIfAny(violations);

        // The document's claim stays: a claim on an invalidated consignment is taken over by the next filing.
        return await ChangeAsync(name!, request.Etag, "invalidated", latest =>
        {
            var invalidated = latest.Clone();
            invalidated.State = ConsignmentState.Invalidated;
            return invalidated;
        }, cancellationToken);
    }

    /// <summary>The houses linked to the consignment, whoever filed them, as the carrier may see them; oldest first.</summary>
    public async Task<ListConsignmentHousesResponse> ListHousesAsync(
        CallerIdentity caller, ListConsignmentHousesRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = ReadName(caller, request.Parent, "parent", violations);
        if (request.PageSize < 0)
        {
            violations.Add(new FieldViolation("page_size", "Must not be negative."));
        }
        RequestChecks.ThrowIfAny(violations);
        var consignment = await _directory.Consignments.GetAsync(name!, cancellationToken);
        var pageSize = request.PageSize == 0 ? DefaultHousePageSize : Math.Min(request.PageSize, MaxHousePageSize);
        var fingerprint = PageTokens.Fingerprint(new DeclarationQuery(name!, 0));
        var after = string.IsNullOrEmpty(request.PageToken) ? null : PageTokens.Read(request.PageToken, fingerprint);

        var response = new ListConsignmentHousesResponse();
        if ((await FindByDocumentAsync(consignment.MasterTransportDocument, cancellationToken))?.Name != consignment.Name)
        {
            return response; // invalidated: no longer linked to anything
        }
        var rows = await store.ListByMasterDocumentAsync(consignment.MasterTransportDocument, after, pageSize + 1, cancellationToken);
        response.Houses.AddRange(rows.Take(pageSize).Select(house => CarrierNotices.HouseView(caller.FilerId, house)));
        if (rows.Count > pageSize)
        {
            response.NextPageToken = PageTokens.Issue(ListPosition.Of(rows[pageSize - 1]), fingerprint);
        }
        return response;
    }

    /// <summary>
    /// The consignment's arrival (ICS2 IE3N06), and so every linked house's: each house not yet
    /// arrived gets its arrival (and its release, when its assessment is complete and nothing holds
    /// it) as its own write. The same notification again completes what an interrupted attempt
    /// left, and answers alike.
    /// </summary>
    public async Task<NotifyConsignmentArrivalResponse> NotifyArrivalAsync(
        CallerIdentity caller, NotifyConsignmentArrivalRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = ReadName(caller, request.Name, "name", violations);
        ArrivalNotices.Check(request.ArriveTime, request.ArrivalOffice, "", clock.GetUtcNow(), violations);
        RequestChecks.ThrowIfAny(violations);

        var arrived = await RecordArrivalAsync(name!, request, cancellationToken);

        var response = new NotifyConsignmentArrivalResponse { Consignment = arrived };
        ListPosition? after = null;
        while (true)
        {
            var houses = await store.ListByMasterDocumentAsync(arrived.MasterTransportDocument, after, ArrivalPageSize, cancellationToken);
            foreach (var house in houses)
            {
                var now = await ArriveAsync(caller, house, arrived, cancellationToken);
                if (!Lifecycles.HasArrived(now))
                {
                    continue; // ended before arrival (invalidated, refused) or moved to another master meanwhile
                }
                response.HousesArrived++;
                if (now.Status == DeclarationStatus.Released)
                {
                    response.HousesReleased++;
                }
                else if (response.ItemsToPresent.Count < MaxControlItems)
                {
                    response.ItemsToPresent.Add(new ControlItem { House = CarrierNotices.HouseView(caller.FilerId, now), Reason = ControlReasonOf(now) });
                }
                else
                {
                    response.ItemsNotListed++;
                }
            }
            if (houses.Count < ArrivalPageSize)
            {
                return response;
            }
            after = ListPosition.Of(houses[^1]);
        }
    }

    /// <summary>
    /// The presentation for control of houses of the arrived consignment, named by house transport
    /// document or item identifier. Every reference is checked before any house changes; houses
    /// presented already are left as they are.
    /// </summary>
    public async Task<NotifyConsignmentPresentationResponse> NotifyPresentationAsync(
        CallerIdentity caller, NotifyConsignmentPresentationRequest request, CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        var name = ReadName(caller, request.Name, "name", violations);
        CheckHouseReferences(request.HouseReferences, violations);
        if (name is null || violations.Any(v => v.Field == "house_references"))
        {
            RequestChecks.ThrowIfAny(violations);
        }

        // Each house reference's problem is named with the others': those found so far wait for the look-up's.
        var consignment = await _directory.Consignments.GetAsync(name!, cancellationToken);
        switch (consignment.State)
        {
            case ConsignmentState.Open:
                throw new GoodsNotArrivedException(name!, "presented for control");
            case not ConsignmentState.Arrived:
                throw new ConsignmentStateException(name!, consignment.State, "presented for control");
        }
        var houses = await FindHousesAsync(consignment, request.HouseReferences, cancellationToken);
        var named = violations.Select(v => v.Field).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < houses.Length; i++)
        {
            var problem = houses[i] switch
            {
                _ when named.Contains($"house_references[{i}]") => null, // named already
                null => "No house of this consignment has this house transport document or item identifier.",
                { } house when ReferenceEquals(house, Ambiguous) =>
                    "More than one house of this consignment has this reference: name each by its other reference (item identifier or house transport document).",
                { } house when !Lifecycles.HasArrived(house) => "The house did not arrive with the consignment (it was filed after the arrival).",
                { } house when !Lifecycles.CanPresent(house) && !Lifecycles.WasPresented(house) =>
                    $"Has nothing to present: the house is {DeclarationStatuses.Label(house.Status)}.",
                _ => null,
            };
            if (problem is not null)
            {
                violations.Add(new FieldViolation($"house_references[{i}]", problem));
            }
        }
        RequestChecks.ThrowIfAny(violations);

        var response = new NotifyConsignmentPresentationResponse();
        foreach (var house in houses)
        {
            response.Houses.Add(CarrierNotices.HouseView(caller.FilerId, await PresentAsync(caller, house!, cancellationToken)));
        }
        return response;
    }

    /// <summary>
    /// The notices for the carrier's consignments from the requested position on, then live, until
    /// cancelled; resumable by cursor like a filer's declaration events.
    /// </summary>
    public async IAsyncEnumerable<ConsignmentEvent> WatchAsync(
        CallerIdentity caller, WatchConsignmentEventsRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var violations = new List<FieldViolation>();
        RequestChecks.CheckParent(caller, request.Parent, "parent", violations);
        var only = string.IsNullOrEmpty(request.Consignment) ? null : ReadName(caller, request.Consignment, "consignment", violations);
        long? cursor = string.IsNullOrEmpty(request.StartAfterCursor) ? null : EventCursors.ReadSequence(request.StartAfterCursor);
        RequestChecks.ThrowIfAny(violations);

        var last = await notices.GetLastNoticeSequenceAsync(caller.FilerId, cancellationToken);
        if (cursor > last)
        {
            throw new InvalidCursorException(); // not a position the carrier's notices have reached
        }
        var stored = LogFollower.FollowAsync(
            cursor ?? (request.IncludeHistory ? 0 : last),
            (after, limit, ct) => notices.ReadNoticesAsync(caller.FilerId, after, limit, ct),
            n => n.Sequence,
            signal, CarrierNotices.SignalKey(caller.FilerId), options.WatchBatchSize, options.WatchPollInterval, clock, cancellationToken);
        await foreach (var notice in stored)
        {
            var @event = ConsignmentEvent.Parser.ParseFrom(notice.Payload);
            if (only is null || @event.Consignment == only)
            {
                @event.Cursor = notice.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
                yield return @event;
            }
        }
    }

    /// <summary>House references: 1 to <see cref="MaxControlItems"/>, each 1 to 70 printable characters, no repeats.</summary>
    private static void CheckHouseReferences(IReadOnlyList<string> references, List<FieldViolation> violations)
    {
        if (references.Count is 0 or > MaxControlItems)
        {
            violations.Add(new FieldViolation("house_references", $"Give 1 to {MaxControlItems} house transport documents or item identifiers; got {references.Count}."));
            return;
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < references.Count; i++)
        {
            if (TextValues.Check(references[i], 1, 70) is { } problem)
            {
                violations.Add(new FieldViolation($"house_references[{i}]", problem));
            }
            else if (!seen.Add(references[i]))
            {
                violations.Add(new FieldViolation($"house_references[{i}]", "Repeats an earlier reference."));
            }
        }
    }

    /// <summary>Stands for a reference that more than one house of the consignment answers to.</summary>
    private static readonly Declaration Ambiguous = new();

    /// <summary>The houses of the consignment each reference names (by house transport document or item identifier), null where none does.</summary>
    private async Task<Declaration?[]> FindHousesAsync(Consignment consignment, IReadOnlyList<string> references, CancellationToken cancellationToken)
    {
        var found = new Declaration?[references.Count];
        var wanted = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < references.Count; i++)
        {
            wanted.TryAdd(references[i], i); // a repeat is refused already
        }
        ListPosition? after = null;
        while (true)
        {
            var houses = await store.ListByMasterDocumentAsync(consignment.MasterTransportDocument, after, ArrivalPageSize, cancellationToken);
            foreach (var house in houses)
            {
                foreach (var reference in new[] { house.TransportDocument?.HouseWaybill, house.TransportDocument?.ItemIdentifier })
                {
                    if (reference is { Length: > 0 } && wanted.TryGetValue(reference, out var index))
                    {
                        // Two houses under one reference cannot be told apart: the reference is refused as ambiguous.
                        found[index] = found[index] is { } other && other.Name != house.Name ? Ambiguous : house;
                    }
                }
            }
            if (houses.Count < ArrivalPageSize)
            {
                return found;
            }
            after = ListPosition.Of(houses[^1]);
        }
    }

    /// <summary>One house's presentation; one presented already, or changed meanwhile so it has nothing to present, as it stands.</summary>
    private async Task<Declaration> PresentAsync(CallerIdentity carrier, Declaration house, CancellationToken cancellationToken)
    {
        if (Lifecycles.WasPresented(house))
        {
            return house;
        }
        var key = ResourceNames.StoredDeclaration(house.Name);
        try
        {
            return await Presentations.PresentAsync(_changes, store, key!, Actors.Of(carrier), clock, cancellationToken);
        }
        catch (ExchangeException error) when (error.Reason is ErrorReason.InvalidStateTransition or ErrorReason.EtagMismatch)
        {
            return await store.GetAsync(key!, cancellationToken) ?? house; // ended, or changed too often, meanwhile by other writers
        }
    }

    /// <summary>
    /// Records the consignment's arrival; the same arrival recorded already (a retry, or the same
    /// notification racing itself) is answered with it, another is GOODS_ARRIVED.
    /// </summary>
    private async Task<Consignment> RecordArrivalAsync(string name, NotifyConsignmentArrivalRequest request, CancellationToken cancellationToken)
    {
        bool Same(Consignment c) => c.State == ConsignmentState.Arrived && c.ArriveTime.Equals(request.ArriveTime) && c.ArrivalOffice == request.ArrivalOffice;
        var current = await _directory.Consignments.GetAsync(name, cancellationToken);
        if (Same(current))
        {
            return current;
        }
        try
        {
            return await ChangeAsync(name, etag: null, "notified of arrival", latest =>
            {
                var next = latest.Clone();
                next.State = ConsignmentState.Arrived;
                next.ArriveTime = request.ArriveTime.Clone();
                next.ArrivalOffice = request.ArrivalOffice;
                return next;
            }, cancellationToken);
        }
        catch (GoodsArrivedException)
        {
            var recorded = await _directory.Consignments.GetAsync(name, cancellationToken);
            if (!Same(recorded))
            {
                throw;
            }
            return recorded;
        }
    }

    /// <summary>
    /// Sets how <paramref name="declarations"/> (as their filers see them) are linked to their
    /// masters: one look-up per distinct master document. Declarations that name no master are
    /// left as they are; the others are replaced by copies carrying the link.
    /// </summary>
    public async Task<IReadOnlyList<Declaration>> WithMasterLinksAsync(IReadOnlyList<Declaration> declarations, CancellationToken cancellationToken)
    {
        var links = new Dictionary<string, MasterConsignmentLink>(StringComparer.Ordinal);
        var result = new Declaration[declarations.Count];
        for (var i = 0; i < declarations.Count; i++)
        {
            var declaration = declarations[i];
            if (declaration.TransportDocument?.MasterWaybill is not { Length: > 0 } document)
            {
                result[i] = declaration;
                continue;
            }
            if (!links.TryGetValue(document, out var link))
            {
                Consignment? master;
                try
                {
                    master = await FindByDocumentAsync(document, cancellationToken);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The answer to a change already committed must not turn into an error over
                    // information looked up beside it: the link is left unset (unknown) this time.
                    result[i] = declaration;
                    continue;
                }
                link = master is null
                    ? new MasterConsignmentLink { State = MasterConsignmentLinkState.MasterNotFiled }
                    : new MasterConsignmentLink { State = MasterConsignmentLinkState.Linked, Consignment = master.Name };
                links[document] = link;
            }
            var linked = declaration.Clone();
            linked.MasterConsignment = link.Clone();
            result[i] = linked;
        }
        return result;
    }

    /// <summary>The open or arrived consignment of a master transport document, or null when none is filed.</summary>
    public Task<Consignment?> FindByDocumentAsync(string document, CancellationToken cancellationToken) =>
        _directory.FindByDocumentAsync(document, cancellationToken);

    /// <summary>One house's arrival as part of the consignment's; a house that arrived, or ended, already is left as it is.</summary>
    private async Task<Declaration> ArriveAsync(CallerIdentity carrier, Declaration house, Consignment consignment, CancellationToken cancellationToken)
    {
        if (Lifecycles.HasArrived(house) || DeclarationStatuses.IsFinal(house.Status))
        {
            return house;
        }
        var key = ResourceNames.StoredDeclaration(house.Name);
        try
        {
            return await _changes.ApplyAsync(key!, null, [], null, Actors.Of(carrier), current =>
                current.TransportDocument?.MasterWaybill == consignment.MasterTransportDocument
                    ? ValueTask.FromResult(ArrivalNotices.Change(current, consignment.ArriveTime, consignment.ArrivalOffice, consignment.ConveyanceReference))
                    : throw new InvalidStateTransitionException(current.Name, current.Status, "arrived with a master it no longer names"),
                cancellationToken);
        }
        catch (ExchangeException error) when (error.Reason is ErrorReason.GoodsArrived or ErrorReason.InvalidStateTransition or ErrorReason.EtagMismatch)
        {
            // Arrived, ended, moved to another master or changed too often meanwhile by other writers
            // (its own filer, an officer): as it stands now; an interrupted arrival is completed by
            // the same notification again.
            return await store.GetAsync(key!, cancellationToken) ?? house;
        }
    }

    /// <summary>A change to the consignment under optimistic concurrency: only while OPEN, the etag (when given) the current one.</summary>
    private async Task<Consignment> ChangeAsync(
        string name, string? etag, string operation, Func<Consignment, Consignment> change, CancellationToken cancellationToken) =>
        await _directory.Consignments.UpdateAsync(name, latest =>
        {
            if (etag is not null && latest.Etag != etag)
            {
                throw new EtagMismatchException(name);
            }
            if (latest.State == ConsignmentState.Arrived)
            {
                throw new GoodsArrivedException(name, latest.ArriveTime, operation);
            }
            if (latest.State != ConsignmentState.Open)
            {
                throw new ConsignmentStateException(name, latest.State, operation);
            }
            var next = change(latest);
            next.Revision = latest.Revision + 1;
            next.Etag = Etag(name, next.Revision);
            next.UpdateTime = Timestamps.ToProto(Timestamps.Now(clock));
            return next;
        }, cancellationToken);

    private static ControlReason ControlReasonOf(Declaration house) => house.Status switch
    {
        DeclarationStatus.Accepted or DeclarationStatus.UnderReview => ControlReason.AssessmentPending,
        DeclarationStatus.Held when house.AgencyHolds.Any(h => h.LiftTime is null) && house.Referrals.All(r => r.State == ReferralState.Closed) =>
            ControlReason.AgencyHold,
        _ => ControlReason.CustomsHold,
    };

    private static string ReadName(CallerIdentity caller, string? name, string field)
    {
        var violations = new List<FieldViolation>();
        var read = ReadName(caller, name, field, violations);
        RequestChecks.ThrowIfAny(violations);
        return read!;
    }

    /// <summary>Reads a consignment name of the calling carrier, or records why it cannot.</summary>
    private static string? ReadName(CallerIdentity caller, string? name, string field, List<FieldViolation> violations)
    {
        if (!ResourceNames.TryParseConsignment(name, out var filerId, out _))
        {
            violations.Add(new FieldViolation(field, $"Must have the form 'filers/{{filer}}/consignments/{{consignment}}'; got {Echo.Quote(name)}."));
            return null;
        }
        return filerId == caller.FilerId ? name : throw new FilerMismatchException(field);
    }

    /// <summary>The fields the node owns: those consignment.proto marks OUTPUT_ONLY (AIP-203), read from the contract itself.</summary>
    private static readonly Google.Protobuf.Reflection.FieldDescriptor[] OutputOnly = Consignment.Descriptor.Fields.InFieldNumberOrder()
        .Where(DeclarationContent.IsOutputOnly)
        .ToArray();

    /// <summary>What the carrier supplies: the consignment without the fields the node owns.</summary>
    private static Consignment CarrierSupplied(Consignment consignment)
    {
        var content = consignment.Clone();
        foreach (var field in OutputOnly)
        {
            field.Accessor.Clear(content);
        }
        return content;
    }

    private static bool SameContent(Consignment stored, Consignment content) => CarrierSupplied(stored).Equals(content);

    private static string Etag(string name, long revision) => DeclarationContent.Etag(name, revision);
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Protobuf;

namespace Exchange.Core.Consignments;

/// <summary>
/// What the carrier of a consignment is told when one of its houses changes (notices to other
/// parties in multiple filing), in one place: which events of a house make a notice
/// (<see cref="For"/>), and what the carrier may see of the house then (<see cref="HouseView"/>).
/// </summary>
public static class CarrierNotices
{
    /// <summary>The <see cref="IEventSignal"/> key that wakes watchers of a party's notices.</summary>
    public static string SignalKey(string filerId) => "notices/" + filerId;

    /// <summary>
    /// The notices to the carrier of <paramref name="consignment"/> that <paramref name="write"/>
    /// (a change to one of its houses) causes, oldest first; none for a change the carrier need not know.
    /// </summary>
    public static IReadOnlyList<ConsignmentEvent> For(DeclarationWrite write, Consignment consignment)
    {
        var (carrier, _) = ResourceNames.StoredConsignment(consignment.Name);
        var house = HouseView(carrier!, write.Declaration);
        var notices = new List<ConsignmentEvent>();
        foreach (var @event in write.Events)
        {
            foreach (var (type, referral) in TypesOf(@event))
            {
                notices.Add(new ConsignmentEvent
                {
                    Consignment = consignment.Name,
                    Type = type,
                    House = house,
                    ReferralType = referral,
                    EventTime = @event.EventTime,
                });
            }
        }
        return notices;
    }

    /// <summary>Whether <paramref name="write"/> tells a carrier anything, whoever it is: most writes (a submission assessed at once) do not, and need no look-up of the master.</summary>
    public static bool AnyFor(DeclarationWrite write) => write.Events.Any(e => TypesOf(e).Any());

    /// <summary>What the carrier may see of a house: where it stands, and its name only when the carrier filed it.</summary>
    public static ConsignmentHouse HouseView(string carrierFilerId, Declaration house) => new()
    {
        HouseTransportDocument = house.TransportDocument?.HouseWaybill ?? "",
        ItemIdentifier = house.TransportDocument?.ItemIdentifier ?? "",
        Declaration = ResourceNames.TryParseDeclaration(house.Name, out var key) && key.FilerId == carrierFilerId ? house.Name : "",
        Status = house.Status,
        SecurityAssessmentState = Lifecycles.SecurityStateOf(house),
        ClearanceState = Lifecycles.ClearanceStateOf(house),
        ReferralOpen = house.Referrals.Any(r => r.State == ReferralState.Open),
        Disposition = CarrierView(house.Disposition),
    };

    /// <summary>What the carrier may see of a disposition: all but the notices, which are the house filer's to pass on to its customers.</summary>
    private static Disposition? CarrierView(Disposition? disposition)
    {
        if (disposition is null)
        {
            return null;
        }
        var view = disposition.Clone();
        view.Notices.Clear();
        return view;
    }

    /// <summary>What one event of a house tells its carrier: nothing, or one notice (one per referral opened).</summary>
    private static IEnumerable<(ConsignmentEventType Type, ReferralType Referral)> TypesOf(DeclarationEvent @event)
    {
        switch (@event.Type)
        {
            case DeclarationEventType.Amended:
                yield return (ConsignmentEventType.HouseAmended, ReferralType.Unspecified);
                yield break;
            case DeclarationEventType.Cancelled:
                yield return (ConsignmentEventType.HouseInvalidated, ReferralType.Unspecified);
                yield break;
            // A disposition: the invalidation after a Do Not Load, or goods not released (the house view says how and why).
            case DeclarationEventType.Disposed:
                yield return (@event.Status == DeclarationStatus.Cancelled ? ConsignmentEventType.HouseInvalidated : ConsignmentEventType.HouseNotReleased,
                    ReferralType.Unspecified);
                yield break;
        }
        // The referrals a decision opens ride on its event (never their questions, only their kind).
        if (@event.Type == DeclarationEventType.Decided)
        {
            foreach (var type in @event.Referrals.Where(r => r.State == ReferralState.Open).Select(r => r.Type).Distinct())
            {
                yield return (ConsignmentEventType.HouseReferralOpened, type);
            }
        }
        switch (@event.Status)
        {
            case DeclarationStatus.Released when @event.Type is DeclarationEventType.Decided or DeclarationEventType.StatusChanged:
                yield return (ConsignmentEventType.HouseReleased, ReferralType.Unspecified);
                break;
            case DeclarationStatus.Rejected or DeclarationStatus.Seized or DeclarationStatus.ReturnedToSender
                when @event.Type is DeclarationEventType.Decided or DeclarationEventType.StatusChanged:
                yield return (ConsignmentEventType.HouseNotReleased, ReferralType.Unspecified);
                break;
            // Held once arrived (at arrival, or by a later hold): the goods must be presented.
            case DeclarationStatus.Held or DeclarationStatus.UnderReview
                when @event.ClearanceState == ClearanceState.Arrived
                    && @event.Type is DeclarationEventType.Arrived or DeclarationEventType.Decided or DeclarationEventType.AgencyHoldPlaced:
                yield return (ConsignmentEventType.HouseControlRequired, ReferralType.Unspecified);
                break;
        }
    }
}

/// <summary>
/// Puts on every write to a house the notices its carrier is due (<see cref="CarrierNotices"/>), so
/// the store records a change and what it tells the carrier in one transaction, whichever path of
/// change (filer, bulk, assessor, officer, agency, arrival) made it; then wakes the carrier's
/// watchers. The carrier is the one whose consignment holds the house's master transport document
/// when the change is written: a consignment filed, or invalidated, at the same moment may miss it
/// or be told it. Reads pass straight through.
/// </summary>
public sealed class NoticingDeclarationStore(IDeclarationStore inner, IRegistryStore registry, IEventSignal signal)
    : DelegatingDeclarationStore(inner)
{
    private readonly ConsignmentDirectory _directory = new(registry);

    public override async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var noticed = await WithNoticesAsync([write], cancellationToken);
        return Signal(noticed, [await Inner.InsertAsync(noticed[0], cancellationToken)])[0];
    }

    public override async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var noticed = await WithNoticesAsync(writes, cancellationToken);
        return Signal(noticed, await Inner.InsertManyAsync(noticed, cancellationToken));
    }

    public override async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var noticed = await WithNoticesAsync([write], cancellationToken);
        return Signal(noticed, [await Inner.UpdateAsync(noticed[0], cancellationToken)])[0];
    }

    public override async Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var noticed = await WithNoticesAsync(writes, cancellationToken);
        return Signal(noticed, await Inner.UpdateManyAsync(noticed, cancellationToken));
    }

    /// <summary>The writes with their notices; one look-up per distinct master document, and none for writes that notify nobody.</summary>
    private async Task<IReadOnlyList<DeclarationWrite>> WithNoticesAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        DeclarationWrite[]? noticed = null;
        Dictionary<string, Consignment?>? masters = null;
        for (var i = 0; i < writes.Count; i++)
        {
            var write = writes[i];
            if (write.Declaration.TransportDocument?.MasterWaybill is not { Length: > 0 } document || !CarrierNotices.AnyFor(write))
            {
                continue;
            }
            masters ??= new Dictionary<string, Consignment?>(StringComparer.Ordinal);
            if (!masters.TryGetValue(document, out var master))
            {
                masters[document] = master = await _directory.FindByDocumentAsync(document, cancellationToken);
            }
            if (master is null || !ResourceNames.TryParseConsignment(master.Name, out var carrier, out _))
            {
                continue;
            }
            var notices = CarrierNotices.For(write, master).Select(n => new PartyNotice(carrier!, n.ToByteArray())).ToList();
            if (notices.Count > 0)
            {
                noticed ??= [.. writes];
                noticed[i] = write with { Notices = [.. write.Notices ?? [], .. notices] };
            }
        }
        return noticed ?? writes;
    }

    private IReadOnlyList<WriteOutcome> Signal(IReadOnlyList<DeclarationWrite> writes, IReadOnlyList<WriteOutcome> outcomes)
    {
        for (var i = 0; i < writes.Count; i++)
        {
            if (outcomes[i].Kind == WriteOutcomeKind.Written && writes[i].Notices is { Count: > 0 } notices)
            {
                foreach (var recipient in notices.Select(n => n.Recipient).Distinct())
                {
                    signal.Notify(CarrierNotices.SignalKey(recipient));
                }
            }
        }
        return outcomes;
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Declarations;

/// <summary>
/// The presentation of arrived goods to customs for control, of one declaration (single filing) or
/// of the houses of a consignment: its rule, and the change it makes. Goods held after arrival are
/// released only once presented (<see cref="Lifecycles.MustPresentBeforeRelease"/>).
/// </summary>
internal static class Presentations
{
    /// <summary>
    /// The change a presentation makes to <paramref name="current"/>: the PRESENTED step. Refused
    /// with GOODS_NOT_ARRIVED before arrival, and INVALID_STATE_TRANSITION once released, in a final
    /// status or presented already (callers answer a repeat with the declaration as it is).
    /// </summary>
    public static Change Change(Declaration current, Timestamp now)
    {
        if (!Lifecycles.HasArrived(current))
        {
            throw new GoodsNotArrivedException(current.Name, "presented for control");
        }
        if (Lifecycles.WasPresented(current))
        {
            throw new InvalidStateTransitionException(current.Name, current.Status, "presented for control again");
        }
        if (!Lifecycles.CanPresent(current))
        {
            throw new InvalidStateTransitionException(current.Name, current.Status, "presented for control");
        }
        var presented = current.Clone();
        presented.Clearance.PresentationTime = now;
        return new Change(presented, DeclarationEventType.Presented, "Goods presented for control.");
    }

    /// <summary>
    /// Presents one declaration's goods on behalf of <paramref name="actor"/>. A repeat (presented
    /// already, by an earlier call or one racing this) is answered with the declaration as it stands.
    /// </summary>
    public static async Task<Declaration> PresentAsync(
        DeclarationChanges changes, Storage.IDeclarationStore store, Identity.DeclarationKey key, string actor, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        try
        {
            return await changes.ApplyAsync(key, null, [], null, actor, current =>
                ValueTask.FromResult(Change(current, Timestamps.ToProto(Timestamps.Now(clock)))), cancellationToken);
        }
        catch (InvalidStateTransitionException)
        {
            if (await store.GetAsync(key, cancellationToken) is { } stored && Lifecycles.WasPresented(stored))
            {
                return stored;
            }
            throw;
        }
    }
}

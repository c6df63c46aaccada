using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Declarations;

/// <summary>The control of goods presented after arrival: when a result may be recorded, and the change recording it makes.</summary>
internal static class ControlResults
{
    /// <summary>
    /// The CONTROLLED step: refused with GOODS_NOT_ARRIVED before arrival, GOODS_NOT_PRESENTED
    /// before presentation, and INVALID_STATE_TRANSITION once released, final, or controlled already.
    /// </summary>
    public static Change Record(Declaration current, ControlOutcome outcome, string remarks, Timestamp now)
    {
        if (!Lifecycles.HasArrived(current))
        {
            throw new GoodsNotArrivedException(current.Name, "controlled");
        }
        if (DeclarationStatuses.IsFinal(current.Status) || current.Status == DeclarationStatus.Assessed)
        {
            throw new InvalidStateTransitionException(current.Name, current.Status, "controlled");
        }
        if (current.Clearance.ControlResult is not null)
        {
            throw new InvalidStateTransitionException(current.Name, current.Status, "controlled again");
        }
        if (!Lifecycles.WasPresented(current))
        {
            throw new GoodsNotPresentedException(current.Name, "controlled");
        }
        var controlled = current.Clone();
        controlled.Clearance.ControlResult = new ControlResult { Outcome = outcome, Remarks = remarks, RecordTime = now };
        return new Change(controlled, DeclarationEventType.Controlled, remarks);
    }
}

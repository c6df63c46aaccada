using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Declarations;

/// <summary>
/// The arrival notification (ICS2 IE3N06), of one declaration (single filing) or of a carrier's
/// consignment and so of its houses: its rules, and the change it makes to a declaration.
/// </summary>
internal static class ArrivalNotices
{
    /// <summary>The conveyance reference, as WCO DM 149 (an..17) and Transport.conveyance_reference.</summary>
    private const int ConveyanceReferenceLength = 17;

    public static void Check(NotifyArrivalRequest request, DateTimeOffset now, List<FieldViolation> violations) =>
        Check(request.ArriveTime, request.ArrivalOffice, request.ConveyanceReference, now, violations);

    public static void Check(
        Google.Protobuf.WellKnownTypes.Timestamp? arriveTime, string arrivalOffice, string conveyanceReference, DateTimeOffset now,
        List<FieldViolation> violations)
    {
        if (arriveTime is null)
        {
            violations.Add(new FieldViolation("arrive_time", "Required: when the goods arrived."));
        }
        else if (PlausibleTimes.CheckPast(arriveTime, now) is { } timeProblem)
        {
            violations.Add(new FieldViolation("arrive_time", timeProblem));
        }
        if (arrivalOffice.Length > 0 && OfficeOfFirstEntry.Check(arrivalOffice) is { } officeProblem)
        {
            violations.Add(new FieldViolation("arrival_office", officeProblem));
        }
        if (conveyanceReference.Length > 0 && TextValues.Check(conveyanceReference, 1, ConveyanceReferenceLength) is { } conveyanceProblem)
        {
            violations.Add(new FieldViolation("conveyance_reference", conveyanceProblem));
        }
    }

    /// <summary>
    /// The change an arrival makes to <paramref name="current"/>: the ARRIVED step, followed in the
    /// same write by the release when its assessment was complete and nothing holds it. Refused
    /// with GOODS_ARRIVED for a second arrival and INVALID_STATE_TRANSITION for a final status.
    /// </summary>
    public static Change Change(
        Declaration current, Google.Protobuf.WellKnownTypes.Timestamp arriveTime, string arrivalOffice, string conveyanceReference)
    {
        if (Lifecycles.HasArrived(current))
        {
            throw new Errors.GoodsArrivedException(current.Name, current.Clearance.ArriveTime, "notified of arrival again");
        }
        if (DeclarationStatuses.IsFinal(current.Status))
        {
            throw new Errors.InvalidStateTransitionException(current.Name, current.Status, "notified of arrival");
        }
        var arrived = current.Clone();
        var clearance = arrived.Clearance ??= new Clearance();
        clearance.ArriveTime = arriveTime.Clone();
        clearance.ArrivalOffice = arrivalOffice;
        clearance.ArrivalConveyanceReference = conveyanceReference;
        var arrival = new Change(arrived, DeclarationEventType.Arrived, Reason(arrivalOffice, conveyanceReference));
        return Enforcement.Decisions.ReleasesNow(arrived) ? Enforcement.Decisions.ReleaseAfter(arrival) : arrival;
    }

    /// <summary>What the ARRIVED event says: where and on what the goods arrived, as notified.</summary>
    private static string Reason(string arrivalOffice, string conveyanceReference)
    {
        var at = arrivalOffice.Length > 0 ? $" at {arrivalOffice}" : "";
        var on = conveyanceReference.Length > 0 ? $" on {conveyanceReference}" : "";
        return $"Goods arrived{at}{on}.";
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Validation;

namespace Exchange.Core.Declarations;

/// <summary>The rules of an arrival notification (ICS2 IE3N06) as a filer sends it.</summary>
internal static class ArrivalNotices
{
    /// <summary>Clock skew tolerated between the arrival site and the node.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Arrivals before this are typing errors (year 0001, a missing century), not goods.</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The conveyance reference, as WCO DM 149 (an..17) and Transport.conveyance_reference.</summary>
    private const int ConveyanceReferenceLength = 17;

    public static void Check(NotifyArrivalRequest request, DateTimeOffset now, List<FieldViolation> violations)
    {
        if (request.ArriveTime is null)
        {
            violations.Add(new FieldViolation("arrive_time", "Required: when the goods arrived."));
        }
        else if (!Timestamps.TryFromProto(request.ArriveTime, out var arrived))
        {
            violations.Add(new FieldViolation("arrive_time", "Not a valid timestamp (seconds or nanos out of range)."));
        }
        else if (arrived > now + Skew)
        {
            violations.Add(new FieldViolation("arrive_time", "Must not be in the future."));
        }
        else if (arrived < Earliest)
        {
            violations.Add(new FieldViolation("arrive_time", "Must not be before the year 2000."));
        }
        if (request.ArrivalOffice.Length > 0 && OfficeOfFirstEntry.Check(request.ArrivalOffice) is { } officeProblem)
        {
            violations.Add(new FieldViolation("arrival_office", officeProblem));
        }
        if (request.ConveyanceReference.Length > 0 && TextValues.Check(request.ConveyanceReference, 1, ConveyanceReferenceLength) is { } conveyanceProblem)
        {
            violations.Add(new FieldViolation("conveyance_reference", conveyanceProblem));
        }
    }

    /// <summary>What the ARRIVED event says: where and on what the goods arrived, as notified.</summary>
    public static string Reason(NotifyArrivalRequest request)
    {
        var at = request.ArrivalOffice.Length > 0 ? $" at {request.ArrivalOffice}" : "";
        var on = request.ConveyanceReference.Length > 0 ? $" on {request.ConveyanceReference}" : "";
        return $"Goods arrived{at}{on}.";
    }
}

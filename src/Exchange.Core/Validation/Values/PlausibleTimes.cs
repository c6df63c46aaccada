using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Validation;

/// <summary>
/// The window of plausible times for the times a filer states about goods (an expected arrival,
/// an arrival). A google.protobuf.Timestamp reaches from the year 0001 to 9999, but a time outside
/// this window is a typing error (a missing century, a year 0001 default, a placeholder 9999), and
/// stored it would mislead every officer, risk rule and report that reads it:
/// <list type="bullet">
/// <item>no time before <see cref="Earliest"/> (2000-01-01T00:00:00Z): cross-border e-commerce
/// declarations of the standard do not describe older movements;</item>
/// <item>an expected time at most <see cref="Horizon"/> (366 days) after now: an expected arrival is
/// given for goods already on their way or about to be;</item>
/// <item>a time that has happened (an arrival) at most <see cref="Skew"/> (5 minutes, clock skew
/// between the site and the node) after now.</item>
/// </list>
/// The one definition of the window: every rule on a filer's time reads it from here.
/// </summary>
public static class PlausibleTimes
{
    public static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static readonly TimeSpan Horizon = TimeSpan.FromDays(366);

    public static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);

    /// <summary>Why an expected time (one still to come) is not plausible, or null when it is.</summary>
    public static string? CheckExpected(Timestamp value, DateTimeOffset now) => Check(value, now + Horizon, "more than 366 days from now");

    /// <summary>Why a time that has happened is not plausible, or null when it is.</summary>
    public static string? CheckPast(Timestamp value, DateTimeOffset now) => Check(value, now + Skew, "in the future");

    private static string? Check(Timestamp value, DateTimeOffset latest, string tooLate)
    {
        if (TimestampValues.Check(value) is { } problem)
        {
            return problem;
        }
        var time = value.ToDateTimeOffset();
        if (time < Earliest)
        {
            return $"must not be before 2000-01-01T00:00:00Z; got {Format(time)}";
        }
        return time > latest ? $"must not be {tooLate}; got {Format(time)}" : null;
    }

    private static string Format(DateTimeOffset time) =>
        time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

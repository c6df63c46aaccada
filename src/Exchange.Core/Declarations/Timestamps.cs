using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Declarations;

/// <summary>
/// Time as the Exchange records it: UTC, truncated to microseconds, the finest resolution every
/// store keeps (PostgreSQL timestamps are microseconds), so what is read back equals what was written.
/// </summary>
public static class Timestamps
{
    // The range of google.protobuf.Timestamp: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z.
    private const long MinSeconds = -62_135_596_800;
    private const long MaxSeconds = 253_402_300_799;

    public static DateTimeOffset Now(TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    public static long ToUnixMicroseconds(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>A time the node stored itself (so in range), from Unix microseconds.</summary>
    public static DateTimeOffset FromUnixMicroseconds(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    public static bool TryFromUnixMicroseconds(long micros, out DateTimeOffset time)
    {
        time = default;
        var maxMicros = (DateTimeOffset.MaxValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        var minMicros = (DateTimeOffset.MinValue.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;
        if (micros < minMicros || micros > maxMicros)
        {
            return false;
        }
        time = DateTimeOffset.UnixEpoch.AddTicks(micros * 10);
        return true;
    }

    public static Timestamp ToProto(DateTimeOffset time) => Timestamp.FromDateTimeOffset(time);

    /// <summary>Reads a protobuf Timestamp that a caller sent, refusing values out of the Timestamp range.</summary>
    public static bool TryFromProto(Timestamp? timestamp, out DateTimeOffset time)
    {
        time = default;
        if (timestamp is null || timestamp.Nanos is < 0 or > 999_999_999
            || timestamp.Seconds < MinSeconds || timestamp.Seconds > MaxSeconds)
        {
            return false;
        }
        time = timestamp.ToDateTimeOffset();
        return true;
    }

    /// <summary>A stored time as RFC 3339 text in UTC, e.g. for error metadata.</summary>
    public static string Rfc3339(Timestamp timestamp) =>
        timestamp.ToDateTimeOffset().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

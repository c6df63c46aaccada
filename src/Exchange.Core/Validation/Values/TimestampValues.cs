using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Validation;

/// <summary>
/// google.protobuf.Timestamp invariants: seconds from 0001-01-01T00:00:00Z to
/// 9999-12-31T23:59:59Z, nanos from 0 to 999,999,999 (timestamp.proto). Out-of-range values
/// arrive over the wire unchecked and would throw on conversion.
/// </summary>
internal static class TimestampValues
{
    public const long MinSeconds = -62_135_596_800;
    public const long MaxSeconds = 253_402_300_799;

    public static string? Check(Timestamp t)
    {
        if (t.Seconds is < MinSeconds or > MaxSeconds)
        {
            return $"seconds must be between {MinSeconds} and {MaxSeconds} (years 0001 to 9999, google.protobuf.Timestamp); got {t.Seconds}";
        }

        return t.Nanos is < 0 or > 999_999_999
            ? $"nanos must be between 0 and 999999999 (google.protobuf.Timestamp); got {t.Nanos}"
            : null;
    }
}

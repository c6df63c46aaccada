using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// Times as both stores keep them: whole Unix microseconds (<see cref="DeclarationIndex"/>). A
/// time with finer ticks is truncated when stored; a bound with finer ticks lies between stored
/// times.
/// </summary>
internal static class StoredTimes
{
    /// <summary>The largest whole microsecond at or before <paramref name="time"/>.</summary>
    public static long FloorUnixMicroseconds(DateTimeOffset time)
    {
        var ceiling = DeclarationIndex.CeilingUnixMicroseconds(time);
        return IsWholeMicrosecond(time) ? ceiling : ceiling - 1;
    }

    public static bool IsWholeMicrosecond(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % TimeSpan.TicksPerMicrosecond == 0;
}

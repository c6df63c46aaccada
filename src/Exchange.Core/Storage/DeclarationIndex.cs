using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Storage;

/// <summary>
/// The column values a store indexes beside a declaration's canonical bytes. Every store takes
/// them from here so that SQLite and PostgreSQL filter and order on exactly the same values.
/// Times are Unix microseconds (UTC): the core truncates times to microseconds before writing,
/// so nothing is lost, and an int64 compares the same way in every database.
/// Absent strings are stored as the empty string, never NULL, so equality needs no NULL logic.
/// </summary>
public sealed record DeclarationIndex(
    int Status,
    long Revision,
    long CreateTime,
    long UpdateTime,
    string LocalReferenceNumber,
    string UniqueConsignmentReference,
    string ItemIdentifier,
    string HouseWaybill,
    string MasterWaybill,
    string CustomsReference)
{
    public static DeclarationIndex Of(Declaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var document = declaration.TransportDocument;
        return new DeclarationIndex(
            Status: (int)declaration.Status,
            Revision: declaration.Revision,
            CreateTime: ToUnixMicroseconds(declaration.CreateTime),
            UpdateTime: ToUnixMicroseconds(declaration.UpdateTime),
            LocalReferenceNumber: declaration.LocalReferenceNumber,
            UniqueConsignmentReference: declaration.UniqueConsignmentReference,
            ItemIdentifier: document?.ItemIdentifier ?? "",
            HouseWaybill: document?.HouseWaybill ?? "",
            MasterWaybill: document?.MasterWaybill ?? "",
            CustomsReference: declaration.CustomsReference);
    }

    /// <summary>
    /// The index of a write's declaration, after checking the write is one a store may record:
    /// the row key must agree with the names inside the stored bytes (or a Get by key would answer
    /// with a declaration named otherwise), and an idempotency key needs its request hash.
    /// </summary>
    public static DeclarationIndex ForWrite(DeclarationWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(write.Key);
        ArgumentNullException.ThrowIfNull(write.Declaration);
        ArgumentNullException.ThrowIfNull(write.Event);
        var name = write.Key.Name;
        if (write.Declaration.Name != name)
        {
            throw new ArgumentException($"The declaration is named '{write.Declaration.Name}', not {name}.", nameof(write));
        }
        if (write.Events.FirstOrDefault(e => e.Declaration != name) is { } other)
        {
            throw new ArgumentException($"The event is about '{other.Declaration}', not {name}.", nameof(write));
        }
        if (write.RequestId is "")
        {
            // An empty key would make every request without one collide with the first.
            throw new ArgumentException("An absent request id is null, not empty.", nameof(write));
        }
        if (write.RequestId is not null && write.RequestHash is null)
        {
            throw new ArgumentException("A request id needs its request hash.", nameof(write));
        }
        return Of(write.Declaration);
    }

    /// <summary>A protobuf time as Unix microseconds; 0 when the time is absent.</summary>
    public static long ToUnixMicroseconds(Timestamp? time) =>
        // Nanos is never negative in a valid Timestamp, so integer division truncates towards the past.
        time is null ? 0 : checked((time.Seconds * 1_000_000) + (time.Nanos / 1000));

    /// <summary>
    /// The smallest whole microsecond at or after <paramref name="time"/>. Stored times are whole
    /// microseconds, so for a stored time s: s &gt;= t exactly when s &gt;= Ceiling(t), and s &lt; t
    /// exactly when s &lt; Ceiling(t). Both list filters use this bound and stay exact even when a
    /// caller passes a time with sub-microsecond ticks.
    /// </summary>
    public static long CeilingUnixMicroseconds(DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        // Integer division truncates towards zero, which is already the ceiling below the epoch.
        var micros = ticks / TimeSpan.TicksPerMicrosecond;
        return ticks % TimeSpan.TicksPerMicrosecond > 0 ? micros + 1 : micros;
    }

    /// <summary>
    /// The exclusive upper bound of the next page in the (create time, declaration id) descending
    /// order: rows strictly below it in the row-value comparison come after the position. A
    /// position normally comes from a stored declaration and is a whole microsecond; if it is not,
    /// every row up to its microsecond floor comes after it, which (Ceiling, "") expresses because
    /// no declaration id is below the empty string.
    /// </summary>
    public static (long CreateTime, string DeclarationId) KeysetBound(ListPosition position)
    {
        ArgumentNullException.ThrowIfNull(position);
        var ticks = position.CreateTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var ceiling = CeilingUnixMicroseconds(position.CreateTime);
        return ticks % TimeSpan.TicksPerMicrosecond == 0 ? (ceiling, position.DeclarationId) : (ceiling, "");
    }
}

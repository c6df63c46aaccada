using System.Globalization;

namespace Exchange.Core.Storage;

/// <summary>
/// Where an entry stands in an append-only log read in commit order (a filer's declaration
/// events): the id of the transaction that wrote it, then its sequence within that transaction's
/// share of the log, compared as a pair. A store whose writes never overlap (SQLite's single
/// writer) numbers each log 1, 2, 3… under transaction 0; PostgreSQL, whose writers of one log
/// run side by side, orders by the writer's transaction id and hands an entry to readers only
/// once every transaction with a lower id has ended (docs/storage.md, "Event order"), so a
/// reader never finds a new entry behind one it has passed.
/// <para>
/// The watch cursor is this position as text: the sequence alone for transaction 0 (the form
/// every cursor had before transaction ids, so those still resume where they were issued), else
/// "transaction.sequence". Clients treat it as opaque.
/// </para>
/// </summary>
public readonly record struct EventPosition(long Transaction, long Sequence) : IComparable<EventPosition>
{
    /// <summary>Before every entry: following from here yields the whole log.</summary>
    public static EventPosition Start => default;

    public int CompareTo(EventPosition other) =>
        Transaction != other.Transaction ? Transaction.CompareTo(other.Transaction) : Sequence.CompareTo(other.Sequence);

    public static bool operator <(EventPosition left, EventPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(EventPosition left, EventPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventPosition left, EventPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventPosition left, EventPosition right) => left.CompareTo(right) >= 0;

    /// <summary>The cursor text (see the type's summary).</summary>
    public override string ToString() => Transaction == 0
        ? Sequence.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Transaction}.{Sequence}");

    /// <summary>Reads cursor text made by <see cref="ToString"/>; false for anything else (signs, spaces, a third part).</summary>
    public static bool TryParse(string? text, out EventPosition position)
    {
        position = Start;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var transaction = 0L;
        if (dot >= 0 && !(long.TryParse(text.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out transaction) && transaction > 0))
        {
            return false; // "0.n" is not a form ToString makes: one position, one text
        }
        if (!long.TryParse(text.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }
        position = new EventPosition(transaction, sequence);
        return true;
    }
}

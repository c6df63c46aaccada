using System.Text;
using Google.Protobuf;

namespace Exchange.Core.Storage;

/// <summary>
/// A write's <see cref="DeclarationFacts"/> as every store keeps them: checked, and the assessment
/// already serialized, so nothing of this runs while the write lock is held.
/// </summary>
public sealed record StoredFacts(string ConsigneeKey, long IntrinsicValueCents, byte[]? Assessment)
{
    /// <summary>The facts of an insert, which must carry them.</summary>
    public static StoredFacts ForInsert(DeclarationWrite write) =>
        ForUpdate(write) ?? throw new ArgumentException($"The insert of {write.Key.Name} carries no facts.", nameof(write));

    /// <summary>The facts of an update, or null when it keeps the stored ones.</summary>
    public static StoredFacts? ForUpdate(DeclarationWrite write)
    {
        if (write.Facts is not { } facts)
        {
            return null;
        }
        ArgumentNullException.ThrowIfNull(facts.ConsigneeKey, nameof(write));
        if (facts.IntrinsicValueCents < 0)
        {
            // Values are clamped at 0 where they are computed (IntrinsicValue); the counters rely on it.
            throw new ArgumentException($"The intrinsic value of {write.Key.Name} is negative.", nameof(write));
        }
        ArgumentNullException.ThrowIfNull(facts.FlaggedAgencies, nameof(write));
        if (facts.FlaggedAgencies.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"An agency flag of {write.Key.Name} is empty.", nameof(write));
        }
        return new StoredFacts(facts.ConsigneeKey, facts.IntrinsicValueCents, facts.Assessment?.ToByteArray());
    }
}

/// <summary>The checks and the prefix range of <see cref="IRegistryStore"/>.</summary>
public static class RegistryRules
{
    public static void Validate(RegistryRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(record.Kind, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Id, nameof(record));
        ArgumentNullException.ThrowIfNull(record.Payload, nameof(record));
    }

    /// <summary>
    /// The least string above every string starting with <paramref name="prefix"/> in code-point
    /// order (which is UTF-8 byte order): the prefix with its last code point below U+10FFFF
    /// incremented and what follows it dropped. Null when there is none (an empty prefix, or one
    /// of U+10FFFF only): then the range has no upper end. So [prefix, end) is exactly the ids
    /// starting with the prefix, an index range, with no pattern characters to escape.
    /// </summary>
    public static string? PrefixEnd(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last < 0x10FFFF)
            {
                var end = new StringBuilder();
                foreach (var rune in runes)
                {
                    end.Append(rune.ToString());
                }
                // The surrogate range holds no code points: the next one after U+D7FF is U+E000.
                return end.Append(new Rune(last + 1 == 0xD800 ? 0xE000 : last + 1).ToString()).ToString();
            }
        }
        return null;
    }
}

/// <summary>
/// A write's bytes as every store keeps them, serialized before the store takes its write lock
/// (SQLite's single writer, PostgreSQL's filer lock) so the lock is held for SQL alone. The
/// declaration's bytes serve both its row and its idempotency answer; stored events carry no
/// cursor (the cursor is the row's sequence, set on reading).
/// </summary>
public sealed record SerializedWrite(byte[] Declaration, IReadOnlyList<byte[]> Events)
{
    public static SerializedWrite Of(DeclarationWrite write)
    {
        var events = write.Events;
        var bytes = new byte[events.Count][];
        for (var i = 0; i < events.Count; i++)
        {
            // A new event has no cursor yet: serialized as it is, without a copy (the profile of
            // issue 17 found a clone per event here); only one that carries a cursor is copied.
            var stored = events[i];
            if (stored.Cursor.Length > 0)
            {
                stored = stored.Clone();
                stored.Cursor = "";
            }
            bytes[i] = stored.ToByteArray();
        }
        return new SerializedWrite(write.Declaration.ToByteArray(), bytes);
    }
}

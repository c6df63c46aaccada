namespace Exchange.Core.Validation;

/// <summary>
/// Names and addresses: the text an officer, a carrier or a partner administration reads to tell
/// one party from another. On top of <see cref="TextValues"/> (length, no control characters),
/// they must hold no invisible or bidirectional formatting characters: a right-to-left override
/// (U+202E) shows "Acme‮ofni" as "Acmeinfo", a zero-width space makes two names that print the
/// same differ in every comparison, index and risk rule ("Trojan Source", CVE-2021-42574; Unicode
/// UTS #39 and UAX #9). Refused: U+200B to U+200F (zero-width space, non-joiner, joiner, left-to-right
/// and right-to-left marks), U+202A to U+202E (embeddings and overrides), U+2066 to U+2069
/// (isolates), U+2060 (word joiner) and U+FEFF (zero-width no-break space); C0 and C1 controls are
/// refused by <see cref="TextValues"/> already. The one rule for every name and address field.
/// </summary>
internal static class IdentifyingText
{
    public static void Required(string? value, int min, int max, string path, ViolationList violations)
    {
        var before = violations.Count;
        TextValues.Required(value, min, max, path, violations);
        if (violations.Count == before && value is not null && InvisibleCharacter(value) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    public static void Optional(string? value, int max, string path, ViolationList violations)
    {
        var before = violations.Count;
        TextValues.Optional(value, max, path, violations);
        if (violations.Count == before && !string.IsNullOrEmpty(value) && InvisibleCharacter(value) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    /// <summary>Why the text holds an invisible or bidirectional formatting character, or null when it holds none.</summary>
    public static string? InvisibleCharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (IsInvisible(value[i]))
            {
                return $"must not contain invisible or bidirectional formatting characters; found U+{(int)value[i]:X4} at position {i + 1}";
            }
        }
        return null;
    }

    private static bool IsInvisible(char c) => c is >= '\u200B' and <= '\u200F' or >= '\u202A' and <= '\u202E'
        or >= '\u2066' and <= '\u2069' or '\u2060' or '\uFEFF';
}

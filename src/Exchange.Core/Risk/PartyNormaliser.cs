namespace Exchange.Core.Risk;

/// <summary>
/// The one normalisation of party names, addresses and identifiers, shared by the watch-list rule
/// and <see cref="ConsigneeKeys"/> so that "what counts as the same party" is decided in one place.
/// <para>
/// Folding, character by character (deterministic, no culture, no Unicode data that changes with
/// the runtime for the Latin letters that matter most):
/// </para>
/// <list type="bullet">
/// <item>ASCII letters are lower-cased; ASCII digits are kept.</item>
/// <item>Latin letters with diacritics (U+00C0-U+017F, and Romanian U+0218-U+021B) become their
/// base letters by a fixed table: "é" → "e", "Ł" → "l", "Ş" → "s"; ligatures and special letters
/// are spelled out: "ß" → "ss", "æ" → "ae", "œ" → "oe", "þ" → "th", "ĳ" → "ij".</item>
/// <item>Combining diacritical marks (U+0300-U+036F, as in decomposed text) are dropped.</item>
/// <item>Full-width ASCII letters and digits (U+FF10-U+FF5A, common in East Asian addresses) become ASCII.</item>
/// <item>Any other letter, digit or mark is lower-cased (invariant) and kept; characters outside the
/// Basic Multilingual Plane (surrogate pairs) are kept as they are.</item>
/// <item>Everything else (spaces, punctuation, symbols, control characters) is a word break.
/// Party keys drop word breaks entirely, so "Co., Ltd." and "CO LTD" and "coltd" are equal;
/// description words keep one space between words.</item>
/// </list>
/// Not done on purpose: transliteration of other scripts, abbreviation expansion ("Str." is not
/// "Strasse"), or German "ü" → "ue": matching stays exact after folding, so it cannot surprise.
/// </summary>
internal static class PartyNormaliser
{
    /// <summary>A folded text is at most this many times longer than its source ("ß" → "ss").</summary>
    public const int MaxGrowth = 2;

    // Folds of U+00C0 to U+017F, 16 per row; null marks a symbol (× and ÷), which is a word break.
    private static readonly string?[] LatinFolds =
    [
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00C0 À..Ï
        "d", "n", "o", "o", "o", "o", "o", null, "o", "u", "u", "u", "u", "y", "th", "ss", // U+00D0 Ð..ß
        "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i", // U+00E0 à..ï
        "d", "n", "o", "o", "o", "o", "o", null, "o", "u", "u", "u", "u", "y", "th", "y", // U+00F0 ð..ÿ
        "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d", // U+0100 Ā..ď
        "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g", // U+0110 Đ..ğ
        "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i", // U+0120 Ġ..į
        "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l", // U+0130 İ..Ŀ
        "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o", // U+0140 ŀ..ŏ
        "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s", // U+0150 Ő..ş
        "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u", // U+0160 Š..ů
        "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s", // U+0170 Ű..ſ
    ];

    /// <summary>The party key of <paramref name="text"/>: folded letters and digits, no breaks.</summary>
    public static string Key(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length * MaxGrowth] : new char[text.Length * MaxGrowth];
        var length = Fold(text, buffer, keepWordBreaks: false);
        return new string(buffer[..length]);
    }

    /// <summary>The words of <paramref name="text"/>, folded, separated by single spaces.</summary>
    public static string Words(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }
        Span<char> buffer = text.Length <= 256 ? stackalloc char[text.Length * MaxGrowth] : new char[text.Length * MaxGrowth];
        var length = Fold(text, buffer, keepWordBreaks: true);
        return new string(buffer[..length]);
    }

    /// <summary>
    /// Folds <paramref name="text"/> into <paramref name="destination"/> (at least
    /// <see cref="MaxGrowth"/> times as long) and returns the number of characters written. With
    /// <paramref name="keepWordBreaks"/>, runs of breaks become one space (none at either end);
    /// without, breaks are dropped.
    /// </summary>
    public static int Fold(ReadOnlySpan<char> text, Span<char> destination, bool keepWordBreaks)
    {
        var written = 0;
        var pendingBreak = false;
        foreach (var c in text)
        {
            if (c < 0x80)
            {
                if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                {
                    Emit(c, destination, ref written, ref pendingBreak, keepWordBreaks);
                }
                else if (char.IsAsciiLetterUpper(c))
                {
                    Emit((char)(c | 0x20), destination, ref written, ref pendingBreak, keepWordBreaks);
                }
                else
                {
                    pendingBreak = true;
                }
                continue;
            }

            if (c is >= '\u00C0' and <= '\u017F')
            {
                if (LatinFolds[c - 0xC0] is { } folded)
                {
                    foreach (var f in folded)
                    {
                        Emit(f, destination, ref written, ref pendingBreak, keepWordBreaks);
                    }
                }
                else
                {
                    pendingBreak = true;
                }
                continue;
            }

            switch (c)
            {
                case >= '\u0300' and <= '\u036F':
                    // A combining diacritic belongs to the letter before it: dropped, not a break.
                    continue;
                case '\u0218' or '\u0219':
                    Emit('s', destination, ref written, ref pendingBreak, keepWordBreaks);
                    continue;
                case '\u021A' or '\u021B':
                    Emit('t', destination, ref written, ref pendingBreak, keepWordBreaks);
                    continue;
                case >= '\uFF10' and <= '\uFF19' or >= '\uFF41' and <= '\uFF5A':
                    Emit((char)(c - 0xFEE0), destination, ref written, ref pendingBreak, keepWordBreaks);
                    continue;
                case >= '\uFF21' and <= '\uFF3A':
                    Emit((char)(c - 0xFEE0 + 0x20), destination, ref written, ref pendingBreak, keepWordBreaks);
                    continue;
            }

            if (char.IsSurrogate(c) || char.IsLetterOrDigit(c) || IsMark(c))
            {
                Emit(char.ToLowerInvariant(c), destination, ref written, ref pendingBreak, keepWordBreaks);
            }
            else
            {
                pendingBreak = true;
            }
        }
        return written;
    }

    private static void Emit(char c, Span<char> destination, ref int written, ref bool pendingBreak, bool keepWordBreaks)
    {
        if (pendingBreak && keepWordBreaks && written > 0)
        {
            destination[written++] = ' ';
        }
        pendingBreak = false;
        destination[written++] = c;
    }

    private static bool IsMark(char c) => char.GetUnicodeCategory(c) is
        System.Globalization.UnicodeCategory.NonSpacingMark
        or System.Globalization.UnicodeCategory.SpacingCombiningMark
        or System.Globalization.UnicodeCategory.EnclosingMark;
}

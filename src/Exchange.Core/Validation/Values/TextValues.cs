using System.Globalization;

namespace Exchange.Core.Validation;

/// <summary>
/// Lengths and characters of free text. Lengths are counted in Unicode characters (code points), as
/// the WCO Data Model formats (an..70 and so on) count characters, not UTF-16 units. Control
/// characters (Unicode category Cc: C0, DEL, C1, including line breaks and tabs) have no place in a
/// data element of the WCO DM or on a CN22/CN23 line, and an unpaired surrogate cannot be encoded in
/// UTF-8 for the customs administration: both are refused in every text field.
/// </summary>
internal static class TextValues
{
    /// <summary>Reports a required text field: present (not blank), <paramref name="min"/> to <paramref name="max"/> characters, printable.</summary>
    public static void Required(string? value, int min, int max, string path, ViolationList violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Required(path, $"{min} to {max} characters");
            return;
        }

        if (Check(value, min, max) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    /// <summary>Reports an optional text field: empty, or at most <paramref name="max"/> printable characters.</summary>
    public static void Optional(string? value, int max, string path, ViolationList violations)
    {
        if (!string.IsNullOrEmpty(value) && Check(value, 1, max) is { } problem)
        {
            violations.Add(path, problem);
        }
    }

    /// <summary>Why the text breaks the length or character rule, or null when it is fine.</summary>
    public static string? Check(string value, int min, int max)
    {
        var length = CountCharacters(value);
        if (length < min || length > max)
        {
            return min <= 1
                ? $"must be at most {max} characters; got {length}"
                : $"must be {min} to {max} characters; got {length}";
        }

        return ForbiddenCharacter(value);
    }

    /// <summary>Why the text holds a control character or an unpaired surrogate, or null when it holds none.</summary>
    public static string? ForbiddenCharacter(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsControl(c))
            {
                return $"must not contain control characters (line breaks, tabs...); found U+{(int)c:X4} at position {i + 1}";
            }

            if (char.IsSurrogate(c))
            {
                return $"must be valid Unicode; found an unpaired surrogate U+{(int)c:X4} at position {i + 1}";
            }
        }

        return null;
    }

    /// <summary>The number of Unicode code points; an unpaired surrogate counts as one.</summary>
    public static int CountCharacters(string value)
    {
        var pairs = 0;
        for (var i = 0; i + 1 < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && char.IsLowSurrogate(value[i + 1]))
            {
                pairs++;
                i++;
            }
        }

        return value.Length - pairs;
    }

    public static string Format(int value) => value.ToString(CultureInfo.InvariantCulture);
}

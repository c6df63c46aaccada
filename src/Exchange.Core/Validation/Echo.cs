using System.Globalization;
using System.Text;

namespace Exchange.Core.Validation;

/// <summary>
/// Quotes a caller's value inside a violation description. The value is cut to
/// <see cref="MaxChars"/> characters and invisible characters are shown as <c>\uXXXX</c>, because
/// a description is echoed back to the filer and into logs: it must stay short and printable
/// whatever was sent (100k-character strings, control characters, unpaired surrogates).
/// </summary>
internal static class Echo
{
    public const int MaxChars = 40;

    public static string Quote(string? value)
    {
        value ??= "";
        var text = new StringBuilder(MaxChars + 16);
        text.Append('"');
        var shown = 0;
        var i = 0;
        while (i < value.Length && shown < MaxChars)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(c).Append(value[i + 1]);
                i += 2;
            }
            else
            {
                if (IsInvisible(c))
                {
                    text.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                }
                else
                {
                    text.Append(c);
                }

                i++;
            }

            shown++;
        }

        if (i < value.Length)
        {
            text.Append("...");
        }

        text.Append('"');
        return text.ToString();
    }

    /// <summary>Formats an exact amount with its currency, e.g. <c>EUR 47.48</c>; an invalid code is quoted.</summary>
    public static string Amount(string? currency, decimal amount) =>
        $"{(CurrencyCodes.IsActive(currency) ? currency : Quote(currency))} {amount.ToString(CultureInfo.InvariantCulture)}";

    public static string Number(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => true,
        _ => false,
    };
}

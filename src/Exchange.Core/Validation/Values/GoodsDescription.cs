using System.Collections.Frozen;

namespace Exchange.Core.Validation;

/// <summary>
/// A goods description must say what the goods are: the CN22/CN23 instructions refuse a bare
/// "clothes" (and the contract names "clothes" and "gift" alone as unacceptable), and ICS2 asks for
/// a detailed description at house level. A description that is only one of these catch-all words
/// (case and surrounding spaces ignored) is refused; any more precise wording passes.
/// </summary>
internal static class GoodsDescription
{
    public const int MinLength = 3;
    public const int MaxLength = 512;

    private static readonly FrozenSet<string> CatchAllWords = FrozenSet.ToFrozenSet(
    [
        "clothes", "clothing", "gift", "gifts", "goods", "merchandise", "sample", "samples", "parts",
        "spare parts", "accessories", "items", "products", "stuff", "various", "miscellaneous", "misc",
        "general cargo", "consolidated", "said to contain",
    ], StringComparer.OrdinalIgnoreCase);

    public static string? Check(string value) =>
        CatchAllWords.Contains(value.Trim())
            ? $"{Echo.Quote(value.Trim())} alone is too vague (CN22/CN23 \"detailed description\"): say what the goods are, "
                + "e.g. \"men's cotton T-shirts\""
            : null;
}

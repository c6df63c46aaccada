namespace Exchange.Core.Validation;

/// <summary>
/// A unit of measure code of UN/ECE Recommendation 20 (e.g. H87 piece, KGM kilogram, PR pair): 1 to
/// 3 upper-case letters or digits. Only the shape is checked: Recommendation 20 has some 2,000
/// codes and grows, so its membership is left to the administration.
/// </summary>
internal static class UnitCode
{
    public static string? Check(string value) =>
        value.Length is >= 1 and <= 3 && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            ? null
            : $"must be a UN/ECE Recommendation 20 unit code of 1 to 3 upper-case letters or digits, e.g. H87 (piece); got {Echo.Quote(value)}";
}

namespace Exchange.Core.Validation;

/// <summary>Codes of code lists the contract carries as strings: upper-case letters and digits of a given length.</summary>
internal static class CodeValues
{
    /// <summary>Why <paramref name="value"/> is not <paramref name="min"/> to <paramref name="max"/> upper-case letters or digits, or null.</summary>
    public static string? Check(string value, int min, int max, string example)
    {
        var shaped = value.Length >= min && value.Length <= max && value.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c));
        if (shaped)
        {
            return null;
        }

        var size = min == max ? $"{min}" : $"{min} to {max}";
        return $"must be {size} upper-case letters or digits, e.g. {example}; got {Echo.Quote(value)}";
    }

    /// <summary>Why <paramref name="value"/> is not exactly <paramref name="digits"/> digits, or null.</summary>
    public static string? Digits(string value, int digits, string example) =>
        value.Length == digits && value.All(char.IsAsciiDigit)
            ? null
            : $"must be {digits} digits, e.g. {example}; got {Echo.Quote(value)}";
}

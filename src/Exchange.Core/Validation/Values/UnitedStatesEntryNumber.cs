namespace Exchange.Core.Validation;

/// <summary>
/// A US CBP entry number: the 3-character filer code (letters or digits), 7 digits and a check
/// digit, 11 characters, written with or without the hyphens (ABC-1234567-8). The check digit's
/// algorithm is not in the sources the Exchange relies on, so it is not verified.
/// </summary>
internal static class UnitedStatesEntryNumber
{
    public static string? Check(string value)
    {
        var compact = value.Length == 13 && value[3] == '-' && value[11] == '-' ? value.Remove(11, 1).Remove(3, 1) : value;
        var shaped = compact.Length == 11
            && compact[..3].All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c))
            && compact[3..].All(char.IsAsciiDigit);
        return shaped
            ? null
            : $"must be a US entry number: a 3-character filer code, 7 digits and a check digit, e.g. ABC-1234567-8; got {Echo.Quote(value)}";
    }
}

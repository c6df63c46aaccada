namespace Exchange.Core.Validation;

/// <summary>
/// A telephone number in ITU-T E.123 international notation, as ICS2 requires: "+", then 6 to 15
/// digits (E.164 allows at most 15), with single spaces allowed between groups of digits, e.g.
/// "+31 20 123 4567".
/// </summary>
internal static class PhoneNumber
{
    public const int MinDigits = 6;
    public const int MaxDigits = 15;

    public static string? Check(string value)
    {
        var digits = 0;
        var shaped = value.Length >= 2 && value[0] == '+' && char.IsAsciiDigit(value[1]) && char.IsAsciiDigit(value[^1]);
        for (var i = 1; shaped && i < value.Length; i++)
        {
            if (char.IsAsciiDigit(value[i]))
            {
                digits++;
            }
            else if (value[i] != ' ' || value[i - 1] == ' ')
            {
                shaped = false;
            }
        }

        if (!shaped)
        {
            return "must be in ITU-T E.123 international notation: \"+\" then digits, single spaces between "
                + $"groups, e.g. +31 20 123 4567; got {Echo.Quote(value)}";
        }

        return digits is < MinDigits or > MaxDigits
            ? $"must have {MinDigits} to {MaxDigits} digits after the \"+\" (ITU-T E.164); got {digits}"
            : null;
    }
}

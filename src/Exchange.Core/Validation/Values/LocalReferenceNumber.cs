using System.Buffers;

namespace Exchange.Core.Validation;

/// <summary>
/// The filer's Local Reference Number (WCO DM D026; ICS2 LRN an..22): 1 to 22 characters, ASCII
/// letters, digits and <c>- _ / .</c> only, as the contract's `local_reference_number` states.
/// </summary>
internal static class LocalReferenceNumber
{
    public const int MaxLength = 22;

    private static readonly SearchValues<char> Allowed =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_/.");

    public static string? Check(string value)
    {
        if (value.Length > MaxLength)
        {
            return $"must be 1 to {MaxLength} characters; got {value.Length}";
        }

        var bad = value.AsSpan().IndexOfAnyExcept(Allowed);
        return bad < 0
            ? null
            : $"may hold only letters A-Z/a-z, digits and - _ / . ; got {Echo.Quote(value[bad].ToString())} at position {bad + 1}";
    }
}

namespace Exchange.Core.Validation;

/// <summary>
/// An e-mail address of a party (WCO DM 240 communication number, type "EM"): at most 256
/// characters (the contract's `Contact.email`), shaped as local-part@domain. The shape follows RFC
/// 5321 limits loosely (local part at most 64 characters, domain of dot-separated labels of at
/// most 63 letters, digits or hyphens); it is a plausibility check, not an RFC 5322 parser.
/// </summary>
internal static class EmailAddress
{
    public const int MaxLength = 256;

    public static string? Check(string value)
    {
        var length = TextValues.CountCharacters(value);
        if (length > MaxLength)
        {
            return $"must be at most {MaxLength} characters; got {length}";
        }

        if (TextValues.ForbiddenCharacter(value) is { } forbidden)
        {
            return forbidden;
        }

        var at = value.LastIndexOf('@');
        var shaped = at is > 0 and <= 64
            && !value.AsSpan(0, at).ContainsAny(" @\"")
            && IsDomain(value.AsSpan(at + 1));
        return shaped ? null : $"must be an e-mail address such as name@example.com; got {Echo.Quote(value)}";
    }

    private static bool IsDomain(ReadOnlySpan<char> domain)
    {
        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!(char.IsLetterOrDigit(c) || c == '-'))
                {
                    return false;
                }
            }

            labels++;
        }

        return labels >= 2;
    }
}

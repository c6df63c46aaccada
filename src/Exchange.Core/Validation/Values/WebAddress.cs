namespace Exchange.Core.Validation;

/// <summary>
/// A web address (a marketplace's site, a product's listing or picture): an
/// absolute http or https URL of at most 2048 characters, with a host and without spaces or
/// control characters, as the contract's URL fields require.
/// </summary>
internal static class WebAddress
{
    public const int MaxLength = 2048;

    public static string? Check(string value)
    {
        if (value.Length > MaxLength)
        {
            return $"must be at most {MaxLength} characters; got {value.Length}";
        }

        var isUrl = !value.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || char.IsSurrogate(c))
            && Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && !string.IsNullOrEmpty(uri.Host);
        return isUrl ? null : $"must be an absolute http or https URL, e.g. https://shop.example/item/1; got {Echo.Quote(value)}";
    }
}

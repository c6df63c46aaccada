using Exchange.Contracts.Declaration.V1;

namespace Exchange.Core.Validation;

/// <summary>
/// A supporting document by reference, wherever the contract takes one (a declaration's supporting
/// documents, an answer to a request for information): a type code of 1 to 4 letters and digits
/// (WCO DM D006), an identifier of 1 to 35 characters (D005), and an optional https URL.
/// </summary>
internal static class DocumentReferences
{
    public const int MaxTypeCodeLength = 4;
    public const int MaxIdentifierLength = 35;
    public const int MaxUriLength = 2048;

    /// <summary>Every problem of <paramref name="document"/>, as (field under the document, description).</summary>
    public static IEnumerable<(string Field, string Problem)> Problems(DocumentReference document)
    {
        if (document.TypeCode is not { Length: >= 1 and <= MaxTypeCodeLength } code || !code.All(char.IsAsciiLetterOrDigit))
        {
            yield return ("type_code", $"must be 1 to {MaxTypeCodeLength} letters and digits, e.g. N935; got {Echo.Quote(document.TypeCode)}");
        }

        if (string.IsNullOrWhiteSpace(document.Identifier))
        {
            yield return ("identifier", $"is required: 1 to {MaxIdentifierLength} characters");
        }
        else if (TextValues.Check(document.Identifier, 1, MaxIdentifierLength) is { } identifierProblem)
        {
            yield return ("identifier", identifierProblem);
        }

        if (document.Uri.Length > 0
            && (document.Uri.Length > MaxUriLength || !Uri.TryCreate(document.Uri, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            yield return ("uri", $"must be an https URL of at most {MaxUriLength} characters; got {Echo.Quote(document.Uri)}");
        }
    }
}

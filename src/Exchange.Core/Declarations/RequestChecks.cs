using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Validation;

namespace Exchange.Core.Declarations;

/// <summary>
/// Checks of the request envelope (parent, names, request ids) shared by every operation: the
/// caller may only name itself, and ids have the shapes the contract gives them.
/// </summary>
internal static class RequestChecks
{
    /// <summary>Reads <c>filers/{filer}</c> from <paramref name="field"/>; a valid name of another filer is refused outright.</summary>
    public static void CheckParent(CallerIdentity caller, string? parent, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(parent))
        {
            violations.Add(new FieldViolation(field, $"Required: the calling filer as '{ResourceNames.Filer(caller.FilerId)}'."));
        }
        else if (!ResourceNames.TryParseFiler(parent, out var filerId))
        {
            violations.Add(new FieldViolation(field, $"Must have the form 'filers/{{filer}}'; got {Echo.Quote(parent)}."));
        }
        else if (filerId != caller.FilerId)
        {
            throw new FilerMismatchException(field);
        }
    }

    /// <summary>Reads a declaration name of the calling filer, or records why it cannot.</summary>
    public static DeclarationKey? ReadDeclarationName(CallerIdentity caller, string? name, string field, List<FieldViolation> violations)
    {
        var key = ReadAnyDeclarationName(name, field, violations);
        if (key is not null && key.FilerId != caller.FilerId)
        {
            throw new FilerMismatchException(field);
        }
        return key;
    }

    /// <summary>
    /// Reads the name of a child resource of the calling filer's declaration,
    /// <c>filers/{filer}/declarations/{declaration}/{collection}/{id}</c> (a referral, an agency
    /// request), in field <c>name</c>: the declaration's key, or null with why it cannot.
    /// </summary>
    public static DeclarationKey? ReadDeclarationChildName(CallerIdentity caller, string? name, string collection, List<FieldViolation> violations)
    {
        var parts = name?.Split('/');
        if (parts is not { Length: 6 } || parts[4] != collection || !ResourceNames.IsValidId(parts[5])
            || !ResourceNames.TryParseDeclaration(string.Join('/', parts[..4]), out var key))
        {
            violations.Add(new FieldViolation("name",
                $"Must have the form 'filers/{{filer}}/declarations/{{declaration}}/{collection}/{{id}}'; got {Echo.Quote(name)}."));
            return null;
        }
        if (key.FilerId != caller.FilerId)
        {
            throw new FilerMismatchException("name");
        }
        return key;
    }

    /// <summary>Reads a declaration name of any filer (for officers and agencies), or records why it cannot.</summary>
    public static DeclarationKey? ReadAnyDeclarationName(string? name, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(name))
        {
            violations.Add(new FieldViolation(field, "Required: 'filers/{filer}/declarations/{declaration}'."));
            return null;
        }
        if (!ResourceNames.TryParseDeclaration(name, out var key))
        {
            violations.Add(new FieldViolation(field,
                $"Must have the form 'filers/{{filer}}/declarations/{{declaration}}'; got {Echo.Quote(name)}."));
            return null;
        }
        return key;
    }

    /// <summary>An AIP-155 request id: a UUID in its 36-character form.</summary>
    public static void CheckRequestId(string? requestId, bool required, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(requestId))
        {
            if (required)
            {
                violations.Add(new FieldViolation("request_id", "Required: a UUID that identifies this submission, reused on retries."));
            }
            return;
        }
        if (!Guid.TryParseExact(requestId, "D", out _))
        {
            violations.Add(new FieldViolation("request_id",
                $"Must be a UUID such as 123e4567-e89b-12d3-a456-426614174000; got {Echo.Quote(requestId)}."));
        }
    }

    /// <summary>
    /// Largest declaration the node records, encoded. Ample for the standard's 999 items, and it
    /// bounds what one record, one list page and one bulk batch can weigh.
    /// </summary>
    public const int MaxDeclarationBytes = 1024 * 1024;

    public static void CheckSize(Google.Protobuf.IMessage? declaration, string field, List<FieldViolation> violations)
    {
        var size = declaration?.CalculateSize() ?? 0;
        if (size > MaxDeclarationBytes)
        {
            violations.Add(new FieldViolation(field,
                $"At most {MaxDeclarationBytes} bytes encoded (1 MiB); got {size.ToString(System.Globalization.CultureInfo.InvariantCulture)}."));
        }
    }

    /// <summary>A required text of <paramref name="min"/> to <paramref name="max"/> printable characters.</summary>
    public static void CheckText(string? value, int min, int max, string field, List<FieldViolation> violations)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            violations.Add(new FieldViolation(field, $"Required: {min} to {max} characters."));
        }
        else if (TextValues.Check(value, min, max) is { } problem)
        {
            violations.Add(new FieldViolation(field, problem));
        }
    }

    /// <summary>The etag a change is based on (AIP-154): required; <paramref name="basis"/> says of what, e.g. "the declaration this amendment is based on".</summary>
    public static void CheckEtag(string? etag, string basis, List<FieldViolation> violations)
    {
        if (string.IsNullOrEmpty(etag))
        {
            violations.Add(new FieldViolation("etag", $"Required: the etag of {basis}."));
        }
    }

    /// <summary>A client-assigned resource id (AIP-122): lower-case letters, digits and hyphens, at most 63 characters.</summary>
    public static void CheckId(string? id, string field, List<FieldViolation> violations)
    {
        if (!ResourceNames.IsValidId(id))
        {
            violations.Add(new FieldViolation(field,
                $"Must be 1 to 63 lower-case letters, digits and hyphens, starting with a letter or digit; got {Echo.Quote(id)}."));
        }
    }

    /// <summary>An optional timestamp: null when unset, or (with a violation) when out of the range the contract allows.</summary>
    public static DateTimeOffset? ReadOptionalTime(Google.Protobuf.WellKnownTypes.Timestamp? value, string field, List<FieldViolation> violations)
    {
        if (value is null)
        {
            return null;
        }
        if (!Timestamps.TryFromProto(value, out var time))
        {
            violations.Add(new FieldViolation(field, "Not a valid timestamp (seconds or nanos out of range)."));
            return null;
        }
        return time;
    }

    public static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            throw new ValidationFailedException(violations);
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Validation;

namespace Exchange.Core.Errors;

/// <summary>
/// A refusal the standard defines: the request is wrong, or the state does not allow it. Each
/// carries the stable <see cref="ErrorReason"/> that callers see in google.rpc.ErrorInfo; the host
/// maps the kind to a status code in one place. The message is written for the caller and is
/// safe to return (no internals).
/// </summary>
public abstract class ExchangeException(ErrorReason reason, string message) : Exception(message)
{
    public ErrorReason Reason { get; } = reason;

    /// <summary>Extra ErrorInfo metadata (e.g. the current status), safe to return.</summary>
    public virtual IReadOnlyDictionary<string, string> Metadata => new Dictionary<string, string>();

    /// <summary>Fields the caller got wrong, each with its path; empty when none applies.</summary>
    public virtual IReadOnlyList<FieldViolation> Violations => [];
}

/// <summary>The request breaks rules of the standard; every violation is listed.</summary>
public sealed class ValidationFailedException(IReadOnlyList<FieldViolation> violations)
    : ExchangeException(ErrorReason.ValidationFailed,
        $"The request has {violations.Count} invalid field(s); see the field violations.")
{
    public override IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>The request_id was used before by this filer for a request with other content.</summary>
public sealed class RequestIdReusedException(string fieldPath)
    : ExchangeException(ErrorReason.RequestIdReused,
        "This request_id was already used for a request with different content; use a new request_id for a new request.")
{
    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation(fieldPath, "Already used by this filer for a request with different content.")];
}

/// <summary>A page token that is malformed or belongs to another query.</summary>
public sealed class InvalidPageTokenException()
    : ExchangeException(ErrorReason.InvalidPageToken,
        "The page_token is malformed or was issued for different filters.")
{
    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("page_token", "Malformed, or issued for different filters.")];
}

/// <summary>A watch cursor that is malformed.</summary>
public sealed class InvalidCursorException()
    : ExchangeException(ErrorReason.InvalidCursor, "The start_after_cursor is malformed.")
{
    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("start_after_cursor", "Not a cursor issued by this service.")];
}

/// <summary>No such declaration for this filer.</summary>
public sealed class DeclarationNotFoundException(string name)
    : ExchangeException(ErrorReason.DeclarationNotFound, $"Declaration '{name}' was not found.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name };
}

/// <summary>The declaration changed since the etag the caller sent.</summary>
public sealed class EtagMismatchException(string name)
    : ExchangeException(ErrorReason.EtagMismatch,
        $"'{name}' changed since that etag was issued; get it again and retry.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name };
}

/// <summary>The declaration's status does not allow the operation.</summary>
/// <remarks>
/// With <paramref name="fieldPath"/>, the request field that named the refused operation (e.g. a
/// disposition's `name`) is also listed as a field violation, so the caller sees which field to change.
/// </remarks>
public sealed class InvalidStateTransitionException(string name, DeclarationStatus current, string operation, string? fieldPath = null)
    : ExchangeException(ErrorReason.InvalidStateTransition,
        $"Declaration '{name}' is {DeclarationStatuses.Label(current)}; it cannot be {operation}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["status"] = DeclarationStatuses.Label(current) };

    public override IReadOnlyList<FieldViolation> Violations { get; } = fieldPath is null
        ? []
        : [new FieldViolation(fieldPath, $"The declaration is {DeclarationStatuses.Label(current)}; it cannot be {operation}.")];
}

/// <summary>The caller could not be identified.</summary>
public sealed class CallerUnauthenticatedException(string message)
    : ExchangeException(ErrorReason.CallerUnauthenticated, message);

/// <summary>The caller may not act for the filer the request names.</summary>
public sealed class FilerMismatchException(string fieldPath)
    : ExchangeException(ErrorReason.FilerMismatch,
        $"The {fieldPath} names another filer; a filer may only act on its own declarations.");

/// <summary>The node cannot serve the call now (e.g. it is shutting down); the caller retries elsewhere or later.</summary>
public sealed class NodeUnavailableException(string message) : ExchangeException(ErrorReason.Unavailable, message);

/// <summary>A per-stream limit was reached.</summary>
public sealed class StreamLimitExceededException(int limit, string what)
    : ExchangeException(ErrorReason.StreamLimitExceeded, $"At most {limit} {what} per stream; open a new stream.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["limit"] = limit.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}

/// <summary>A named resource (referral, programme, enrolment, subscription) that does not exist or that the caller may not see.</summary>
public sealed class ResourceNotFoundException(string name)
    : ExchangeException(ErrorReason.ResourceNotFound, $"'{name}' was not found.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["resource"] = name };
}

/// <summary>A resource with the client-assigned id exists already.</summary>
public sealed class AlreadyExistsException(string name)
    : ExchangeException(ErrorReason.AlreadyExists, $"'{name}' already exists.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["resource"] = name };
}

/// <summary>The caller's role (filer, officer, agency) may not call the method.</summary>
public sealed class RoleNotPermittedException(string requiredRole)
    : ExchangeException(ErrorReason.RoleNotPermitted, $"Only callers authenticated as {requiredRole} may call this method.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["role"] = requiredRole };
}

/// <summary>Release is blocked by an active agency hold or an unanswered referral.</summary>
public sealed class ReleaseBlockedException(string name, string blockedBy)
    : ExchangeException(ErrorReason.ReleaseBlocked, $"Declaration '{name}' cannot be released while {blockedBy} is unresolved.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["blocked_by"] = blockedBy };
}

/// <summary>The referral is not open, or the answer does not fit its type.</summary>
public sealed class ReferralNotOpenException(string name, string why)
    : ExchangeException(ErrorReason.ReferralNotOpen, $"Referral '{name}' cannot take this answer: {why}")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name };
}

/// <summary>The enrolment's state does not allow the change (e.g. reinstating a revoked enrolment).</summary>
public sealed class EnrolmentStateException(string name, Contracts.Enforcement.V1.EnrolmentState current, string operation)
    : ExchangeException(ErrorReason.InvalidStateTransition,
        $"Enrolment '{name}' is {current.ToString().ToUpperInvariant()}; it cannot be {operation}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["status"] = current.ToString().ToUpperInvariant() };
}

/// <summary>
/// The caller went over its rate limit. <see cref="RetryAfter"/> is how long to wait; the host sends
/// it as a google.rpc.RetryInfo.
/// </summary>
public sealed class RateLimitedException(string caller, double permitsPerSecond, TimeSpan retryAfter)
    : ExchangeException(ErrorReason.RateLimited,
        $"Too many requests from {caller}: the limit is {permitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture)} per second. Retry after the delay in RetryInfo.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>
    {
        ["caller"] = caller,
        ["limit"] = permitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };
}

/// <summary>The calling partner is not configured, or its data-sharing agreement does not allow what it asked.</summary>
public sealed class AgreementNotPermittedException(string partner, string what)
    : ExchangeException(ErrorReason.AgreementNotPermitted,
        $"The data-sharing agreement with {partner} does not allow {what}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string> { ["partner"] = partner };
}

/// <summary>A partner's message that cannot take effect here; retrying will not help.</summary>
public sealed class PartnerMessageRejectedException(string why)
    : ExchangeException(ErrorReason.PartnerMessageRejected, why);

/// <summary>The goods have arrived: amendment, cancellation and another arrival notification are possible only before.</summary>
public sealed class GoodsArrivedException(string name, Google.Protobuf.WellKnownTypes.Timestamp arriveTime, string operation)
    : ExchangeException(ErrorReason.GoodsArrived,
        $"The goods of declaration '{name}' arrived at {Timestamps.Rfc3339(arriveTime)}; it cannot be {operation} after arrival.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["arrive_time"] = Timestamps.Rfc3339(arriveTime) };
}

/// <summary>The goods have not arrived: presentation for control and control results come after arrival.</summary>
/// <remarks>With <paramref name="fieldPath"/>, that request field is also listed as a field violation.</remarks>
public sealed class GoodsNotArrivedException(string name, string operation, string? fieldPath = null)
    : ExchangeException(ErrorReason.GoodsNotArrived,
        $"The arrival of the goods of '{name}' has not been notified; they cannot be {operation} before arrival.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string> { ["name"] = name };

    public override IReadOnlyList<FieldViolation> Violations { get; } = fieldPath is null
        ? []
        : [new FieldViolation(fieldPath, $"The goods have not arrived; they cannot be {operation} before arrival.")];
}

/// <summary>Goods held after arrival must be presented for control before they are released or controlled.</summary>
public sealed class GoodsNotPresentedException(string name, string operation)
    : ExchangeException(ErrorReason.GoodsNotPresented,
        $"The goods of declaration '{name}' were held after arrival and have not been presented for control; they cannot be {operation} before.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string> { ["name"] = name };
}

/// <summary>A consignment's state does not allow the operation (e.g. amending an invalidated one).</summary>
public sealed class ConsignmentStateException(string name, ConsignmentState current, string operation)
    : ExchangeException(ErrorReason.InvalidStateTransition,
        $"Consignment '{name}' is {Label(current)}; it cannot be {operation}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["state"] = Label(current) };

    private static string Label(ConsignmentState state) => state switch
    {
        ConsignmentState.Open => "OPEN",
        ConsignmentState.Arrived => "ARRIVED",
        ConsignmentState.Invalidated => "INVALIDATED",
        _ => "UNSPECIFIED",
    };
}

/// <summary>Another open consignment has the master transport document.</summary>
public sealed class MasterDocumentTakenException(string document)
    : ExchangeException(ErrorReason.AlreadyExists,
        $"An open consignment was filed with master transport document {Validation.Echo.Quote(document)} already; invalidate it first.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["master_transport_document"] = document };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("consignment.master_transport_document", "Filed already by another open consignment.")];
}

/// <summary>
/// A referral's answer is not the kind its type takes (ICS2: an RFI is answered with an IE3R02,
/// an HRCM screening request with an IE3R03; a Do Not Load takes none). Carries every field
/// violation of the request, the mismatch among them.
/// </summary>
public sealed class ReferralAnswerMismatchException(IReadOnlyList<FieldViolation> violations)
    : ExchangeException(ErrorReason.ReferralAnswerMismatch,
        "The answer is not the kind the referral's type takes; see the field violations.")
{
    public override IReadOnlyList<FieldViolation> Violations { get; } = violations;
}

/// <summary>
/// An agency acted on a declaration it holds no active hold on (a request for information, a
/// decision). A refusal recorded already is <see cref="AgencyRefusedException"/>.
/// </summary>
public sealed class AgencyHoldRequiredException(string name, string agency, string operation)
    : ExchangeException(ErrorReason.AgencyHoldRequired,
        $"{agency} holds no active hold on declaration '{name}'; it cannot {operation}.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["agency"] = agency };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("declaration", $"{agency} holds no active hold on this declaration; place a hold first.")];
}

/// <summary>
/// The agency refused the goods already (its hold stays active for an officer): it can no longer
/// <paramref name="operation"/>; only MAY_PROCEED withdraws the refusal.
/// </summary>
public sealed class AgencyRefusedException(string name, string agency, string operation)
    : ExchangeException(ErrorReason.AgencyRefused,
        $"{agency} refused the goods of declaration '{name}' already; it cannot {operation}. Only a MAY_PROCEED decision withdraws the refusal.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["agency"] = agency };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("declaration", $"{agency} refused these goods already; only MAY_PROCEED can follow.")];
}

/// <summary>The agency request cannot take an answer: it is answered or closed already.</summary>
public sealed class AgencyRequestNotOpenException(string name, string state)
    : ExchangeException(ErrorReason.AgencyRequestNotOpen, $"Agency request '{name}' is {state}, not OPEN; it cannot be answered.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["state"] = state };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("name", $"The agency request is {state}, not OPEN.")];
}

/// <summary>The caller may see the duty assessment but is not its payer, so it cannot record a payment.</summary>
public sealed class PayerMismatchException(string name, string payer)
    : ExchangeException(ErrorReason.PayerMismatch,
        $"Only the payer of '{name}' ({payer}) records payments against it.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["payer"] = payer };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("name", $"The payer of this assessment is {payer}.")];
}

/// <summary>A payment above the balance of the assessment: refused, never rounded or kept as credit.</summary>
public sealed class PaymentExceedsBalanceException(string name, string balance, string amount)
    : ExchangeException(ErrorReason.PaymentExceedsBalance,
        $"The payment of {amount} is more than the balance of '{name}', {balance}; nothing was recorded.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name, ["balance"] = balance };

    public override IReadOnlyList<FieldViolation> Violations { get; } =
        [new FieldViolation("amount", $"Must be at most the balance, {balance}; got {amount}.")];
}

/// <summary>The declaration has no duty assessment yet (its goods have not arrived with an estimate).</summary>
public sealed class NotAssessedException(string name)
    : ExchangeException(ErrorReason.NotAssessed,
        $"'{name}' is not assessed yet: the duty assessment is made when the goods arrive with an estimate of their duties and taxes.")
{
    public override IReadOnlyDictionary<string, string> Metadata { get; } =
        new Dictionary<string, string> { ["name"] = name };
}

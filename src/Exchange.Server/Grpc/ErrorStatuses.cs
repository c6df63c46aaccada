using System.Diagnostics;
using System.Globalization;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Errors;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using Status = Google.Rpc.Status;

namespace Exchange.Server.Grpc;

/// <summary>
/// The one place that turns refusals into the contract's error model: a google.rpc.Status with
/// one ErrorInfo (stable reason, domain), for field problems one BadRequest listing every
/// violation by path, and for FAILED_PRECONDITION one PreconditionFailure naming the resource.
/// </summary>
public static class ErrorStatuses
{
    public const string Domain = "exchange.ecommerce-customs.org";

    public static Status From(ExchangeException refusal)
    {
        var info = new ErrorInfo { Reason = ReasonName(refusal.Reason), Domain = Domain };
        foreach (var (key, value) in refusal.Metadata)
        {
            info.Metadata[key] = value;
        }
        var omitted = 0;
        var badRequest = refusal.Violations.Count > 0 ? BoundedBadRequest(refusal.Violations, out omitted) : null;
        if (omitted > 0)
        {
            info.Metadata["omitted_violations"] = omitted.ToString(CultureInfo.InvariantCulture);
        }
        var status = new Status
        {
            Code = (int)CodeOf(refusal.Reason),
            Message = refusal.Message,
            Details = { Any.Pack(info) }, // packing encodes: info is complete by now
        };
        if (badRequest is not null)
        {
            status.Details.Add(Any.Pack(badRequest));
        }
        if (status.Code == (int)Code.FailedPrecondition)
        {
            // AIP-193: what precondition failed, on which resource (the name in the metadata).
            status.Details.Add(Any.Pack(new PreconditionFailure
            {
                Violations =
                {
                    new PreconditionFailure.Types.Violation
                    {
                        Type = info.Reason,
                        Subject = refusal.Metadata.TryGetValue("name", out var subject) ? subject : "",
                        Description = refusal.Message,
                    },
                },
            }));
        }
        if (refusal is RateLimitedException limited)
        {
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(limited.RetryAfter) }));
        }
        return status;
    }

    /// <summary>
    /// Encoded bytes of field violations one BadRequest carries at most. The whole status travels
    /// base64-encoded in the grpc-status-details-bin trailer, and gRPC clients refuse trailers
    /// past their header-list limit (8 KiB in grpc-core and grpc-java, 16 KiB in others; the .NET
    /// client then reports UNAVAILABLE): 2 KiB of violations keeps the trailer near 3 KiB.
    /// </summary>
    public const int MaxViolationBytes = 2048;

    /// <summary>Characters of a violation's path or description kept; longer text is cut, ending in "...".</summary>
    public const int MaxViolationTextLength = 200;

    /// <summary>
    /// The violations in the order found (by path: the validator walks the request in field
    /// order), as many as fit in <see cref="MaxViolationBytes"/>, always at least one; the number
    /// left out is returned for ErrorInfo.metadata["omitted_violations"].
    /// </summary>
    private static BadRequest BoundedBadRequest(IReadOnlyList<Core.Validation.FieldViolation> violations, out int omitted)
    {
        var badRequest = new BadRequest();
        var bytes = 0;
        foreach (var violation in violations)
        {
            var fieldViolation = new BadRequest.Types.FieldViolation
            {
                Field = Cut(violation.Field),
                Description = Cut(violation.Description),
            };
            // The size of the repeated field entry: tag, length prefix, message.
            var entryBytes = 1 + CodedOutputStream.ComputeLengthSize(fieldViolation.CalculateSize()) + fieldViolation.CalculateSize();
            if (badRequest.FieldViolations.Count > 0 && bytes + entryBytes > MaxViolationBytes)
            {
                break;
            }
            badRequest.FieldViolations.Add(fieldViolation);
            bytes += entryBytes;
        }
        omitted = violations.Count - badRequest.FieldViolations.Count;
        return badRequest;

        static string Cut(string text) => text.Length <= MaxViolationTextLength ? text : string.Concat(text.AsSpan(0, MaxViolationTextLength - 3), "...");
    }

    /// <summary>
    /// The status a failed call answers with, in one place for the error interceptor (which
    /// sends it) and the audit interceptor (which records it): a refusal's own status; a store
    /// that is briefly unreachable is UNAVAILABLE (worth a retry, unlike a fault); anything else
    /// unexpected is a bare INTERNAL. Null for an RpcException or a cancellation, which gRPC
    /// reports by itself.
    /// </summary>
    public static Status? ForFailure(Exception error, bool callCancelled) => error switch
    {
        ExchangeException refusal => From(refusal),
        RpcException => null,
        OperationCanceledException when callCancelled => null,
        System.Data.Common.DbException { IsTransient: true } => From(new NodeUnavailableException(
            "The node cannot reach its store right now; retry with backoff and the same request_id.")),
        _ => Internal(),
    };

    /// <summary>An unexpected fault: no detail leaves the node, only a trace id to find the log entry.</summary>
    public static Status Internal()
    {
        var info = new ErrorInfo { Reason = ReasonName(ErrorReason.Internal), Domain = Domain };
        info.Metadata.Add("trace_id", Activity.Current?.TraceId.ToString() ?? "");
        return new Status
        {
            Code = (int)Code.Internal,
            // The outcome is unknown (a commit may have reached the store before the fault):
            // only a retry with the same request_id is safe, and it gets the first answer if any.
            Message = "The node hit an unexpected fault; it has been logged. The outcome is unknown: retry with the same request_id.",
            Details = { Any.Pack(info) },
        };
    }

    public static Code CodeOf(ErrorReason reason) => reason switch
    {
        ErrorReason.ValidationFailed or ErrorReason.RequestIdReused
            or ErrorReason.InvalidPageToken or ErrorReason.InvalidCursor or ErrorReason.ReferralAnswerMismatch => Code.InvalidArgument,
        ErrorReason.DeclarationNotFound or ErrorReason.ResourceNotFound => Code.NotFound,
        ErrorReason.AlreadyExists => Code.AlreadyExists,
        ErrorReason.RoleNotPermitted => Code.PermissionDenied,
        ErrorReason.ReleaseBlocked or ErrorReason.ReferralNotOpen
            or ErrorReason.AgencyHoldRequired or ErrorReason.AgencyRefused or ErrorReason.AgencyRequestNotOpen => Code.FailedPrecondition,
        ErrorReason.EtagMismatch => Code.Aborted,
        ErrorReason.InvalidStateTransition or ErrorReason.GoodsArrived
            or ErrorReason.GoodsNotArrived or ErrorReason.GoodsNotPresented => Code.FailedPrecondition,
        ErrorReason.CallerUnauthenticated => Code.Unauthenticated,
        ErrorReason.FilerMismatch or ErrorReason.AgreementNotPermitted => Code.PermissionDenied,
        ErrorReason.RateLimited => Code.ResourceExhausted,
        ErrorReason.PartnerMessageRejected => Code.FailedPrecondition,
        ErrorReason.StreamLimitExceeded => Code.ResourceExhausted,
        ErrorReason.Unavailable => Code.Unavailable,
        ErrorReason.MalformedMessage => Code.InvalidArgument,
        ErrorReason.MessageTooLarge => Code.ResourceExhausted,
        ErrorReason.UnsupportedEncoding => Code.Unimplemented,
        ErrorReason.PayerMismatch => Code.PermissionDenied,
        ErrorReason.PaymentExceedsBalance or ErrorReason.NotAssessed => Code.FailedPrecondition,
        _ => Code.Internal,
    };

    /// <summary>The contract spells reasons as the enum value name without its prefix, e.g. VALIDATION_FAILED.</summary>
    public static string ReasonName(ErrorReason reason) =>
        ErrorReasonReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.EnumDescriptor>("ErrorReason")
            .FindValueByNumber((int)reason).Name["ERROR_REASON_".Length..];
}

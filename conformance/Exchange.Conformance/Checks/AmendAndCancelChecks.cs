using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>AmendDeclaration and CancelDeclaration: optimistic concurrency (AIP-154 etags) and the life cycle.</summary>
internal static class AmendAndCancelChecks
{
    private const string Area = "Amend and Cancel";
    private const string NewDescription = "Hand-knitted merino wool scarf";

    public static IEnumerable<Check> All =>
    [
        new("amend.current-etag", Area, "Amend with the current etag replaces the content: a later revision, a new etag, same name and customs reference", CurrentEtagAsync),
        new("amend.stale-etag", Area, "Amend with a stale etag is ABORTED ETAG_MISMATCH", StaleEtagAsync),
        new("amend.idempotent-retry", Area, "A retried amendment with the same request_id returns the first answer and amends once", AmendIdempotentRetryAsync),
        new("amend.validates", Area, "An invalid amendment is INVALID_ARGUMENT VALIDATION_FAILED and changes nothing", ValidatesAsync),
        new("amend.other-filer-denied", Area, "Another filer cannot amend a declaration: PERMISSION_DENIED FILER_MISMATCH", AmendOtherFilerDeniedAsync),
        new("amend.after-cancel", Area, "Amend after Cancel is FAILED_PRECONDITION INVALID_STATE_TRANSITION with the current status", AmendAfterCancelAsync),
        new("cancel.cancels", Area, "Cancel with the current etag makes the declaration CANCELLED with the next revision, its clearance WITHDRAWN", CancelsAsync),
        new("cancel.stale-etag", Area, "Cancel with a stale etag is ABORTED ETAG_MISMATCH", CancelStaleEtagAsync),
        new("cancel.unknown-not-found", Area, "Cancel of an unknown declaration is NOT_FOUND DECLARATION_NOT_FOUND", CancelUnknownAsync),
        new("cancel.after-cancel", Area, "Cancel after Cancel is FAILED_PRECONDITION INVALID_STATE_TRANSITION", CancelAfterCancelAsync),
    ];

    private static AmendDeclarationRequest Amendment(Declaration basis, string etag, Action<Declaration> change)
    {
        var amended = basis.Clone();
        change(amended);
        return new AmendDeclarationRequest { Declaration = amended, Etag = etag };
    }

    private static Task<GetDeclarationResponse> GetAsync(CheckContext context, Declaration declaration) =>
        Expect.SucceedsAsync("GetDeclaration", () => context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name }).ResponseAsync);

    private static async Task CurrentEtagAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();

        var response = await Expect.SucceedsAsync("AmendDeclaration with the current etag", () => context.Client.AmendDeclarationAsync(
            Amendment(original, original.Etag, d => d.Items[0].Description = NewDescription)).ResponseAsync);

        var amended = response.Declaration;
        Expect.That(amended is not null, "AmendDeclarationResponse has no declaration");
        // The next revision, or one more when the node analyses the amendment again at once.
        Expect.That(amended!.Revision > original.Revision, $"revision after one amendment should exceed {original.Revision}; got {amended.Revision}");
        Expect.NotEmpty(amended.Etag, "etag after the amendment");
        Expect.That(amended.Etag != original.Etag, $"the etag did not change ({amended.Etag})");
        Expect.Equal(NewDescription, amended.Items[0].Description, "items[0].description after the amendment");
        Expect.Equal(original.Name, amended.Name, "name after the amendment");
        Expect.Equal(original.CustomsReference, amended.CustomsReference, "customs_reference after the amendment");
        Expect.Equal(original.CreateTime, amended.CreateTime, "create_time after the amendment");
        Expect.BeforeArrival(amended.Status, "status after the amendment");
        Expect.SameDeclaration(amended, (await GetAsync(context, original)).Declaration, "the declaration Get returns after the amendment");
    }

    private static async Task StaleEtagAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        await context.AmendAsync(original, d => d.Remarks = "first amendment");

        await Expect.FailsAsync("AmendDeclaration with the etag of revision 1 of a revision-2 declaration", StatusCode.Aborted, "ETAG_MISMATCH",
            () => context.Client.AmendDeclarationAsync(Amendment(original, original.Etag, d => d.Remarks = "second amendment")).ResponseAsync);
    }

    private static async Task AmendIdempotentRetryAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var request = Amendment(original, original.Etag, d => d.Remarks = "Amended once");
        request.RequestId = CheckContext.NewRequestId();

        var first = await Expect.SucceedsAsync("AmendDeclaration with a request_id", () => context.Client.AmendDeclarationAsync(request).ResponseAsync);
        var retry = await Expect.SucceedsAsync("the identical retry of AmendDeclaration (its etag is stale by now)",
            () => context.Client.AmendDeclarationAsync(request).ResponseAsync);

        Expect.SameDeclaration(first.Declaration, retry.Declaration, "the retry's declaration");
        Expect.Equal(first.Declaration.Revision, (await GetAsync(context, original)).Declaration.Revision, "revision after an amendment and its retry");
    }

    private static async Task ValidatesAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();

        var status = await Expect.FailsAsync("AmendDeclaration with hs_code \"12\"", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.AmendDeclarationAsync(Amendment(original, original.Etag, d => d.Items[0].HsCode = "12")).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "declaration.items[0].hs_code");
        Expect.SameDeclaration(original, (await GetAsync(context, original)).Declaration, "the declaration after the refused amendment");
    }

    private static async Task AmendOtherFilerDeniedAsync(CheckContext context)
    {
        var mine = await context.SubmitAsync();

        await Expect.FailsAsync($"AmendDeclaration by {context.OtherFiler} of {mine.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherClient.AmendDeclarationAsync(Amendment(mine, mine.Etag, d => d.Remarks = "not mine")).ResponseAsync);
    }

    private static async Task CancelsAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();

        var response = await Expect.SucceedsAsync("CancelDeclaration with the current etag", () => context.Client.CancelDeclarationAsync(
            new CancelDeclarationRequest { Name = original.Name, Etag = original.Etag, Reason = "Order cancelled by the buyer" }).ResponseAsync);

        var cancelled = response.Declaration;
        Expect.That(cancelled is not null, "CancelDeclarationResponse has no declaration");
        Expect.Equal(DeclarationStatus.Cancelled, cancelled!.Status, "status after the cancellation");
        Expect.Equal(original.Revision + 1, cancelled.Revision, "revision after the cancellation");
        Expect.Equal(ClearanceState.Withdrawn, cancelled.Clearance?.State ?? ClearanceState.Unspecified, "clearance.state after the cancellation");
        Expect.Equal(SecurityAssessmentState.Invalidated, cancelled.SecurityAssessment?.State ?? SecurityAssessmentState.Unspecified,
            "security_assessment.state after the cancellation");
        Expect.That(cancelled.Etag != original.Etag, "the etag did not change");
        Expect.Equal(DeclarationStatus.Cancelled, (await GetAsync(context, original)).Declaration.Status, "status Get returns after the cancellation");
    }

    private static async Task CancelStaleEtagAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        await context.AmendAsync(original, d => d.Remarks = "amended");

        await Expect.FailsAsync("CancelDeclaration with the etag of revision 1 of a revision-2 declaration", StatusCode.Aborted, "ETAG_MISMATCH",
            () => context.Client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = original.Name, Etag = original.Etag, Reason = "stale" }).ResponseAsync);
    }

    private static async Task CancelUnknownAsync(CheckContext context)
    {
        var name = $"{context.Parent}/declarations/{Guid.NewGuid():N}";

        await Expect.FailsAsync($"CancelDeclaration of {name}", StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            () => context.Client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = name, Etag = "any", Reason = "unknown" }).ResponseAsync);
    }

    private static async Task AmendAfterCancelAsync(CheckContext context)
    {
        var cancelled = await context.CancelAsync(await context.SubmitAsync());

        var status = await Expect.FailsAsync("AmendDeclaration of a CANCELLED declaration", StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => context.Client.AmendDeclarationAsync(Amendment(cancelled, cancelled.Etag, d => d.Remarks = "too late")).ResponseAsync);

        // error_reason.proto: ErrorInfo.metadata["status"] gives the current status.
        var metadata = status.GetDetail<ErrorInfo>()!.Metadata;
        Expect.That(metadata.TryGetValue("status", out var current) && current.EndsWith("CANCELLED", StringComparison.Ordinal),
            $"ErrorInfo.metadata[\"status\"] should give the current status CANCELLED; got {RpcErrorText.Show(current)}");
    }

    private static async Task CancelAfterCancelAsync(CheckContext context)
    {
        var cancelled = await context.CancelAsync(await context.SubmitAsync());

        await Expect.FailsAsync("CancelDeclaration of a CANCELLED declaration", StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => context.Client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = cancelled.Name, Etag = cancelled.Etag, Reason = "again" }).ResponseAsync);
    }
}

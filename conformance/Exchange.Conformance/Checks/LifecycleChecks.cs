using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Conformance.Checks;

/// <summary>
/// The two lifecycles (lifecycle.proto, beta): the security assessment and the clearance reported
/// beside the status, amendment and cancellation until arrival, NotifyArrival, what arrival
/// ends, and NotifyPresentation of arrived goods for control. A conforming node may decide at once or later, so each check accepts both: a declaration
/// still ACCEPTED (a node with an assessment delay) or one already decided.
/// </summary>
internal static class LifecycleChecks
{
    private const string Area = "Lifecycle";

    public static IEnumerable<Check> All =>
    [
        new("lifecycle.states-follow-status", Area, "Submit reports the security assessment and the clearance (LODGED), consistent with the status", StatesFollowStatusAsync),
        new("lifecycle.amend-until-arrival", Area, "A declaration, assessed or not, can be amended before arrival; an ASSESSED one is analysed again", AmendUntilArrivalAsync),
        new("lifecycle.cancel-until-arrival", Area, "A declaration, assessed or not, can be cancelled before arrival: CANCELLED, clearance WITHDRAWN", CancelUntilArrivalAsync),
        new("lifecycle.arrival-recorded", Area, "NotifyArrival records the arrival; goods whose assessment is complete are released at once", ArrivalRecordedAsync),
        new("lifecycle.arrival-idempotent", Area, "A retried NotifyArrival with the same request_id returns the first answer", ArrivalIdempotentAsync),
        new("lifecycle.second-arrival-refused", Area, "A second NotifyArrival is FAILED_PRECONDITION GOODS_ARRIVED and changes nothing", SecondArrivalRefusedAsync),
        new("lifecycle.amend-after-arrival-refused", Area, "Amend after arrival is FAILED_PRECONDITION and changes nothing", AmendAfterArrivalRefusedAsync),
        new("lifecycle.cancel-after-arrival-refused", Area, "Cancel after arrival is FAILED_PRECONDITION and changes nothing", CancelAfterArrivalRefusedAsync),
        new("lifecycle.arrival-validates", Area, "NotifyArrival with a future time and a malformed office is INVALID_ARGUMENT naming both fields", ArrivalValidatesAsync),
        new("lifecycle.arrival-of-cancelled-refused", Area, "NotifyArrival of a CANCELLED declaration is FAILED_PRECONDITION INVALID_STATE_TRANSITION", ArrivalOfCancelledRefusedAsync),
        new("lifecycle.arrival-other-filer-denied", Area, "Another filer cannot notify arrival: PERMISSION_DENIED FILER_MISMATCH", ArrivalOtherFilerDeniedAsync),
        new("lifecycle.arrival-unknown-not-found", Area, "NotifyArrival of an unknown declaration is NOT_FOUND DECLARATION_NOT_FOUND", ArrivalUnknownAsync),
        new("lifecycle.presentation-before-arrival-refused", Area, "NotifyPresentation before arrival is FAILED_PRECONDITION GOODS_NOT_ARRIVED and changes nothing", PresentationBeforeArrivalRefusedAsync),
        new("lifecycle.presentation-after-arrival", Area, "Arrived goods not released are presented (clearance PRESENTED, a PRESENTED event) and a repeat changes nothing; released ones are INVALID_STATE_TRANSITION", PresentationAfterArrivalAsync),
        new("lifecycle.presentation-other-filer-denied", Area, "Another filer cannot notify presentation: PERMISSION_DENIED FILER_MISMATCH", PresentationOtherFilerDeniedAsync),
    ];

    private static NotifyArrivalRequest Arrival(Declaration declaration, string? requestId = null) => new()
    {
        Name = declaration.Name,
        ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-2)),
        ArrivalOffice = "DE004851",
        ConveyanceReference = "CA931",
        RequestId = requestId ?? "",
    };

    private static Task<Declaration> GetAsync(CheckContext context, Declaration declaration, string what = "GetDeclaration") =>
        CheckContext.SetupAsync(what, async () =>
            (await context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name })).Declaration);

    private static Task<Declaration> ArriveAsync(CheckContext context, Declaration declaration) =>
        CheckContext.SetupAsync("NotifyArrival", async () => (await context.Client.NotifyArrivalAsync(Arrival(declaration))).Declaration);

    private static NotifyPresentationRequest Presentation(Declaration declaration) => new() { Name = declaration.Name };

    private static SecurityAssessmentState SecurityOf(Declaration declaration) =>
        declaration.SecurityAssessment?.State ?? SecurityAssessmentState.Unspecified;

    private static ClearanceState ClearanceOf(Declaration declaration) => declaration.Clearance?.State ?? ClearanceState.Unspecified;

    /// <summary>The security assessment a status allows (lifecycle.proto): registered while accepted, complete once assessed.</summary>
    private static void ExpectConsistent(Declaration declaration, string what)
    {
        var security = SecurityOf(declaration);
        switch (declaration.Status)
        {
            case DeclarationStatus.Accepted or DeclarationStatus.UnderReview:
                Expect.Equal(SecurityAssessmentState.Registered, security, $"{what}: security_assessment.state while {RpcErrorText.ProtoName(declaration.Status)}");
                break;
            case DeclarationStatus.Assessed:
                Expect.Equal(SecurityAssessmentState.Complete, security, $"{what}: security_assessment.state while ASSESSED");
                Expect.That(declaration.SecurityAssessment!.CompleteTime is not null, $"{what}: security_assessment.complete_time is not set while ASSESSED");
                break;
            case DeclarationStatus.Held:
                Expect.That(security is SecurityAssessmentState.Referred or SecurityAssessmentState.DoNotLoad or SecurityAssessmentState.Complete,
                    $"{what}: security_assessment.state while HELD should be REFERRED, DO_NOT_LOAD or COMPLETE; got {RpcErrorText.ProtoName(security)}");
                break;
        }
    }

    private static async Task StatesFollowStatusAsync(CheckContext context)
    {
        var response = await Expect.SucceedsAsync("SubmitDeclaration of a valid postal gift",
            () => context.Client.SubmitDeclarationAsync(context.SubmitRequest()).ResponseAsync);

        var declaration = response.Declaration;
        Expect.NewlyAccepted(declaration, context.Filer, "the accepted declaration");
        Expect.Equal(ClearanceState.Lodged, ClearanceOf(declaration), "clearance.state before arrival");
        Expect.That(declaration.Clearance.ArriveTime is null, "clearance.arrive_time is set before any arrival");
        ExpectConsistent(declaration, "the accepted declaration");
        ExpectConsistent(await GetAsync(context, declaration), "the declaration Get returns");
    }

    private static async Task AmendUntilArrivalAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var amended = original.Clone();
        amended.Remarks = "Amended after the assessment by the conformance kit";

        var response = await Expect.SucceedsAsync($"AmendDeclaration of a {RpcErrorText.ProtoName(original.Status)} declaration",
            () => context.Client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = original.Etag }).ResponseAsync);

        var after = response.Declaration;
        Expect.Equal(amended.Remarks, after.Remarks, "remarks after the amendment");
        Expect.BeforeArrival(after.Status, "status after the amendment");
        ExpectConsistent(after, "the amended declaration");
        if (original.Status == DeclarationStatus.Assessed && after.Status == DeclarationStatus.Assessed)
        {
            // Assessed again at once: a new analysis, so a new completion time.
            Expect.That(after.SecurityAssessment.CompleteTime.ToDateTimeOffset() > original.SecurityAssessment.CompleteTime.ToDateTimeOffset(),
                "an ASSESSED declaration amended and ASSESSED again should show the new analysis's security_assessment.complete_time");
        }
        context.Note = $"amended while {RpcErrorText.ProtoName(original.Status)}, then {RpcErrorText.ProtoName(after.Status)}";
    }

    private static async Task CancelUntilArrivalAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();

        var response = await Expect.SucceedsAsync($"CancelDeclaration of a {RpcErrorText.ProtoName(original.Status)} declaration",
            () => context.Client.CancelDeclarationAsync(new CancelDeclarationRequest
            {
                Name = original.Name, Etag = original.Etag, Reason = "Order cancelled after the assessment",
            }).ResponseAsync);

        Expect.Equal(DeclarationStatus.Cancelled, response.Declaration.Status, "status after the cancellation");
        Expect.Equal(ClearanceState.Withdrawn, ClearanceOf(response.Declaration), "clearance.state after the cancellation");
        context.Note = $"cancelled while {RpcErrorText.ProtoName(original.Status)}";
    }

    private static async Task ArrivalRecordedAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var before = await GetAsync(context, original);
        var request = Arrival(before);

        var response = await Expect.SucceedsAsync("NotifyArrival", () => context.Client.NotifyArrivalAsync(request).ResponseAsync);

        var arrived = response.Declaration;
        Expect.That(arrived.Clearance is not null, "the declaration after NotifyArrival has no clearance");
        Expect.Equal(request.ArriveTime, arrived.Clearance!.ArriveTime, "clearance.arrive_time");
        Expect.Equal(request.ArrivalOffice, arrived.Clearance.ArrivalOffice, "clearance.arrival_office");
        Expect.Equal(request.ConveyanceReference, arrived.Clearance.ArrivalConveyanceReference, "clearance.arrival_conveyance_reference");
        Expect.That(arrived.Revision > before.Revision, $"revision after the arrival should exceed {before.Revision}; got {arrived.Revision}");
        if (before.Status == DeclarationStatus.Assessed && before.AgencyHolds.All(h => h.LiftTime is not null))
        {
            Expect.Equal(DeclarationStatus.Released, arrived.Status, "status of an ASSESSED declaration after arrival");
            Expect.Equal(ClearanceState.Released, arrived.Clearance.State, "clearance.state of an ASSESSED declaration after arrival");
            Expect.That(arrived.Clearance.ReleaseTime is not null, "clearance.release_time is not set after the release");
        }
        else
        {
            Expect.Equal(before.Status, arrived.Status, $"status of a {RpcErrorText.ProtoName(before.Status)} declaration after arrival");
            Expect.Equal(ClearanceState.Arrived, arrived.Clearance.State, "clearance.state after arrival, not yet released");
        }
        Expect.SameDeclaration(arrived, await GetAsync(context, original), "the declaration Get returns after the arrival");
        context.Note = $"{RpcErrorText.ProtoName(before.Status)} before arrival, {RpcErrorText.ProtoName(arrived.Status)} after";
    }

    private static async Task ArrivalIdempotentAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var request = Arrival(original, CheckContext.NewRequestId());

        var first = await Expect.SucceedsAsync("NotifyArrival with a request_id", () => context.Client.NotifyArrivalAsync(request).ResponseAsync);
        var retry = await Expect.SucceedsAsync("the identical retry of NotifyArrival", () => context.Client.NotifyArrivalAsync(request).ResponseAsync);

        Expect.SameDeclaration(first.Declaration, retry.Declaration, "the retry's declaration");
    }

    private static async Task SecondArrivalRefusedAsync(CheckContext context)
    {
        var arrived = await ArriveAsync(context, await context.SubmitAsync());

        var status = await Expect.FailsAsync("a second NotifyArrival", StatusCode.FailedPrecondition, "GOODS_ARRIVED",
            () => context.Client.NotifyArrivalAsync(Arrival(arrived)).ResponseAsync);

        var metadata = status.GetDetail<ErrorInfo>()!.Metadata;
        Expect.That(metadata.TryGetValue("arrive_time", out var recorded) && recorded.Length > 0,
            "ErrorInfo.metadata[\"arrive_time\"] should give the recorded arrival");
        Expect.SameDeclaration(arrived, await GetAsync(context, arrived), "the declaration after the refused notification");
    }

    private static async Task AmendAfterArrivalRefusedAsync(CheckContext context)
    {
        var arrived = await ArriveAsync(context, await context.SubmitAsync());
        var amended = arrived.Clone();
        amended.Remarks = "too late";

        // GOODS_ARRIVED, or INVALID_STATE_TRANSITION when the arrival released the goods (final).
        var reason = arrived.Status == DeclarationStatus.Released ? "INVALID_STATE_TRANSITION" : "GOODS_ARRIVED";
        await Expect.FailsAsync($"AmendDeclaration after arrival ({RpcErrorText.ProtoName(arrived.Status)})", StatusCode.FailedPrecondition, reason,
            () => context.Client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = arrived.Etag }).ResponseAsync);
        Expect.SameDeclaration(arrived, await GetAsync(context, arrived), "the declaration after the refused amendment");
    }

    private static async Task CancelAfterArrivalRefusedAsync(CheckContext context)
    {
        var arrived = await ArriveAsync(context, await context.SubmitAsync());

        var reason = arrived.Status == DeclarationStatus.Released ? "INVALID_STATE_TRANSITION" : "GOODS_ARRIVED";
        await Expect.FailsAsync($"CancelDeclaration after arrival ({RpcErrorText.ProtoName(arrived.Status)})", StatusCode.FailedPrecondition, reason,
            () => context.Client.CancelDeclarationAsync(new CancelDeclarationRequest
            {
                Name = arrived.Name, Etag = arrived.Etag, Reason = "too late",
            }).ResponseAsync);
        Expect.SameDeclaration(arrived, await GetAsync(context, arrived), "the declaration after the refused cancellation");
    }

    private static async Task ArrivalValidatesAsync(CheckContext context)
    {
        var original = await context.SubmitAsync();
        var request = Arrival(original);
        request.ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(2));
        request.ArrivalOffice = "de-1";

        var status = await Expect.FailsAsync("NotifyArrival two days ahead at office \"de-1\"", StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Client.NotifyArrivalAsync(request).ResponseAsync);

        Expect.NamesFields(status, "the refusal", "arrive_time", "arrival_office");
        Expect.SameDeclaration(original, await GetAsync(context, original), "the declaration after the refused notification");
    }

    private static async Task ArrivalOfCancelledRefusedAsync(CheckContext context)
    {
        var cancelled = await context.CancelAsync(await context.SubmitAsync());

        await Expect.FailsAsync("NotifyArrival of a CANCELLED declaration", StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => context.Client.NotifyArrivalAsync(Arrival(cancelled)).ResponseAsync);
    }

    private static async Task ArrivalOtherFilerDeniedAsync(CheckContext context)
    {
        var mine = await context.SubmitAsync();

        await Expect.FailsAsync($"NotifyArrival by {context.OtherFiler} of {mine.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherClient.NotifyArrivalAsync(Arrival(mine)).ResponseAsync);
        Expect.SameDeclaration(mine, await GetAsync(context, mine), "the declaration after the refused notification");
    }

    private static async Task ArrivalUnknownAsync(CheckContext context)
    {
        var unknown = new Declaration { Name = $"{context.Parent}/declarations/{Guid.NewGuid():N}" };

        await Expect.FailsAsync($"NotifyArrival of {unknown.Name}", StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            () => context.Client.NotifyArrivalAsync(Arrival(unknown)).ResponseAsync);
    }

    private static async Task PresentationBeforeArrivalRefusedAsync(CheckContext context)
    {
        var before = await GetAsync(context, await context.SubmitAsync());

        await Expect.FailsAsync($"NotifyPresentation before arrival ({RpcErrorText.ProtoName(before.Status)})", StatusCode.FailedPrecondition, "GOODS_NOT_ARRIVED",
            () => context.Client.NotifyPresentationAsync(Presentation(before)).ResponseAsync);
        Expect.SameDeclaration(before, await GetAsync(context, before), "the declaration after the refused presentation");
    }

    private static async Task PresentationAfterArrivalAsync(CheckContext context)
    {
        var arrived = await ArriveAsync(context, await context.SubmitAsync());
        if (arrived.Status == DeclarationStatus.Released)
        {
            // Released on arrival: nothing to present (declaration_service.proto, NotifyPresentation).
            await Expect.FailsAsync("NotifyPresentation of goods released on arrival", StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
                () => context.Client.NotifyPresentationAsync(Presentation(arrived)).ResponseAsync);
            Expect.SameDeclaration(arrived, await GetAsync(context, arrived), "the declaration after the refused presentation");
            context.Note = "released on arrival, so nothing to present";
            return;
        }

        var response = await Expect.SucceedsAsync($"NotifyPresentation of arrived goods ({RpcErrorText.ProtoName(arrived.Status)}, not released)",
            () => context.Client.NotifyPresentationAsync(Presentation(arrived)).ResponseAsync);

        var presented = response.Declaration;
        Expect.That(presented?.Clearance is not null, "the declaration after NotifyPresentation has no clearance");
        Expect.Equal(ClearanceState.Presented, presented!.Clearance.State, "clearance.state after the presentation");
        Expect.That(presented.Clearance.PresentationTime is not null, "clearance.presentation_time is not set after the presentation");
        Expect.Equal(arrived.Clearance.ArriveTime, presented.Clearance.ArriveTime, "clearance.arrive_time after the presentation");
        Expect.That(presented.Revision > arrived.Revision, $"revision after the presentation should exceed {arrived.Revision}; got {presented.Revision}");
        // The same; or, on a node that decides later, decided meanwhile with the presentation as it was.
        Expect.SamePresentation(presented, await GetAsync(context, arrived), "the declaration Get returns after the presentation");
        var repeat = await Expect.SucceedsAsync("the same NotifyPresentation again",
            () => context.Client.NotifyPresentationAsync(Presentation(arrived)).ResponseAsync);
        // Unchanged; or, on a node that decides later, decided meanwhile with the presentation as it was.
        var meanwhile = Expect.SamePresentation(presented, repeat.Declaration, "the declaration the repeated presentation returns");

        using var call = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = context.Parent, IncludeHistory = true, Declaration = arrived.Name,
        });
        var events = await EventStreams.ReadUntilAsync(context, call, read => read.Any(e => e.Type == DeclarationEventType.Presented),
            $"the history of {arrived.Name}");
        var @event = events.First(e => e.Type == DeclarationEventType.Presented);
        Expect.Equal(presented.Revision, @event.Revision, "the revision of the PRESENTED event");
        Expect.Equal(ClearanceState.Presented, @event.ClearanceState, "the clearance_state of the PRESENTED event");
        context.Note = $"{RpcErrorText.ProtoName(arrived.Status)} after arrival, then presented" + (meanwhile is null ? "" : $"; {meanwhile}");
    }

    private static async Task PresentationOtherFilerDeniedAsync(CheckContext context)
    {
        var arrived = await ArriveAsync(context, await context.SubmitAsync());

        await Expect.FailsAsync($"NotifyPresentation by {context.OtherFiler} of {arrived.Name}", StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => context.OtherClient.NotifyPresentationAsync(Presentation(arrived)).ResponseAsync);
        Expect.SameDeclaration(arrived, await GetAsync(context, arrived), "the declaration after the refused presentation");
    }
}

using Exchange.Conformance.Assertions;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Samples;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Grpc.Core;
using GetDeclarationRequest = Exchange.Contracts.Declaration.V1.GetDeclarationRequest;
using OfficerGetDeclarationRequest = Exchange.Contracts.Enforcement.V1.GetDeclarationRequest;

namespace Exchange.Conformance.Checks;

/// <summary>
/// Disposition after a hold (disposition.proto, EnforcementService.RecordDisposition, beta): an
/// officer (--officer) records what became of held goods, on a legal basis, and the filer reads it
/// on its declaration and its watch. Only the risk analysis holds goods, and no filer call can make
/// a node hold them: the kit files an undervalued sale (20 earbuds for EUR 39.98), which a node
/// holding on undervaluation holds; where the node does not, the check proves the refusal of a
/// disposition of goods not held instead, and its note says so.
/// </summary>
internal static class DispositionChecks
{
    private const string Area = "Disposition";

    public static IEnumerable<Check> All =>
    [
        new("disposition.returns-held-goods", Area, "An officer returns held, arrived goods to the sender on a legal basis: RETURNED_TO_SENDER, which the filer reads on Get and as a DISPOSED event", ReturnsHeldGoodsAsync),
        new("disposition.requires-legal-basis", Area, "A return to sender without a legal basis or a return item is INVALID_ARGUMENT naming legal_basis and return_item_identifier, and changes nothing", RequiresLegalBasisAsync),
        new("disposition.not-held-refused", Area, "A disposition of goods that are not HELD is FAILED_PRECONDITION INVALID_STATE_TRANSITION and changes nothing", NotHeldRefusedAsync),
        new("disposition.officers-only", Area, "A filer cannot record a disposition: PERMISSION_DENIED ROLE_NOT_PERMITTED", OfficersOnlyAsync),
    ];

    private static readonly LegalBasis Basis = new() { Code = "CK-ART-1", Citation = "Conformance kit: the provision the officer cites" };

    /// <summary>Setup: the express sample alone (no master), 20 earbuds for EUR 39.98, arrived; returns it after the arrival.</summary>
    private static async Task<Declaration> ArrivedUndervaluedSaleAsync(CheckContext context)
    {
        var sale = ConformanceSamples.ExpressSaleFiledAlone(context.NewLrn());
        sale.Items[0].Quantity.Value.Value = "20";
        return await context.ArriveAsync(await context.SubmitAsync(sale));
    }

    private static Task<Declaration> GetAsync(CheckContext context, Declaration declaration) =>
        CheckContext.SetupAsync("GetDeclaration", async () =>
            (await context.Client.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name })).Declaration);

    /// <summary>Setup: the declaration as the officer reads it, for its current etag.</summary>
    private static Task<Declaration> OfficerGetAsync(CheckContext context, Declaration declaration) =>
        CheckContext.SetupAsync("EnforcementService.GetDeclaration as the officer", async () =>
            (await context.Enforcement.GetDeclarationAsync(new OfficerGetDeclarationRequest { Name = declaration.Name })).Declaration);

    private static RecordDispositionRequest ReturnToSender(Declaration current, string returnWaybill) => new()
    {
        Name = current.Name,
        Type = DispositionType.ReturnedToSender,
        LegalBasis = Basis,
        Reason = "Declared value far below the goods' value.",
        ReturnItemIdentifier = returnWaybill,
        Etag = current.Etag,
        RequestId = CheckContext.NewRequestId(),
    };

    private static async Task ReturnsHeldGoodsAsync(CheckContext context)
    {
        var arrived = await ArrivedUndervaluedSaleAsync(context);
        var current = await OfficerGetAsync(context, arrived);
        var request = ReturnToSender(current, "RTS-" + context.NewLrn());
        if (current.Status != DeclarationStatus.Held)
        {
            await Expect.FailsAsync($"RecordDisposition of goods {RpcErrorText.ProtoName(current.Status)}, not HELD",
                StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
                () => context.Enforcement.RecordDispositionAsync(request).ResponseAsync);
            context.Note = $"the node did not hold the undervalued sale ({RpcErrorText.ProtoName(current.Status)}): its refusal checked, not a disposition";
            return;
        }

        var response = await Expect.SucceedsAsync("RecordDisposition RETURNED_TO_SENDER of held, arrived goods",
            () => context.Enforcement.RecordDispositionAsync(request).ResponseAsync);
        var disposed = response.Declaration;
        Expect.That(disposed is not null, "RecordDisposition answered without the declaration");
        Expect.Equal(DeclarationStatus.ReturnedToSender, disposed!.Status, "status after the return to sender");
        Expect.Equal(ClearanceState.NotReleased, disposed.Clearance?.State ?? ClearanceState.Unspecified, "clearance.state after the return to sender");
        ExpectDisposition(disposed.Disposition, request, "the officer's answer");

        var seen = await GetAsync(context, arrived);
        Expect.Equal(DeclarationStatus.ReturnedToSender, seen.Status, "the status its filer reads");
        ExpectDisposition(seen.Disposition, request, "the disposition its filer reads");
        Expect.That(seen.Disposition.Notices.Count > 0, "the disposition its filer reads carries no notice for the consignee");

        var retried = await Expect.SucceedsAsync("RecordDisposition retried with the same request_id",
            () => context.Enforcement.RecordDispositionAsync(request).ResponseAsync);
        Expect.SameDeclaration(disposed, retried.Declaration, "the answer to the retried disposition (AIP-155: the first answer)");

        using var call = context.Client.WatchDeclarationEvents(new WatchDeclarationEventsRequest
        {
            Parent = context.Parent, IncludeHistory = true, Declaration = arrived.Name,
        });
        var events = await EventStreams.ReadUntilAsync(context, call, read => read.Any(e => e.Type == DeclarationEventType.Disposed),
            $"the filer's watch of {arrived.Name}");
        ExpectDisposition(events.Last().Disposition, request, "the DISPOSED event's disposition");
    }

    /// <summary>The disposition as recorded: the type, legal basis, reason and return item given, a dispose time and an appeal deadline after it.</summary>
    private static void ExpectDisposition(Disposition? disposition, RecordDispositionRequest request, string what)
    {
        Expect.That(disposition is not null, $"{what}: no disposition");
        Expect.Equal(request.Type, disposition!.Type, $"{what}: type");
        Expect.Equal(request.LegalBasis, disposition.LegalBasis, $"{what}: legal_basis");
        Expect.Equal(request.Reason, disposition.Reason, $"{what}: reason");
        Expect.Equal(request.ReturnItemIdentifier, disposition.ReturnItemIdentifier, $"{what}: return_item_identifier");
        Expect.That(disposition.DisposeTime is not null, $"{what}: dispose_time is not set");
        Expect.That(disposition.AppealDeadline is not null && disposition.AppealDeadline.ToDateTimeOffset() > disposition.DisposeTime!.ToDateTimeOffset(),
            $"{what}: appeal_deadline {RpcErrorText.Show(disposition.AppealDeadline)} is not after dispose_time {RpcErrorText.Show(disposition.DisposeTime)}");
    }

    private static async Task RequiresLegalBasisAsync(CheckContext context)
    {
        var arrived = await ArrivedUndervaluedSaleAsync(context);
        var current = await OfficerGetAsync(context, arrived);
        var before = await GetAsync(context, arrived);
        var request = ReturnToSender(current, "");
        request.LegalBasis = null;

        var status = await Expect.FailsAsync("RecordDisposition RETURNED_TO_SENDER without legal basis nor return item",
            StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => context.Enforcement.RecordDispositionAsync(request).ResponseAsync);
        Expect.NamesFields(status, "the refused disposition", "legal_basis", "return_item_identifier");
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after the refused disposition");
    }

    private static async Task NotHeldRefusedAsync(CheckContext context)
    {
        var arrived = await context.ArriveAsync(await context.SubmitAsync(ConformanceSamples.PostalGift(context.NewLrn())));
        if (arrived.Status == DeclarationStatus.Held)
        {
            throw new CheckSetupException("the node held the postal gift sample; this check needs goods it does not hold");
        }
        var current = await OfficerGetAsync(context, arrived);
        var before = await GetAsync(context, arrived);
        var request = ReturnToSender(current, "RB123456785CN"); // a postal return needs a valid UPU S10 identifier

        await Expect.FailsAsync($"RecordDisposition of goods {RpcErrorText.ProtoName(current.Status)}",
            StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => context.Enforcement.RecordDispositionAsync(request).ResponseAsync);
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after the refused disposition");
        context.Note = $"refused while {RpcErrorText.ProtoName(current.Status)}";
    }

    private static async Task OfficersOnlyAsync(CheckContext context)
    {
        var arrived = await ArrivedUndervaluedSaleAsync(context);
        var before = await GetAsync(context, arrived);

        await Expect.FailsAsync("RecordDisposition by a filer", StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => context.EnforcementAsFiler.RecordDispositionAsync(ReturnToSender(before, "RTS-" + context.NewLrn())).ResponseAsync);
        Expect.SameDeclaration(before, await GetAsync(context, arrived), "the declaration after the filer's refused disposition");
    }
}

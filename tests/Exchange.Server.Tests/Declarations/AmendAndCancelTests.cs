using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

public sealed class AmendAndCancelTests : IDisposable
{
    private const string Filer = "market-de";
    private readonly ExchangeNode _node = new();
    private readonly DeclarationService.DeclarationServiceClient _client;

    public AmendAndCancelTests() => _client = _node.ClientFor(Filer);

    public void Dispose() => _node.Dispose();

    private static AmendDeclarationRequest Amendment(Declaration current, Action<Declaration> change, string? requestId = null)
    {
        var amended = current.Clone();
        change(amended);
        return new AmendDeclarationRequest { Declaration = amended, Etag = current.Etag, RequestId = requestId ?? "" };
    }

    [Fact]
    public async Task An_amendment_replaces_the_content_and_moves_the_revision()
    {
        var original = await _client.SubmitAsync(Filer);

        var amended = (await _client.AmendDeclarationAsync(Amendment(original, d => d.Items[0].Description = "Hand-knitted merino wool scarf"))).Declaration;

        Assert.Equal("Hand-knitted merino wool scarf", amended.Items[0].Description);
        Assert.Equal(2, amended.Revision);
        Assert.NotEqual(original.Etag, amended.Etag);
        Assert.Equal(original.Name, amended.Name);
        Assert.Equal(original.CustomsReference, amended.CustomsReference);
        Assert.Equal(original.CreateTime, amended.CreateTime);
        Assert.True(amended.UpdateTime.ToDateTimeOffset() >= original.UpdateTime.ToDateTimeOffset());
        Assert.Equal(amended, (await _client.GetDeclarationAsync(new GetDeclarationRequest { Name = original.Name })).Declaration);
    }

    [Fact]
    public async Task An_amendment_on_a_stale_etag_is_aborted()
    {
        var original = await _client.SubmitAsync(Filer);
        await _client.AmendDeclarationAsync(Amendment(original, d => d.Remarks = "first"));

        await RpcErrors.ExpectAsync(StatusCode.Aborted, "ETAG_MISMATCH",
            () => _client.AmendDeclarationAsync(Amendment(original, d => d.Remarks = "second")).ResponseAsync);
    }

    [Fact]
    public async Task An_amendment_is_validated_like_a_submission()
    {
        var original = await _client.SubmitAsync(Filer);

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _client.AmendDeclarationAsync(Amendment(original, d => d.Items[0].HsCode = "12")).ResponseAsync);

        Assert.Contains("declaration.items[0].hs_code", RpcErrors.ViolatedFields(status));
        Assert.Equal(1, (await _client.GetDeclarationAsync(new GetDeclarationRequest { Name = original.Name })).Declaration.Revision);
    }

    [Fact]
    public async Task A_retried_amendment_gets_its_first_answer_though_its_etag_is_stale_now()
    {
        var original = await _client.SubmitAsync(Filer);
        var request = Amendment(original, d => d.Remarks = "once", Guid.NewGuid().ToString());

        var first = (await _client.AmendDeclarationAsync(request)).Declaration;
        var retry = (await _client.AmendDeclarationAsync(request)).Declaration;

        Assert.Equal(first, retry);
        Assert.Equal(2, (await _client.GetDeclarationAsync(new GetDeclarationRequest { Name = original.Name })).Declaration.Revision);
    }

    [Fact]
    public async Task Cancel_ends_the_life_cycle_and_nothing_changes_after_it()
    {
        var original = await _client.SubmitAsync(Filer);

        var cancelled = (await _client.CancelDeclarationAsync(new CancelDeclarationRequest
        {
            Name = original.Name, Etag = original.Etag, Reason = "Order cancelled by the buyer",
        })).Declaration;

        Assert.Equal(DeclarationStatus.Cancelled, cancelled.Status);
        Assert.Equal(2, cancelled.Revision);
        var status = await RpcErrors.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => _client.AmendDeclarationAsync(Amendment(cancelled, d => d.Remarks = "too late")).ResponseAsync);
        Assert.Equal("CANCELLED", status.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["status"]);
        await RpcErrors.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = cancelled.Name, Etag = cancelled.Etag, Reason = "again" }).ResponseAsync);
    }

    [Fact]
    public async Task An_amendment_after_a_final_decision_is_refused()
    {
        var original = await _client.SubmitAsync(Filer);
        var released = await RecordDecisionAsync(original, DeclarationStatus.Released);

        var status = await RpcErrors.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => _client.AmendDeclarationAsync(Amendment(released, d => d.Remarks = "after release")).ResponseAsync);

        Assert.Equal("RELEASED", status.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["status"]);
    }

    [Fact]
    public async Task A_held_declaration_can_still_be_amended_but_not_cancelled()
    {
        var original = await _client.SubmitAsync(Filer);
        var held = await RecordDecisionAsync(original, DeclarationStatus.Held);

        var amended = (await _client.AmendDeclarationAsync(Amendment(held, d => d.Items[0].Description = "Hand-knitted lambswool scarf"))).Declaration;

        Assert.Equal(DeclarationStatus.Held, amended.Status);
        await RpcErrors.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            () => _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = amended.Name, Etag = amended.Etag, Reason = "too late" }).ResponseAsync);
    }

    [Fact]
    public async Task Cancel_names_every_missing_argument()
    {
        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _client.CancelDeclarationAsync(new CancelDeclarationRequest { Name = "nonsense" }).ResponseAsync);

        Assert.Equal(["name", "etag", "reason"], RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task Cancelling_an_unknown_declaration_is_not_found()
    {
        await RpcErrors.ExpectAsync(StatusCode.NotFound, "DECLARATION_NOT_FOUND", () => _client.CancelDeclarationAsync(new CancelDeclarationRequest
        {
            Name = $"filers/{Filer}/declarations/missing", Etag = "x", Reason = "r",
        }).ResponseAsync);
    }

    /// <summary>Stands in for the customs decision (a later release adds the decision service): written straight to the store.</summary>
    private async Task<Declaration> RecordDecisionAsync(Declaration current, DeclarationStatus status)
    {
        var key = ResourceNames.StoredDeclaration(current.Name);
        var decided = current.Clone();
        decided.Status = status;
        decided.Revision = current.Revision + 1;
        decided.Etag = $"decided-{decided.Revision}";
        var outcome = await _node.Store.UpdateAsync(new DeclarationWrite(key!, decided, new DeclarationEvent
        {
            Declaration = current.Name, Type = DeclarationEventType.StatusChanged, Status = status, Revision = decided.Revision,
            EventTime = current.UpdateTime,
        }, null, null, current.Revision), CancellationToken.None);
        Assert.Equal(WriteOutcomeKind.Written, outcome.Kind);
        return decided;
    }
}

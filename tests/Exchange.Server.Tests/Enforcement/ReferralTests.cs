using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>Holds with referrals under the default rule set, answered by the filer and decided by an officer.</summary>
public sealed class ReferralTests : IDisposable
{
    private const string Filer = "swift-express";
    private const string Officer = "officer-visser";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();
    private readonly DeclarationService.DeclarationServiceClient _filer;
    private readonly EnforcementService.EnforcementServiceClient _officer;

    public ReferralTests()
    {
        _filer = _node.ClientFor(Filer);
        _officer = _node.OfficerClient(Officer);
    }

    public void Dispose() => _node.Dispose();

    private static Declaration WithHsCode(string hsCode)
    {
        var declaration = SampleDeclarations.ExpressMarketplaceSale();
        declaration.Items[0].HsCode = hsCode;
        return declaration;
    }

    private static ReferralResponse Information() => new()
    {
        AdditionalInformation = new AdditionalInformation
        {
            Text = "Clearance sale of a discontinued model; invoice attached.",
            Documents = { new DocumentReference { TypeCode = "N935", Identifier = "INV-778812", Uri = "https://docs.example/INV-778812.pdf" } },
        },
    };

    [Fact]
    public async Task A_request_for_information_round_trip_ends_with_the_officers_release()
    {
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        Assert.Equal(DeclarationStatus.Held, held.Status);
        Assert.Equal("5", held.Decision.ProcessingIndicator);
        var referral = Assert.Single(held.Referrals);
        Assert.Equal(ReferralType.RequestForInformation, referral.Type);
        Assert.Equal(ReferralState.Open, referral.State);
        Assert.Equal(held.Name + "/referrals/1", referral.Name);
        Assert.NotEmpty(referral.RequestText);
        Assert.DoesNotContain("undervaluation", referral.RequestText, StringComparison.OrdinalIgnoreCase);

        // The officer sees why, the filer does not.
        var assessment = (await _officer.GetRiskAssessmentAsync(new GetRiskAssessmentRequest { Name = held.Name + "/riskAssessment" })).RiskAssessment;
        var hit = Assert.Single(assessment.Hits, h => h.Kind == RuleKind.Undervaluation);
        Assert.Equal("undervaluation", hit.RuleId);
        Assert.Contains("items[0].value", hit.FieldPaths);
        Assert.Equal(DecisionOutcome.Hold, assessment.RecommendedOutcome);
        var waiting = (await _officer.ListDeclarationsAsync(new Contracts.Enforcement.V1.ListDeclarationsRequest { Parent = "filers/-" })).Declarations;
        Assert.Contains(waiting, d => d.Name == held.Name);

        // Not released while the filer has not answered.
        var blocked = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "RELEASE_BLOCKED",
            _officer.DecideDeclarationAsync(new DecideDeclarationRequest
            {
                Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "ok", Etag = held.Etag,
            }));
        Assert.Equal(referral.Name, blocked.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["blocked_by"]);

        // The referral carries its IE3Q03-style reference (an..17) and the house transport document.
        Assert.Matches("^[0-9A-Z]{17}$", referral.Reference);
        Assert.Equal(held.TransportDocument.HouseWaybill, referral.TransportDocument);

        // A screening result does not answer a request for information: refused by its field path,
        // with every other problem of the request, and nothing is recorded.
        var mismatch = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REFERRAL_ANSWER_MISMATCH",
            _filer.RespondToReferralAsync(new RespondToReferralRequest
            {
                Name = referral.Name,
                Response = new ReferralResponse { ScreeningResult = new ScreeningResult { Method = "XRY", ScreenTime = Timestamp.FromDateTime(DateTime.UtcNow) } },
                RequestId = "not-a-uuid",
            }));
        Assert.Equal(["response.screening_result.remarks", "request_id", "response.screening_result"], RpcErrors.ViolatedFields(mismatch));
        var unchanged = (await _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        Assert.Equal(held.Etag, unchanged.Etag);
        Assert.Equal(ReferralState.Open, unchanged.Referrals[0].State);

        var answer = new RespondToReferralRequest { Name = referral.Name, Response = Information(), RequestId = Guid.NewGuid().ToString() };
        var answered = (await _filer.RespondToReferralAsync(answer)).Declaration;
        var retried = (await _filer.RespondToReferralAsync(answer)).Declaration;

        Assert.Equal(ReferralState.Answered, answered.Referrals[0].State);
        Assert.Equal("INV-778812", answered.Referrals[0].Response.AdditionalInformation.Documents[0].Identifier);
        Assert.Equal(answered, retried);
        Assert.Equal(DeclarationStatus.Held, answered.Status);

        var released = (await _officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "Invoice confirms the clearance price.", Etag = answered.Etag,
        })).Declaration;

        Assert.Equal(DeclarationStatus.Assessed, released.Status); // released on arrival
        Assert.Equal($"officers/{Officer}", released.Decision.DecidedBy);
        Assert.Equal(ReferralState.Closed, released.Referrals[0].State);
        var seenByFiler = (await _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        Assert.Equal("Invoice confirms the clearance price.", seenByFiler.Decision.Reason);
        Assert.Equal("", seenByFiler.Decision.DecidedBy);
        var audit = (await _officer.ListDeclarationEventsAsync(new ListDeclarationEventsRequest { Declaration = held.Name })).Events;
        Assert.Equal(
            [DeclarationEventType.Accepted, DeclarationEventType.Decided, DeclarationEventType.ReferralAnswered, DeclarationEventType.Decided],
            audit.Select(e => e.Type));
        Assert.Equal([$"filers/{Filer}", "risk-engine", $"filers/{Filer}", $"officers/{Officer}"], audit.Select(e => e.Actor));
        var events = await _filer.WatchUntilAsync(Filer, held.Name, DeclarationEventType.ReferralAnswered);
        Assert.Equal(referral.Name, Assert.Single(events[^1].Referrals).Name);
    }

    [Fact]
    public async Task Arms_are_held_with_do_not_load_which_the_filer_cannot_answer_and_an_officer_seizes()
    {
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, WithHsCode("930400"));
        // The sample's missing seller EORI adds a request for information next to the do-not-load.
        var referral = Assert.Single(held.Referrals, r => r.Type == ReferralType.DoNotLoad);

        var refused = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REFERRAL_ANSWER_MISMATCH",
            _filer.RespondToReferralAsync(new RespondToReferralRequest { Name = referral.Name, Response = Information() }));
        Assert.Equal(["response.additional_information"], RpcErrors.ViolatedFields(refused));
        var seized = (await _officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Seize, Reason = "Firearm part without import authorisation.", Etag = held.Etag,
        })).Declaration;

        Assert.Equal(DeclarationStatus.Seized, seized.Status);
        Assert.Equal("7", seized.Decision.ProcessingIndicator);
        // Seized is final: nothing more, not even the filer's amendment.
        var current = (await _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _filer.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = current, Etag = current.Etag }));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _officer.DecideDeclarationAsync(new DecideDeclarationRequest
            {
                Name = held.Name, Outcome = DecisionOutcome.ReturnToSender, Reason = "again", Etag = seized.Etag,
            }));
    }

    [Fact]
    public async Task Military_weapons_are_rejected_at_once()
    {
        var rejected = await _filer.SubmitAndAwaitDecisionAsync(Filer, WithHsCode("930190"));

        Assert.Equal(DeclarationStatus.Rejected, rejected.Status);
        Assert.Equal("2", rejected.Decision.ProcessingIndicator);
        Assert.Empty(rejected.Referrals);
    }

    [Fact]
    public async Task A_decision_names_every_wrong_field_and_an_answer_to_another_filers_referral_is_refused()
    {
        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _officer.DecideDeclarationAsync(new DecideDeclarationRequest { Name = "filers/x", Outcome = DecisionOutcome.Hold, RequestId = "nope" }));
        Assert.Equal(["name", "outcome", "reason", "etag", "request_id"], RpcErrors.ViolatedFields(status));

        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            _filer.RespondToReferralAsync(new RespondToReferralRequest
            {
                Name = "filers/someone-else/declarations/d1/referrals/1", Response = Information(),
            }));
    }

    [Fact]
    public async Task An_answered_referral_is_not_open_for_another_answer_and_the_same_request_id_with_another_answer_is_refused()
    {
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        var referral = Assert.Single(held.Referrals);
        var requestId = Guid.NewGuid().ToString();
        var answered = (await _filer.RespondToReferralAsync(new RespondToReferralRequest { Name = referral.Name, Response = Information(), RequestId = requestId })).Declaration;

        var other = Information();
        other.AdditionalInformation.Text = "Another explanation.";
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED",
            _filer.RespondToReferralAsync(new RespondToReferralRequest { Name = referral.Name, Response = other, RequestId = requestId }));
        var notOpen = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "REFERRAL_NOT_OPEN",
            _filer.RespondToReferralAsync(new RespondToReferralRequest { Name = referral.Name, Response = other }));
        Assert.Contains("ANSWERED", notOpen.Message);
        var current = (await _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = held.Name })).Declaration;
        Assert.Equal(answered.Etag, current.Etag);
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>
/// A partner government agency's own requests for information, answered by the filer, and its
/// may-proceed / refuse decisions: only on a declaration it holds, each refusal with its reason
/// and field path and nothing changed.
/// </summary>
public sealed class AgencyRequestTests : IDisposable
{
    private const string Filer = "swift-express";
    private const string Agency = "nvwa";
    private const string AgencyName = $"agencies/{Agency}";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();
    private readonly DeclarationService.DeclarationServiceClient _filer;
    private readonly AgencyService.AgencyServiceClient _agency;

    public AgencyRequestTests()
    {
        _filer = _node.ClientFor(Filer);
        _agency = _node.AgencyClient(Agency);
    }

    public void Dispose() => _node.Dispose();

    /// <summary>A declaration the agency holds for review (its subscription on HS 8518 holds it at assessment).</summary>
    private async Task<Declaration> HeldByAgencyAsync(bool review = true)
    {
        await _agency.CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Parent = AgencyName,
            SubscriptionId = "audio",
            Subscription = new Subscription { HsPrefixes = { "8518" }, Description = "Radio equipment conformity", HoldForReview = review },
        });
        return await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
    }

    private Task<Declaration> CurrentAsync(string name) =>
        _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = name }).ResponseAsync.ContinueWith(t => t.Result.Declaration);

    [Fact]
    public async Task The_agency_asks_the_filer_answers_on_its_stream_and_the_agency_lets_the_goods_proceed()
    {
        var held = await HeldByAgencyAsync();
        Assert.Equal(DeclarationStatus.Held, held.Status);

        var ask = new CreateAgencyRequestRequest
        {
            Declaration = held.Name, Agency = AgencyName, RequestText = "Send the CE declaration of conformity.", RequestId = Guid.NewGuid().ToString(),
        };
        var asked = await _agency.CreateAgencyRequestAsync(ask);
        var retried = await _agency.CreateAgencyRequestAsync(ask);
        Assert.Equal(asked, retried);
        Assert.Equal(held.Name + "/agencyRequests/1", asked.AgencyRequest.Name);
        Assert.Equal((AgencyName, AgencyRequestState.Open), (asked.AgencyRequest.Agency, asked.AgencyRequest.State));
        Assert.Single(asked.Declaration.AgencyRequests);
        ask.RequestText = "Something else.";
        await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", _agency.CreateAgencyRequestAsync(ask));

        var opened = await _filer.WatchUntilAsync(Filer, held.Name, DeclarationEventType.AgencyRequestOpened);
        Assert.Equal("Send the CE declaration of conformity.", opened[^1].AgencyRequest.RequestText);

        var answer = new RespondToAgencyRequestRequest
        {
            Name = asked.AgencyRequest.Name,
            Response = new AdditionalInformation
            {
                Text = "Declaration of conformity attached.",
                Documents = { new DocumentReference { TypeCode = "N935", Identifier = "DOC-1", Uri = "https://docs.example/DOC-1.pdf" } },
            },
            RequestId = Guid.NewGuid().ToString(),
        };
        var answered = (await _filer.RespondToAgencyRequestAsync(answer)).Declaration;
        Assert.Equal(answered, (await _filer.RespondToAgencyRequestAsync(answer)).Declaration);
        Assert.Equal(AgencyRequestState.Answered, answered.AgencyRequests[0].State);
        var answeredEvents = await _filer.WatchUntilAsync(Filer, held.Name, DeclarationEventType.AgencyRequestAnswered);
        Assert.Equal("DOC-1", answeredEvents[^1].AgencyRequest.Response.Documents[0].Identifier);

        // The agency sees the answer on the declaration it lists.
        var flagged = (await _agency.ListFlaggedDeclarationsAsync(new ListFlaggedDeclarationsRequest { Parent = AgencyName })).Declarations;
        Assert.Equal("Declaration of conformity attached.", Assert.Single(flagged).AgencyRequests[0].Response.Text);

        // A second answer (no request id) is refused: the request is not open.
        answer.RequestId = "";
        var notOpen = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_REQUEST_NOT_OPEN", _filer.RespondToAgencyRequestAsync(answer));
        Assert.Equal(["name"], RpcErrors.ViolatedFields(notOpen));

        var proceeded = (await _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
        {
            Declaration = held.Name, Agency = AgencyName, Decision = AgencyDecision.MayProceed, Reason = "Conformity shown.",
        })).Declaration;
        Assert.Equal(DeclarationStatus.Assessed, proceeded.Status); // released on arrival: the agency held it alone
        var hold = Assert.Single(proceeded.AgencyHolds);
        Assert.Equal((AgencyDecision.MayProceed, "Conformity shown."), (hold.Decision, hold.DecisionReason));
        Assert.NotNull(hold.LiftTime);
    }

    [Fact]
    public async Task A_refusal_keeps_the_hold_closes_the_open_request_and_leaves_the_goods_to_an_officer()
    {
        var held = await HeldByAgencyAsync();
        await _agency.CreateAgencyRequestAsync(new CreateAgencyRequestRequest { Declaration = held.Name, Agency = AgencyName, RequestText = "Test report?" });
        // The filer's amendment replaces what was filed, not the agency's request.
        var current = await CurrentAsync(held.Name);
        current.Remarks = "Corrected remarks.";
        var amended = (await _filer.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = current, Etag = current.Etag })).Declaration;
        Assert.Equal(AgencyRequestState.Open, Assert.Single(amended.AgencyRequests).State);

        var refused = (await _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
        {
            Declaration = held.Name, Agency = AgencyName, Decision = AgencyDecision.Refuse, Reason = "No conformity marking.",
        })).Declaration;

        Assert.Equal(DeclarationStatus.Held, refused.Status);
        var hold = Assert.Single(refused.AgencyHolds);
        Assert.Equal(AgencyDecision.Refuse, hold.Decision);
        Assert.Null(hold.LiftTime);
        Assert.Equal(AgencyRequestState.Closed, refused.AgencyRequests[0].State);
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "RELEASE_BLOCKED",
            _node.OfficerClient("officer-de-boer").DecideDeclarationAsync(new DecideDeclarationRequest
            {
                Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "ok", Etag = refused.Etag,
            }));
        var again = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_REFUSED",
            _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
            {
                Declaration = held.Name, Agency = AgencyName, Decision = AgencyDecision.Refuse, Reason = "Again.",
            }));
        Assert.Equal(["declaration"], RpcErrors.ViolatedFields(again));
        var closed = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_REQUEST_NOT_OPEN",
            _filer.RespondToAgencyRequestAsync(new RespondToAgencyRequestRequest
            {
                Name = refused.AgencyRequests[0].Name, Response = new AdditionalInformation { Text = "Too late." },
            }));
        Assert.Contains("CLOSED", closed.Message);
        Assert.Equal(refused.Etag, (await CurrentAsync(held.Name)).Etag);
        var audit = (await _node.OfficerClient("officer-de-boer").ListDeclarationEventsAsync(new ListDeclarationEventsRequest { Declaration = held.Name })).Events;
        Assert.Equal(DeclarationEventType.AgencyDecisionRecorded, audit[^1].Type);
        Assert.Equal(AgencyName, audit[^1].Actor);
    }

    [Fact]
    public async Task After_refusing_the_agency_can_neither_ask_refuse_again_nor_lift_its_hold_but_may_let_the_goods_proceed()
    {
        var held = await HeldByAgencyAsync();
        var refused = (await _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
        {
            Declaration = held.Name, Agency = AgencyName, Decision = AgencyDecision.Refuse, Reason = "No conformity marking.",
        })).Declaration;

        var ask = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_REFUSED",
            _agency.CreateAgencyRequestAsync(new CreateAgencyRequestRequest
            {
                Declaration = held.Name, Agency = AgencyName, RequestText = "Send the test report after all?", RequestId = Guid.NewGuid().ToString(),
            }));
        Assert.Equal(["declaration"], RpcErrors.ViolatedFields(ask));
        var precondition = Assert.Single(ask.GetDetail<Google.Rpc.PreconditionFailure>()!.Violations);
        Assert.Equal(("AGENCY_REFUSED", held.Name), (precondition.Type, precondition.Subject));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_REFUSED",
            _agency.LiftAgencyHoldAsync(new LiftAgencyHoldRequest { Declaration = held.Name, Agency = AgencyName }));
        Assert.Equal(refused.Etag, (await CurrentAsync(held.Name)).Etag);
        Assert.Empty((await CurrentAsync(held.Name)).AgencyRequests);

        // The refusal is withdrawn only by a decision: MAY_PROCEED.
        var proceeded = (await _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
        {
            Declaration = held.Name, Agency = AgencyName, Decision = AgencyDecision.MayProceed, Reason = "Marking found after all.",
        })).Declaration;
        Assert.Equal(AgencyDecision.MayProceed, Assert.Single(proceeded.AgencyHolds).Decision);
    }

    [Fact]
    public async Task Without_a_hold_of_its_own_an_agency_can_neither_ask_nor_decide_and_nothing_changes()
    {
        var flaggedOnly = await HeldByAgencyAsync(review: false);
        Assert.Equal(DeclarationStatus.Assessed, flaggedOnly.Status);

        var ask = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_HOLD_REQUIRED",
            _agency.CreateAgencyRequestAsync(new CreateAgencyRequestRequest { Declaration = flaggedOnly.Name, Agency = AgencyName, RequestText = "?" }));
        Assert.Equal(["declaration"], RpcErrors.ViolatedFields(ask));
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "AGENCY_HOLD_REQUIRED",
            _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest
            {
                Declaration = flaggedOnly.Name, Agency = AgencyName, Decision = AgencyDecision.MayProceed, Reason = "Fine.",
            }));
        Assert.Equal(flaggedOnly.Etag, (await CurrentAsync(flaggedOnly.Name)).Etag);

        // Not flagged to another agency: it does not exist for it.
        await EnforcementFlow.ExpectAsync(StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            _node.AgencyClient("fda").CreateAgencyRequestAsync(new CreateAgencyRequestRequest
            {
                Declaration = flaggedOnly.Name, Agency = "agencies/fda", RequestText = "?",
            }));
        // Every wrong field at once.
        var invalid = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _agency.RecordAgencyDecisionAsync(new RecordAgencyDecisionRequest { Declaration = "filers/x", Agency = AgencyName, RequestId = "nope" }));
        Assert.Equal(["declaration", "decision", "reason", "request_id"], RpcErrors.ViolatedFields(invalid));
        // Another filer cannot answer this filer's agency request.
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            _node.ClientFor("other-filer").RespondToAgencyRequestAsync(new RespondToAgencyRequestRequest
            {
                Name = flaggedOnly.Name + "/agencyRequests/1", Response = new AdditionalInformation { Text = "Mine?" },
            }));
        var badAnswer = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _filer.RespondToAgencyRequestAsync(new RespondToAgencyRequestRequest
            {
                Name = flaggedOnly.Name + "/agencyRequests/x y",
                Response = new AdditionalInformation { Documents = { new DocumentReference() } },
            }));
        Assert.Equal("name", RpcErrors.ViolatedFields(badAnswer)[0]);
        Assert.Contains("response.text", RpcErrors.ViolatedFields(badAnswer));
        Assert.Contains(RpcErrors.ViolatedFields(badAnswer), f => f.StartsWith("response.documents[0].", StringComparison.Ordinal));
    }
}

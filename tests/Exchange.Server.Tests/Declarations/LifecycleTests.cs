using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

/// <summary>
/// The two lifecycles on a node that decides at once (the default), through holds, Do Not Load,
/// arrival and release: what the conformance kit cannot reach, since no filer can cause a hold.
/// </summary>
public sealed class LifecycleTests : IDisposable
{
    private const string Filer = "lifecycle-filer";
    private const string Officer = "officer-de-boer";
    private const string Agency = "nvwa";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();
    private readonly DeclarationService.DeclarationServiceClient _filer;
    private readonly EnforcementService.EnforcementServiceClient _officer;

    public LifecycleTests()
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

    private Task<Declaration> GetAsync(string name) =>
        _filer.GetDeclarationAsync(new Contracts.Declaration.V1.GetDeclarationRequest { Name = name }).ResponseAsync.ContinueWith(t => t.Result.Declaration);

    [Fact]
    public async Task Under_a_do_not_load_the_filer_may_invalidate_and_file_again()
    {
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, WithHsCode("930400"));
        Assert.Equal(SecurityAssessmentState.DoNotLoad, held.SecurityAssessment.State);

        var cancelled = (await _filer.CancelDeclarationAsync(new CancelDeclarationRequest
        {
            Name = held.Name, Etag = held.Etag, Reason = "Not loaded; filing again with the licence.",
        })).Declaration;

        Assert.Equal(DeclarationStatus.Cancelled, cancelled.Status);
        Assert.Equal(SecurityAssessmentState.Invalidated, cancelled.SecurityAssessment.State);
        Assert.Equal(ClearanceState.Withdrawn, cancelled.Clearance.State);
        Assert.All(cancelled.Referrals, r => Assert.Equal(ReferralState.Closed, r.State));
        // The filer files again: a new declaration, analysed anew.
        var again = await _filer.SubmitAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        Assert.NotEqual(held.Name, again.Name);
    }

    [Fact]
    public async Task A_hold_for_a_referral_cannot_be_cancelled_but_can_be_amended_until_arrival()
    {
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        Assert.Equal(SecurityAssessmentState.Referred, held.SecurityAssessment.State);

        var refusal = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _filer.CancelDeclarationAsync(new CancelDeclarationRequest { Name = held.Name, Etag = held.Etag, Reason = "Changed my mind." }));
        var precondition = Assert.Single(refusal.Details, d => d.Is(PreconditionFailure.Descriptor)).Unpack<PreconditionFailure>();
        Assert.Equal(("INVALID_STATE_TRANSITION", held.Name), (precondition.Violations[0].Type, precondition.Violations[0].Subject));

        var correction = held.Clone();
        correction.Remarks = "Clearance sale: see the invoice.";
        var amended = (await _filer.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = correction, Etag = held.Etag })).Declaration;
        Assert.Equal(DeclarationStatus.Held, amended.Status); // still for the officer to decide

        var arrived = await _filer.ArriveAsync(held.Name);
        Assert.Equal((DeclarationStatus.Held, ClearanceState.Arrived), (arrived.Status, arrived.Clearance.State));
        var late = arrived.Clone();
        late.Remarks = "Too late.";
        var goodsArrived = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_ARRIVED",
            _filer.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = late, Etag = arrived.Etag }));
        Assert.Equal(Timestamps(arrived.Clearance.ArriveTime), goodsArrived.GetDetail<ErrorInfo>()!.Metadata["arrive_time"]);
        Assert.Equal(arrived, await GetAsync(held.Name));
    }

    [Fact]
    public async Task An_officers_release_after_arrival_releases_and_before_arrival_completes_the_assessment()
    {
        var first = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        var second = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.Undervalued());
        foreach (var held in new[] { first, second })
        {
            var referral = Assert.Single(held.Referrals);
            await _filer.RespondToReferralAsync(new RespondToReferralRequest
            {
                Name = referral.Name,
                Response = new ReferralResponse { AdditionalInformation = new AdditionalInformation { Text = "Clearance sale; invoice attached." } },
            });
        }
        var arrivedFirst = await _filer.ArriveAsync(first.Name);
        // Held when they arrived: not released before they are presented for control.
        await RpcErrors.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_PRESENTED", () => DecideReleaseAsync(arrivedFirst.Name));
        await _filer.NotifyPresentationAsync(new NotifyPresentationRequest { Name = first.Name });

        var releasedAtOnce = await DecideReleaseAsync(arrivedFirst.Name);
        var releasedOnArrival = await DecideReleaseAsync(second.Name);

        Assert.Equal((DeclarationStatus.Released, ClearanceState.Released), (releasedAtOnce.Status, releasedAtOnce.Clearance.State));
        Assert.NotNull(releasedAtOnce.Clearance.ReleaseTime);
        Assert.Equal((DeclarationStatus.Assessed, ClearanceState.Lodged), (releasedOnArrival.Status, releasedOnArrival.Clearance.State));
        Assert.Equal(SecurityAssessmentState.Complete, releasedOnArrival.SecurityAssessment.State);
        var released = await _filer.ArriveAsync(second.Name);
        Assert.Equal(DeclarationStatus.Released, released.Status);
    }

    [Fact]
    public async Task Goods_that_arrive_under_an_agency_hold_are_released_when_the_agency_lifts_it()
    {
        await _node.AgencyClient(Agency).CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Parent = $"agencies/{Agency}",
            SubscriptionId = "audio",
            Subscription = new Subscription { HsPrefixes = { "8518" }, Description = "Radio equipment conformity", HoldForReview = true },
        });
        var held = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        Assert.Equal(DeclarationStatus.Held, held.Status);
        // Held only by the agency: the security assessment is complete, the wait is the clearance's.
        Assert.Equal(SecurityAssessmentState.Complete, held.SecurityAssessment.State);

        var arrived = await _filer.ArriveAsync(held.Name);
        Assert.Equal((DeclarationStatus.Held, ClearanceState.Arrived), (arrived.Status, arrived.Clearance.State));
        var lift = new LiftAgencyHoldRequest { Declaration = held.Name, Agency = $"agencies/{Agency}" };
        // The agency's control needs the goods: its release waits for their presentation.
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "GOODS_NOT_PRESENTED", _node.AgencyClient(Agency).LiftAgencyHoldAsync(lift));
        var presented = (await _filer.NotifyPresentationAsync(new NotifyPresentationRequest { Name = held.Name })).Declaration;
        Assert.Equal((DeclarationStatus.Held, ClearanceState.Presented), (presented.Status, presented.Clearance.State));
        var lifted = (await _node.AgencyClient(Agency).LiftAgencyHoldAsync(lift)).Declaration;

        Assert.Equal((DeclarationStatus.Released, ClearanceState.Released), (lifted.Status, lifted.Clearance.State));
    }

    [Fact]
    public async Task A_hold_placed_on_assessed_goods_holds_them_at_arrival_until_lifted()
    {
        await _node.AgencyClient(Agency).CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Parent = $"agencies/{Agency}",
            SubscriptionId = "audio",
            Subscription = new Subscription { HsPrefixes = { "8518" }, Description = "Radio equipment conformity", HoldForReview = false },
        });
        var assessed = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        Assert.Equal(DeclarationStatus.Assessed, assessed.Status);
        await _node.AgencyClient(Agency).PlaceAgencyHoldAsync(new PlaceAgencyHoldRequest
        {
            Declaration = assessed.Name, Agency = $"agencies/{Agency}", Reason = "Sample for conformity testing.",
        });

        var held = await GetAsync(assessed.Name);
        Assert.Equal((DeclarationStatus.Held, SecurityAssessmentState.Complete), (held.Status, held.SecurityAssessment.State));

        var arrived = await _filer.ArriveAsync(assessed.Name);

        Assert.Equal((DeclarationStatus.Held, ClearanceState.Arrived), (arrived.Status, arrived.Clearance.State));
        await _filer.NotifyPresentationAsync(new NotifyPresentationRequest { Name = assessed.Name });
        var lifted = (await _node.AgencyClient(Agency).LiftAgencyHoldAsync(
            new LiftAgencyHoldRequest { Declaration = assessed.Name, Agency = $"agencies/{Agency}" })).Declaration;
        Assert.Equal((DeclarationStatus.Released, ClearanceState.Released), (lifted.Status, lifted.Clearance.State));
        var events = await _filer.WatchUntilAsync(Filer, assessed.Name, DeclarationEventType.Arrived);
        Assert.Equal(
            [DeclarationEventType.Accepted, DeclarationEventType.Decided, DeclarationEventType.AgencyHoldPlaced, DeclarationEventType.Arrived],
            events.Select(e => e.Type));
    }

    [Fact]
    public async Task An_arrival_notification_names_every_wrong_field_and_a_retry_gets_the_first_answer()
    {
        var assessed = await _filer.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.PostalGift());
        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _filer.NotifyArrivalAsync(new NotifyArrivalRequest
            {
                Name = assessed.Name,
                ArriveTime = new Timestamp { Seconds = -62_135_596_800 }, // year 1
                ArrivalOffice = "XX000396",
                ConveyanceReference = "A-CONVEYANCE-REFERENCE-TOO-LONG",
                RequestId = "not-a-uuid",
            }));
        Assert.Equal(
            ["arrival_office", "arrive_time", "conveyance_reference", "request_id"],
            status.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field).Order(StringComparer.Ordinal));
        Assert.Equal(assessed, await GetAsync(assessed.Name));

        var request = new NotifyArrivalRequest
        {
            Name = assessed.Name, ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)), RequestId = Guid.NewGuid().ToString(),
        };
        var first = (await _filer.NotifyArrivalAsync(request)).Declaration;
        var retry = (await _filer.NotifyArrivalAsync(request)).Declaration;
        Assert.Equal(first, retry);
        Assert.Equal(DeclarationStatus.Released, first.Status);
        Assert.Equal(assessed.Revision + 2, first.Revision); // arrival, then release: one revision each
    }

    private async Task<Declaration> DecideReleaseAsync(string name)
    {
        var current = (await _officer.GetDeclarationAsync(new Contracts.Enforcement.V1.GetDeclarationRequest { Name = name })).Declaration;
        return (await _officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = name, Outcome = DecisionOutcome.Release, Reason = "Invoice checked.", Etag = current.Etag,
        })).Declaration;
    }

    private static string Timestamps(Timestamp time) => Exchange.Core.Declarations.Timestamps.Rfc3339(time);
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>Partner government agencies: subscriptions by HS code, flags, holds that block release, and lifting them.</summary>
public sealed class AgencyTests : IDisposable
{
    private const string Filer = "swift-express";
    private const string Agency = "nvwa";
    private readonly ExchangeNode _node = EnforcementFlow.AssessingNode();

    public void Dispose() => _node.Dispose();

    private Task SubscribeAsync(string agency, string prefix, bool review) =>
        _node.AgencyClient(agency).CreateSubscriptionAsync(new CreateSubscriptionRequest
        {
            Parent = $"agencies/{agency}",
            SubscriptionId = "audio-" + prefix,
            Subscription = new Subscription { HsPrefixes = { prefix }, Description = "Radio equipment conformity", HoldForReview = review },
        }).ResponseAsync;

    [Fact]
    public async Task A_review_hold_blocks_release_until_the_agency_lifts_it_then_the_declaration_is_released()
    {
        await SubscribeAsync(Agency, "8518", review: true);
        var client = _node.ClientFor(Filer);
        var held = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        var officer = _node.OfficerClient("officer-de-boer");

        Assert.Equal(DeclarationStatus.Held, held.Status);
        Assert.Equal(DecisionOutcome.Hold, held.Decision.Outcome);
        Assert.Equal($"agencies/{Agency}", Assert.Single(held.AgencyHolds).Agency);
        Assert.Empty(held.Referrals);
        var blocked = await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "RELEASE_BLOCKED",
            officer.DecideDeclarationAsync(new DecideDeclarationRequest
            {
                Name = held.Name, Outcome = DecisionOutcome.Release, Reason = "Looks fine.", Etag = held.Etag,
            }));
        Assert.Equal($"agencies/{Agency}", blocked.GetDetail<Google.Rpc.ErrorInfo>()!.Metadata["blocked_by"]);
        var flagged = (await _node.AgencyClient(Agency).ListFlaggedDeclarationsAsync(
            new ListFlaggedDeclarationsRequest { Parent = $"agencies/{Agency}" })).Declarations;
        Assert.Equal(held.Name, Assert.Single(flagged).Name);

        var lifted = (await _node.AgencyClient(Agency).LiftAgencyHoldAsync(
            new LiftAgencyHoldRequest { Declaration = held.Name, Agency = $"agencies/{Agency}" })).Declaration;

        Assert.Equal(DeclarationStatus.Assessed, lifted.Status); // released on arrival
        Assert.Equal(DecisionOutcome.Release, lifted.Decision.Outcome);
        Assert.NotNull(Assert.Single(lifted.AgencyHolds).LiftTime);
        var audit = (await officer.ListDeclarationEventsAsync(new ListDeclarationEventsRequest { Declaration = held.Name })).Events;
        Assert.Equal([$"filers/{Filer}", "risk-engine", $"agencies/{Agency}"], audit.Select(e => e.Actor));
        Assert.Equal(DeclarationStatus.Assessed, audit[^1].Status);
        Assert.Equal(DeclarationEventType.Decided, audit[^1].Type);
    }

    [Fact]
    public async Task An_agency_holds_only_what_was_flagged_to_it_and_only_until_final()
    {
        await SubscribeAsync(Agency, "3926", review: false);
        var client = _node.ClientFor(Filer);
        var assessed = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        Assert.Equal(DeclarationStatus.Assessed, assessed.Status);
        var released = await client.ArriveAsync(assessed.Name);
        Assert.Equal(DeclarationStatus.Released, released.Status);

        // Another agency was not flagged: it cannot even see the declaration.
        await EnforcementFlow.ExpectAsync(StatusCode.NotFound, "DECLARATION_NOT_FOUND",
            _node.AgencyClient("fda").PlaceAgencyHoldAsync(new PlaceAgencyHoldRequest
            {
                Declaration = released.Name, Agency = "agencies/fda", Reason = "Check.",
            }));
        // Flagged, but released is final.
        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _node.AgencyClient(Agency).PlaceAgencyHoldAsync(new PlaceAgencyHoldRequest
            {
                Declaration = released.Name, Agency = $"agencies/{Agency}", Reason = "Check.",
            }));
        // An agency cannot act in another agency's name.
        await EnforcementFlow.ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            _node.AgencyClient(Agency).PlaceAgencyHoldAsync(new PlaceAgencyHoldRequest
            {
                Declaration = released.Name, Agency = "agencies/fda", Reason = "Check.",
            }));
    }

    [Fact]
    public async Task A_subscription_names_every_wrong_prefix()
    {
        var status = await EnforcementFlow.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            _node.AgencyClient(Agency).CreateSubscriptionAsync(new CreateSubscriptionRequest
            {
                Parent = $"agencies/{Agency}",
                SubscriptionId = "Bad Id",
                Subscription = new Subscription { HsPrefixes = { "85", "851", "85x8", "8518" }, Description = "" },
            }));

        Assert.Equal(
            ["subscription_id", "subscription.hs_prefixes[1]", "subscription.hs_prefixes[2]", "subscription.description"],
            RpcErrors.ViolatedFields(status));
    }

    [Fact]
    public async Task A_declaration_amended_while_held_waits_for_an_officer_after_the_lift()
    {
        await SubscribeAsync(Agency, "8518", review: true);
        var client = _node.ClientFor(Filer);
        var held = await client.SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        var amended = held.Clone();
        amended.Items[0].Description = "Wireless earbuds, refurbished";
        await client.AmendDeclarationAsync(new AmendDeclarationRequest { Declaration = amended, Etag = held.Etag });

        var lifted = (await _node.AgencyClient(Agency).LiftAgencyHoldAsync(
            new LiftAgencyHoldRequest { Declaration = held.Name, Agency = $"agencies/{Agency}" })).Declaration;

        // The assessment is of the content before the amendment: not a basis for an automatic release.
        Assert.Equal(DeclarationStatus.Held, lifted.Status);
        Assert.NotNull(Assert.Single(lifted.AgencyHolds).LiftTime);
    }

    [Fact]
    public async Task A_hold_cannot_be_lifted_once_the_declaration_is_final()
    {
        await SubscribeAsync(Agency, "8518", review: true);
        var held = await _node.ClientFor(Filer).SubmitAndAwaitDecisionAsync(Filer, SampleDeclarations.ExpressMarketplaceSale());
        await _node.OfficerClient("officer-de-boer").DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held.Name, Outcome = DecisionOutcome.Reject, Reason = "Non-conforming radio equipment.", Etag = held.Etag,
        });

        await EnforcementFlow.ExpectAsync(StatusCode.FailedPrecondition, "INVALID_STATE_TRANSITION",
            _node.AgencyClient(Agency).LiftAgencyHoldAsync(new LiftAgencyHoldRequest { Declaration = held.Name, Agency = $"agencies/{Agency}" }));
    }
}

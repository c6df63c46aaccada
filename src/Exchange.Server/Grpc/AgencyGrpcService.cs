using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>AgencyService over gRPC: partner government agencies, each acting only for itself.</summary>
[Authorize(Policy = ExchangePolicies.Agency)]
public sealed class AgencyGrpcService(AgencySubscriptions subscriptions, EnforcementWorkflow workflow, ICallerIdentityResolver identities)
    : AgencyService.AgencyServiceBase
{
    public override async Task<CreateSubscriptionResponse> CreateSubscription(CreateSubscriptionRequest request, ServerCallContext context) =>
        new() { Subscription = await subscriptions.CreateAsync(identities.ResolveAgency(context), request, context.CancellationToken) };

    public override async Task<ListSubscriptionsResponse> ListSubscriptions(ListSubscriptionsRequest request, ServerCallContext context) =>
        new() { Subscriptions = { await subscriptions.ListAsync(identities.ResolveAgency(context), request, context.CancellationToken) } };

    public override async Task<DeleteSubscriptionResponse> DeleteSubscription(DeleteSubscriptionRequest request, ServerCallContext context)
    {
        await subscriptions.DeleteAsync(identities.ResolveAgency(context), request, context.CancellationToken);
        return new DeleteSubscriptionResponse();
    }

    public override Task<ListFlaggedDeclarationsResponse> ListFlaggedDeclarations(ListFlaggedDeclarationsRequest request, ServerCallContext context) =>
        workflow.ListFlaggedAsync(identities.ResolveAgency(context), request, context.CancellationToken);

    public override async Task<PlaceAgencyHoldResponse> PlaceAgencyHold(PlaceAgencyHoldRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.PlaceHoldAsync(identities.ResolveAgency(context), request, context.CancellationToken) };

    public override async Task<LiftAgencyHoldResponse> LiftAgencyHold(LiftAgencyHoldRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.LiftHoldAsync(identities.ResolveAgency(context), request, context.CancellationToken) };

    public override Task<CreateAgencyRequestResponse> CreateAgencyRequest(CreateAgencyRequestRequest request, ServerCallContext context) =>
        workflow.CreateRequestAsync(identities.ResolveAgency(context), request, context.CancellationToken);

    public override async Task<RecordAgencyDecisionResponse> RecordAgencyDecision(RecordAgencyDecisionRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.RecordDecisionAsync(identities.ResolveAgency(context), request, context.CancellationToken) };
}

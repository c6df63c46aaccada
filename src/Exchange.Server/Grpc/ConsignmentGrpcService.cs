using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Consignments;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>
/// ConsignmentService over gRPC (beta): identifies the calling carrier (a filer) and hands the
/// request to the workflow. Refusals become statuses in ErrorInterceptor.
/// </summary>
[Authorize(Policy = ExchangePolicies.Filer)]
public sealed class ConsignmentGrpcService(ConsignmentWorkflow workflow, ICallerIdentityResolver identities, IHostApplicationLifetime lifetime)
    : ConsignmentService.ConsignmentServiceBase
{
    public override async Task<CreateConsignmentResponse> CreateConsignment(CreateConsignmentRequest request, ServerCallContext context) =>
        new() { Consignment = await workflow.CreateAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override async Task<GetConsignmentResponse> GetConsignment(GetConsignmentRequest request, ServerCallContext context) =>
        new() { Consignment = await workflow.GetAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task<ListConsignmentsResponse> ListConsignments(ListConsignmentsRequest request, ServerCallContext context) =>
        workflow.ListAsync(identities.Resolve(context), request, context.CancellationToken);

    public override async Task<AmendConsignmentResponse> AmendConsignment(AmendConsignmentRequest request, ServerCallContext context) =>
        new() { Consignment = await workflow.AmendAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override async Task<InvalidateConsignmentResponse> InvalidateConsignment(InvalidateConsignmentRequest request, ServerCallContext context) =>
        new() { Consignment = await workflow.InvalidateAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task<ListConsignmentHousesResponse> ListConsignmentHouses(ListConsignmentHousesRequest request, ServerCallContext context) =>
        workflow.ListHousesAsync(identities.Resolve(context), request, context.CancellationToken);

    public override Task<NotifyConsignmentArrivalResponse> NotifyConsignmentArrival(
        NotifyConsignmentArrivalRequest request, ServerCallContext context) =>
        workflow.NotifyArrivalAsync(identities.Resolve(context), request, context.CancellationToken);

    public override Task<NotifyConsignmentPresentationResponse> NotifyConsignmentPresentation(
        NotifyConsignmentPresentationRequest request, ServerCallContext context) =>
        workflow.NotifyPresentationAsync(identities.Resolve(context), request, context.CancellationToken);

    public override Task WatchConsignmentEvents(
        WatchConsignmentEventsRequest request, IServerStreamWriter<WatchConsignmentEventsResponse> responseStream, ServerCallContext context)
    {
        var caller = identities.Resolve(context);
        return WatchStreams.ServeAsync(
            stop => workflow.WatchAsync(caller, request, stop), e => new WatchConsignmentEventsResponse { Event = e }, responseStream, context, lifetime);
    }
}

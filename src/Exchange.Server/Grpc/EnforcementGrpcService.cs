using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>EnforcementService over gRPC: officers only; the work is the enforcement workflow's.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class EnforcementGrpcService(EnforcementWorkflow workflow, ICallerIdentityResolver identities)
    : EnforcementService.EnforcementServiceBase
{
    public override Task<ListDeclarationsResponse> ListDeclarations(ListDeclarationsRequest request, ServerCallContext context) =>
        workflow.ListDeclarationsAsync(identities.ResolveOfficer(context), request, context.CancellationToken);

    public override async Task<GetDeclarationResponse> GetDeclaration(GetDeclarationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.GetDeclarationAsync(identities.ResolveOfficer(context), request.Name, context.CancellationToken) };

    public override async Task<GetRiskAssessmentResponse> GetRiskAssessment(GetRiskAssessmentRequest request, ServerCallContext context) =>
        new() { RiskAssessment = await workflow.GetRiskAssessmentAsync(identities.ResolveOfficer(context), request.Name, context.CancellationToken) };

    public override async Task<DecideDeclarationResponse> DecideDeclaration(DecideDeclarationRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.DecideAsync(identities.ResolveOfficer(context), request, context.CancellationToken) };

    public override async Task<RecordControlResultResponse> RecordControlResult(RecordControlResultRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.RecordControlResultAsync(identities.ResolveOfficer(context), request, context.CancellationToken) };

    public override async Task<RecordDispositionResponse> RecordDisposition(RecordDispositionRequest request, ServerCallContext context) =>
        new() { Declaration = await workflow.RecordDispositionAsync(identities.ResolveOfficer(context), request, context.CancellationToken) };

    public override Task<ListDeclarationEventsResponse> ListDeclarationEvents(ListDeclarationEventsRequest request, ServerCallContext context) =>
        workflow.ListEventsAsync(identities.ResolveOfficer(context), request, context.CancellationToken);
}

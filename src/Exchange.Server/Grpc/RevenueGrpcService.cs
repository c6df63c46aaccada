using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Revenue;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>
/// RevenueService over gRPC (beta): filers, and carriers (filers of master consignments), read
/// duty assessments and record payments; the work is the revenue workflow's.
/// </summary>
[Authorize(Policy = ExchangePolicies.Filer)]
public sealed class RevenueGrpcService(RevenueWorkflow workflow, ICallerIdentityResolver identities) : RevenueService.RevenueServiceBase
{
    public override Task<GetDutyAssessmentResponse> GetDutyAssessment(GetDutyAssessmentRequest request, ServerCallContext context) =>
        workflow.GetAsync(identities.Resolve(context), request, context.CancellationToken);

    public override Task<RecordPaymentResponse> RecordPayment(RecordPaymentRequest request, ServerCallContext context) =>
        workflow.RecordPaymentAsync(identities.Resolve(context), request, context.CancellationToken);
}

/// <summary>RevenueOversightService over gRPC (beta): officers only.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class RevenueOversightGrpcService(RevenueWorkflow workflow, ICallerIdentityResolver identities)
    : RevenueOversightService.RevenueOversightServiceBase
{
    public override Task<ListIossMonthlyTotalsResponse> ListIossMonthlyTotals(ListIossMonthlyTotalsRequest request, ServerCallContext context) =>
        workflow.ListIossMonthlyTotalsAsync(identities.ResolveOfficer(context), request, context.CancellationToken);
}

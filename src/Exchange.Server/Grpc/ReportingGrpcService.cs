using Exchange.Contracts.Reporting.V1;
using Exchange.Core.Reporting;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>ReportingService over gRPC: officers only; the work is the reporting workflow's.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class ReportingGrpcService(ReportingWorkflow workflow, ICallerIdentityResolver identities)
    : ReportingService.ReportingServiceBase
{
    public override Task<GetPerformanceReportResponse> GetPerformanceReport(GetPerformanceReportRequest request, ServerCallContext context) =>
        workflow.GetPerformanceReportAsync(identities.ResolveOfficer(context), request, context.CancellationToken);
}

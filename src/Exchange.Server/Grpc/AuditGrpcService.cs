using Exchange.Contracts.Audit.V1;
using Exchange.Core.Audit;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>AuditService over gRPC: officers only; the work is the audit workflow's.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class AuditGrpcService(AuditWorkflow workflow, ICallerIdentityResolver identities)
    : AuditService.AuditServiceBase
{
    public override Task<ListAuditRecordsResponse> ListAuditRecords(ListAuditRecordsRequest request, ServerCallContext context) =>
        workflow.ListAuditRecordsAsync(identities.ResolveOfficer(context), request, context.CancellationToken);
}

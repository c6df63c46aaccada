using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Profiles;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>
/// DataSetService over gRPC (beta): identifies the calling filer and hands the request to the
/// workflow. Refusals become statuses in ErrorInterceptor.
/// </summary>
[Authorize(Policy = ExchangePolicies.Filer)]
public sealed class DataSetGrpcService(DataSetWorkflow workflow, ICallerIdentityResolver identities) : DataSetService.DataSetServiceBase
{
    public override Task<ListDataSetProfilesResponse> ListDataSetProfiles(ListDataSetProfilesRequest request, ServerCallContext context)
    {
        identities.Resolve(context);
        return Task.FromResult(workflow.List(request));
    }

    public override async Task<GetDeclarationDataSetResponse> GetDeclarationDataSet(GetDeclarationDataSetRequest request, ServerCallContext context) =>
        new() { DataSet = await workflow.GetAsync(identities.Resolve(context), request, context.CancellationToken) };

    public override Task<CheckDeclarationDataResponse> CheckDeclarationData(CheckDeclarationDataRequest request, ServerCallContext context) =>
        Task.FromResult(workflow.Check(identities.Resolve(context), request));
}

using Exchange.Contracts.Partner.V1;
using Exchange.Core.Partners;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>PartnerAdministrationService over gRPC: officers only; the work is the partner administration's.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class PartnerAdministrationGrpcService(PartnerAdministration partners, ICallerIdentityResolver identities)
    : PartnerAdministrationService.PartnerAdministrationServiceBase
{
    public override async Task<GetPartnerResponse> GetPartner(GetPartnerRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new GetPartnerResponse { Partner = await partners.GetAsync(request.Name, context.CancellationToken) };
    }

    public override Task<ListPartnersResponse> ListPartners(ListPartnersRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return partners.ListAsync(request, context.CancellationToken);
    }

    public override Task<ListOutboxMessagesResponse> ListOutboxMessages(ListOutboxMessagesRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return partners.ListOutboxAsync(request, context.CancellationToken);
    }
}

using Exchange.Contracts.Partner.V1;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Partners;
using Exchange.Server.Hosting;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>
/// PartnerExchangeService over gRPC: partner nodes only. Where the configuration pins a partner's
/// certificate, the caller must present exactly that one. The work is the inbox's.
/// </summary>
[Authorize(Policy = ExchangePolicies.Partner)]
public sealed class PartnerExchangeGrpcService(PartnerInbox inbox, ICallerIdentityResolver identities, PinnedPartnerCertificates pinned)
    : PartnerExchangeService.PartnerExchangeServiceBase
{
    public override async Task<DeliverMessagesResponse> DeliverMessages(DeliverMessagesRequest request, ServerCallContext context)
    {
        var outcomes = await inbox.DeliverAsync(Partner(context), request, context.CancellationToken);
        var response = new DeliverMessagesResponse();
        response.Acknowledgements.AddRange(outcomes.Select(o => new MessageAcknowledgement
        {
            MessageId = o.MessageId,
            Outcome = o.Outcome,
            Rejection = o.Refusal is null ? null : ErrorStatuses.From(o.Refusal),
        }));
        return response;
    }

    public override Task<LookupKnownShipperStatusResponse> LookupKnownShipperStatus(LookupKnownShipperStatusRequest request, ServerCallContext context) =>
        inbox.LookupKnownShipperAsync(Partner(context), request, context.CancellationToken);

    private PartnerIdentity Partner(ServerCallContext context)
    {
        var partner = identities.ResolvePartner(context);
        if (!pinned.Admits(partner.CountryCode, context.GetHttpContext().Connection.ClientCertificate))
        {
            throw new CallerUnauthenticatedException($"{partner.Name} must call with the certificate this node has pinned for it.");
        }
        return partner;
    }
}

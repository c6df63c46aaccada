using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Server.Identity;
using Grpc.Core;

namespace Exchange.Server.Grpc;

/// <summary>KnownShipperService over gRPC: officers only; the registry does the work.</summary>
public sealed class KnownShipperGrpcService(KnownShipperRegistry registry, ICallerIdentityResolver identities)
    : KnownShipperService.KnownShipperServiceBase
{
    public override async Task<CreateProgrammeResponse> CreateProgramme(CreateProgrammeRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Programme = await registry.CreateProgrammeAsync(request, context.CancellationToken) };
    }

    public override async Task<GetProgrammeResponse> GetProgramme(GetProgrammeRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Programme = await registry.GetProgrammeAsync(request.Name, context.CancellationToken) };
    }

    public override Task<ListProgrammesResponse> ListProgrammes(ListProgrammesRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return registry.ListProgrammesAsync(request, context.CancellationToken);
    }

    public override async Task<UpdateProgrammeResponse> UpdateProgramme(UpdateProgrammeRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Programme = await registry.UpdateProgrammeAsync(request, context.CancellationToken) };
    }

    public override async Task<CreateEnrolmentResponse> CreateEnrolment(CreateEnrolmentRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Enrolment = await registry.CreateEnrolmentAsync(request, context.CancellationToken) };
    }

    public override async Task<GetEnrolmentResponse> GetEnrolment(GetEnrolmentRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Enrolment = await registry.GetEnrolmentAsync(request.Name, context.CancellationToken) };
    }

    public override Task<ListEnrolmentsResponse> ListEnrolments(ListEnrolmentsRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return registry.ListEnrolmentsAsync(request, context.CancellationToken);
    }

    public override async Task<SuspendEnrolmentResponse> SuspendEnrolment(SuspendEnrolmentRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Enrolment = await registry.SuspendEnrolmentAsync(request, context.CancellationToken) };
    }

    public override async Task<ReinstateEnrolmentResponse> ReinstateEnrolment(ReinstateEnrolmentRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Enrolment = await registry.ReinstateEnrolmentAsync(request, context.CancellationToken) };
    }

    public override async Task<RevokeEnrolmentResponse> RevokeEnrolment(RevokeEnrolmentRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return new() { Enrolment = await registry.RevokeEnrolmentAsync(request, context.CancellationToken) };
    }

    public override Task<LookupKnownShipperResponse> LookupKnownShipper(LookupKnownShipperRequest request, ServerCallContext context)
    {
        identities.ResolveOfficer(context);
        return registry.LookupAsync(request, context.CancellationToken);
    }
}

using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Enforcement;
using Exchange.Server.Identity;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Exchange.Server.Grpc;

/// <summary>KnownShipperService over gRPC: officers only; the registry does the work.</summary>
[Authorize(Policy = ExchangePolicies.Officer)]
public sealed class KnownShipperGrpcService(KnownShipperRegistry registry, ICallerIdentityResolver identities)
    : KnownShipperService.KnownShipperServiceBase
{
    public override async Task<CreateProgrammeResponse> CreateProgramme(CreateProgrammeRequest request, ServerCallContext context) =>
        new() { Programme = await AsOfficer(context, () => registry.CreateProgrammeAsync(request, context.CancellationToken)) };

    public override async Task<GetProgrammeResponse> GetProgramme(GetProgrammeRequest request, ServerCallContext context) =>
        new() { Programme = await AsOfficer(context, () => registry.GetProgrammeAsync(request.Name, context.CancellationToken)) };

    public override Task<ListProgrammesResponse> ListProgrammes(ListProgrammesRequest request, ServerCallContext context) =>
        AsOfficer(context, () => registry.ListProgrammesAsync(request, context.CancellationToken));

    public override async Task<UpdateProgrammeResponse> UpdateProgramme(UpdateProgrammeRequest request, ServerCallContext context) =>
        new() { Programme = await AsOfficer(context, () => registry.UpdateProgrammeAsync(request, context.CancellationToken)) };

    public override async Task<CreateEnrolmentResponse> CreateEnrolment(CreateEnrolmentRequest request, ServerCallContext context) =>
        new() { Enrolment = await AsOfficer(context, () => registry.CreateEnrolmentAsync(request, context.CancellationToken)) };

    public override async Task<GetEnrolmentResponse> GetEnrolment(GetEnrolmentRequest request, ServerCallContext context) =>
        new() { Enrolment = await AsOfficer(context, () => registry.GetEnrolmentAsync(request.Name, context.CancellationToken)) };

    public override Task<ListEnrolmentsResponse> ListEnrolments(ListEnrolmentsRequest request, ServerCallContext context) =>
        AsOfficer(context, () => registry.ListEnrolmentsAsync(request, context.CancellationToken));

    public override async Task<SuspendEnrolmentResponse> SuspendEnrolment(SuspendEnrolmentRequest request, ServerCallContext context) =>
        new() { Enrolment = await AsOfficer(context, () => registry.SuspendEnrolmentAsync(request, context.CancellationToken)) };

    public override async Task<ReinstateEnrolmentResponse> ReinstateEnrolment(ReinstateEnrolmentRequest request, ServerCallContext context) =>
        new() { Enrolment = await AsOfficer(context, () => registry.ReinstateEnrolmentAsync(request, context.CancellationToken)) };

    public override async Task<RevokeEnrolmentResponse> RevokeEnrolment(RevokeEnrolmentRequest request, ServerCallContext context) =>
        new() { Enrolment = await AsOfficer(context, () => registry.RevokeEnrolmentAsync(request, context.CancellationToken)) };

    public override Task<LookupKnownShipperResponse> LookupKnownShipper(LookupKnownShipperRequest request, ServerCallContext context) =>
        AsOfficer(context, () => registry.LookupAsync(request, context.CancellationToken));

    /// <summary>Only officers keep the registry: anyone else is refused before the registry is asked.</summary>
    private Task<T> AsOfficer<T>(ServerCallContext context, Func<Task<T>> call)
    {
        identities.ResolveOfficer(context);
        return call();
    }
}

using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// The caller of a gRPC call as the authentication handler established it (the request's
/// <see cref="System.Security.Claims.ClaimsPrincipal"/>), in the form the core works with. The
/// authorization policies have already admitted the call in its method's role; the checks here
/// repeat that decision (so a service asking for a role it was not mapped with still refuses)
/// and give the core the id that scopes everything it does.
/// </summary>
public sealed class ClaimsCallerIdentityResolver(IdentityScheme scheme) : ICallerIdentityResolver
{
    public CallerIdentity Resolve(ServerCallContext context) => new(IdOf(context, ExchangeRoles.Filers));

    public OfficerIdentity ResolveOfficer(ServerCallContext context) => new(IdOf(context, ExchangeRoles.Officers));

    public AgencyIdentity ResolveAgency(ServerCallContext context) => new(IdOf(context, ExchangeRoles.Agencies));

    public PartnerIdentity ResolvePartner(ServerCallContext context) => new(IdOf(context, ExchangeRoles.Partners));

    public string DescribeCaller(ServerCallContext context) =>
        ExchangeRoles.Of(context.GetHttpContext().User) is ({ } role, { } id) ? role + "/" + id : Actors.Anonymous;

    private string IdOf(ServerCallContext context, string role)
    {
        var user = context.GetHttpContext().User;
        if (ExchangeRoles.Of(user) is not ({ } callerRole, { } id))
        {
            throw new CallerUnauthenticatedException(scheme.HowToAuthenticate(role));
        }
        if (callerRole != role)
        {
            throw new RoleNotPermittedException(ExchangeRoles.Describe(role));
        }
        return id;
    }
}

using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// Establishes who is calling; every service call is scoped by the answer. Each method asks for
/// one role: a caller authenticated in another role gets ROLE_NOT_PERMITTED, one not
/// authenticated at all gets CALLER_UNAUTHENTICATED.
/// </summary>
public interface ICallerIdentityResolver
{
    /// <summary>The calling filer.</summary>
    CallerIdentity Resolve(ServerCallContext context);

    /// <summary>The calling customs officer.</summary>
    OfficerIdentity ResolveOfficer(ServerCallContext context);

    /// <summary>The calling partner government agency.</summary>
    AgencyIdentity ResolveAgency(ServerCallContext context);

    /// <summary>The calling partner administration (another Exchange node).</summary>
    PartnerIdentity ResolvePartner(ServerCallContext context);

    /// <summary>
    /// Who is calling, in any role, as a resource name (<c>filers/x</c>, <c>officers/y</c>,
    /// <c>partners/BE</c>...), or <see cref="Actors.Anonymous"/>; never throws. For the audit log
    /// and rate limits, which must name every caller, authenticated or not.
    /// </summary>
    string DescribeCaller(ServerCallContext context);
}

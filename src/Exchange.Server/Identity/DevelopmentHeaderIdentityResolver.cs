using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// Development scheme: the caller states who it is in one header, <c>x-exchange-filer</c>,
/// <c>x-exchange-officer</c> or <c>x-exchange-agency</c>, and is believed. It proves nothing, so
/// it is for a developer's machine and tests only (DevelopmentModeGuard keeps it on loopback).
/// </summary>
public sealed class DevelopmentHeaderIdentityResolver : ICallerIdentityResolver
{
    public const string HeaderName = FilerHeader;
    public const string FilerHeader = "x-exchange-filer";
    public const string OfficerHeader = "x-exchange-officer";
    public const string AgencyHeader = "x-exchange-agency";

    private static readonly string[] RoleHeaders = [FilerHeader, OfficerHeader, AgencyHeader];

    public CallerIdentity Resolve(ServerCallContext context) => new(IdIn(context, FilerHeader, "a filer"));

    public OfficerIdentity ResolveOfficer(ServerCallContext context) => new(IdIn(context, OfficerHeader, "an officer"));

    public AgencyIdentity ResolveAgency(ServerCallContext context) => new(IdIn(context, AgencyHeader, "an agency"));

    private static string IdIn(ServerCallContext context, string header, string role)
    {
        var named = RoleHeaders.Where(h => !string.IsNullOrEmpty(context.RequestHeaders.GetValue(h))).ToList();
        if (named.Count == 0)
        {
            throw new CallerUnauthenticatedException($"Name the caller in the '{header}' header.");
        }
        if (named.Count > 1)
        {
            throw new CallerUnauthenticatedException($"Name the caller in exactly one of {string.Join(", ", RoleHeaders)}.");
        }
        if (named[0] != header)
        {
            throw new RoleNotPermittedException(role);
        }
        var id = context.RequestHeaders.GetValue(header);
        if (!ResourceNames.IsValidId(id))
        {
            throw new CallerUnauthenticatedException(
                $"The '{header}' header must be an id: lower-case letters, digits and hyphens, at most 63 characters.");
        }
        return id!;
    }
}

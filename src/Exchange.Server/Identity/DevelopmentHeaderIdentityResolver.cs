using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// Development scheme: the caller states who it is in one header, <c>x-exchange-filer</c>,
/// <c>x-exchange-officer</c>, <c>x-exchange-agency</c> or <c>x-exchange-partner</c> (an
/// administration code such as BE), and is believed. It proves nothing, so
/// it is for a developer's machine and tests only (DevelopmentModeGuard keeps it on loopback).
/// </summary>
public sealed class DevelopmentHeaderIdentityResolver : ICallerIdentityResolver
{
    public const string HeaderName = FilerHeader;
    public const string FilerHeader = "x-exchange-filer";
    public const string OfficerHeader = "x-exchange-officer";
    public const string AgencyHeader = "x-exchange-agency";
    public const string PartnerHeader = "x-exchange-partner";

    private static readonly (string Header, string Collection)[] Roles =
        [(FilerHeader, "filers"), (OfficerHeader, "officers"), (AgencyHeader, "agencies"), (PartnerHeader, "partners")];

    private static readonly string[] RoleHeaders = Roles.Select(r => r.Header).ToArray();

    public CallerIdentity Resolve(ServerCallContext context) => new(IdIn(context, FilerHeader, "a filer"));

    public OfficerIdentity ResolveOfficer(ServerCallContext context) => new(IdIn(context, OfficerHeader, "an officer"));

    public AgencyIdentity ResolveAgency(ServerCallContext context) => new(IdIn(context, AgencyHeader, "an agency"));

    public PartnerIdentity ResolvePartner(ServerCallContext context) => new(IdIn(context, PartnerHeader, "a partner administration"));

    public string DescribeCaller(ServerCallContext context)
    {
        var named = Roles.Where(r => !string.IsNullOrEmpty(context.RequestHeaders.GetValue(r.Header))).ToList();
        return named.Count == 1 && IsValid(named[0].Header, context.RequestHeaders.GetValue(named[0].Header)!)
            ? named[0].Collection + "/" + context.RequestHeaders.GetValue(named[0].Header)
            : Actors.Anonymous;
    }

    private static bool IsValid(string header, string id) => header switch
    {
        PartnerHeader => PartnerIdentity.IsCountryCode(id),
        FilerHeader => ResourceNames.IsValidId(id) && !PartnerIdentity.IsReservedFilerId(id),
        _ => ResourceNames.IsValidId(id),
    };

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
        var id = context.RequestHeaders.GetValue(header)!;
        if (!IsValid(header, id))
        {
            throw new CallerUnauthenticatedException(header == PartnerHeader
                ? $"The '{header}' header must be an ISO 3166-1 alpha-2 administration code, e.g. BE."
                : $"The '{header}' header must be an id: lower-case letters, digits and hyphens, at most 63 characters"
                    + (header == FilerHeader ? ", not starting with 'partner-' (reserved)." : "."));
        }
        return id;
    }
}

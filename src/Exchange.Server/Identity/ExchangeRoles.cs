using System.Security.Claims;
using Exchange.Core.Identity;

namespace Exchange.Server.Identity;

/// <summary>
/// The four roles a caller can act in, as the authentication handlers write them into a
/// <see cref="ClaimsPrincipal"/> and the authorization policies read them back. A role is the
/// collection of the caller's resource name (<c>filers</c>, <c>officers</c>, <c>agencies</c>,
/// <c>partners</c>), the identity its id within it: <c>filers/post-nl</c> is the role claim
/// "filers" and the id claim "post-nl". Every RPC admits exactly one role (its service's policy).
/// </summary>
public static class ExchangeRoles
{
    public const string Filers = "filers";
    public const string Officers = "officers";
    public const string Agencies = "agencies";
    public const string Partners = "partners";

    /// <summary>The claim holding the caller's role (its collection).</summary>
    public const string RoleClaim = "exchange:role";

    /// <summary>The claim holding the caller's id within its role's collection.</summary>
    public const string IdClaim = "exchange:id";

    /// <summary>The roles, in the order the documentation lists them.</summary>
    public static readonly string[] All = [Filers, Officers, Agencies, Partners];

    /// <summary>Whether <paramref name="id"/> can be a caller's id in <paramref name="role"/>.</summary>
    public static bool IsValidId(string role, string? id) => role switch
    {
        Filers => ResourceNames.IsValidId(id) && !PartnerIdentity.IsReservedFilerId(id!),
        Officers or Agencies => ResourceNames.IsValidId(id),
        Partners => PartnerIdentity.IsCountryCode(id),
        _ => false,
    };

    /// <summary>The role as a refusal names it: "a filer", "an officer"...</summary>
    public static string Describe(string role) => role switch
    {
        Filers => "a filer",
        Officers => "an officer",
        Agencies => "an agency",
        Partners => "a partner administration",
        _ => role,
    };

    /// <summary>An authenticated caller in <paramref name="role"/> with <paramref name="id"/>, by <paramref name="scheme"/>.</summary>
    public static ClaimsPrincipal Principal(string role, string id, string scheme, IEnumerable<Claim>? more = null) =>
        new(new ClaimsIdentity(
            [new Claim(RoleClaim, role), new Claim(IdClaim, id), .. more ?? []],
            authenticationType: scheme, nameType: IdClaim, roleType: RoleClaim));

    /// <summary>The caller's role and id, or null when <paramref name="user"/> is not an authenticated Exchange caller.</summary>
    public static (string Role, string Id)? Of(ClaimsPrincipal? user) =>
        user?.Identity is { IsAuthenticated: true } && user.FindFirst(RoleClaim)?.Value is { } role && user.FindFirst(IdClaim)?.Value is { } id
            ? (role, id)
            : null;
}

using Microsoft.AspNetCore.Http;

namespace Exchange.Server.Identity;

/// <summary>
/// Development identity: the caller states who it is in one header, <c>x-exchange-filer</c>,
/// <c>x-exchange-officer</c>, <c>x-exchange-agency</c> or <c>x-exchange-partner</c> (an
/// administration code such as BE), and is believed. It proves nothing, so it is for a
/// developer's machine and tests only: a node uses it only when configured to
/// (Exchange:Authentication:Mode=Development, which appsettings.Development.json sets), and
/// DevelopmentModeGuard keeps such a node on loopback. This class reads the headers;
/// <see cref="DevelopmentHeaderAuthenticationHandler"/> turns what it read into the request's user.
/// </summary>
public static class DevelopmentHeaderIdentityResolver
{
    public const string HeaderName = FilerHeader;
    public const string FilerHeader = "x-exchange-filer";
    public const string OfficerHeader = "x-exchange-officer";
    public const string AgencyHeader = "x-exchange-agency";
    public const string PartnerHeader = "x-exchange-partner";

    private static readonly (string Header, string Role)[] Roles =
        [(FilerHeader, ExchangeRoles.Filers), (OfficerHeader, ExchangeRoles.Officers), (AgencyHeader, ExchangeRoles.Agencies), (PartnerHeader, ExchangeRoles.Partners)];

    /// <summary>All four headers, for messages.</summary>
    public static string AllHeaders => string.Join(", ", Roles.Select(r => r.Header));

    /// <summary>The header that names a caller in <paramref name="role"/>.</summary>
    public static string HeaderOf(string role) => Roles.Single(r => r.Role == role).Header;

    /// <summary>What the headers say.</summary>
    /// <returns>
    /// Nobody (no header: the caller did not try); or the caller's role and id; or why the headers
    /// identify no one (two of them, one repeated, or an id that is not valid for its role).
    /// </returns>
    public static HeaderIdentity Read(IHeaderDictionary headers)
    {
        var named = Roles.Where(r => !string.IsNullOrEmpty(headers[r.Header])).ToList();
        if (named.Count == 0)
        {
            return new HeaderIdentity(null, null, null);
        }
        if (named.Count > 1 || headers[named[0].Header].Count > 1)
        {
            return new HeaderIdentity(null, null, $"Name the caller in exactly one of {AllHeaders}, once.");
        }
        var (header, role) = named[0];
        var id = headers[header].ToString();
        if (!ExchangeRoles.IsValidId(role, id))
        {
            return new HeaderIdentity(null, null, header == PartnerHeader
                ? $"The '{header}' header must be an ISO 3166-1 alpha-2 administration code, e.g. BE."
                : $"The '{header}' header must be an id: lower-case letters, digits and hyphens, at most 63 characters"
                    + (header == FilerHeader ? ", not starting with 'partner-' (reserved)." : "."));
        }
        return new HeaderIdentity(role, id, null);
    }
}

/// <summary>What the development headers say: a role and id, or a failure, or (all null) nothing.</summary>
public sealed record HeaderIdentity(string? Role, string? Id, string? Failure);

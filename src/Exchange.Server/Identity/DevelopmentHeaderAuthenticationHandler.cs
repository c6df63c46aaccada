using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Identity;

/// <summary>
/// The development scheme as an ASP.NET Core authentication handler: the caller named in the
/// development headers (<see cref="DevelopmentHeaderIdentityResolver"/>) becomes the request's
/// user. No header is no result (an anonymous request, which the authorization policies refuse
/// as unauthenticated); headers that identify no one fail with the reason.
/// </summary>
public sealed class DevelopmentHeaderAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ExchangeDevelopmentHeaders";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var read = DevelopmentHeaderIdentityResolver.Read(Request.Headers);
        if (read.Failure is { } failure)
        {
            return Task.FromResult(AuthenticateResult.Fail(failure));
        }
        if (read.Role is null || read.Id is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        var principal = ExchangeRoles.Principal(read.Role, read.Id, SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }
}

using Exchange.Server.Hosting;
using Microsoft.AspNetCore.Authentication.Certificate;

namespace Exchange.Server.Identity;

/// <summary>
/// Certificate scheme: the caller is who its TLS client certificate says. Kestrel has already
/// refused, at the handshake, any certificate that is not from an authority this node trusts for
/// clients or that is outside its validity, and the certificate authentication handler has checked
/// the chain again; this reads the identity the certificate carries (<see cref="CertificateIdentity"/>)
/// and admits it only when an authority trusted for that role vouches for it
/// (<see cref="RoleTrust"/>). Request headers play no part: the development headers are ignored.
/// </summary>
public static class CertificateCallers
{
    public static void Authenticate(CertificateValidatedContext context, RoleTrust roles)
    {
        var certificate = context.ClientCertificate;
        var identity = CertificateIdentity.Read(certificate);
        if (identity is null)
        {
            context.Fail("The client certificate carries no Exchange identity: exactly one subject alternative name URI "
                + "'exchange:{filers|officers|agencies|partners}/{id}'.");
            return;
        }
        // The handshake admitted any configured authority; acting in a role needs that role's.
        if (!roles.For(identity.Collection).IsTrusted(certificate))
        {
            context.Fail($"The client certificate is not from an authority this node trusts for {identity.Collection}.");
            return;
        }
        context.Principal = ExchangeRoles.Principal(identity.Collection, identity.Id, context.Scheme.Name);
        context.Success();
    }
}

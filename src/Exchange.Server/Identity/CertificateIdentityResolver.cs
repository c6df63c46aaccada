using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Server.Hosting;
using Grpc.Core;

namespace Exchange.Server.Identity;

/// <summary>
/// Certificate scheme: the caller is who its TLS client certificate says. Kestrel has already
/// refused, at the handshake, any certificate that is not from an authority this node trusts for
/// clients or that is outside its validity (AuthenticationRegistration); this resolver reads the
/// identity the certificate carries (<see cref="CertificateIdentity"/>) and admits it to a method
/// only in that method's role. Request headers play no part: the development headers are ignored.
/// </summary>
public sealed class CertificateIdentityResolver(RoleTrust trust) : ICallerIdentityResolver
{
    public CallerIdentity Resolve(ServerCallContext context) => new(IdOf(context, CertificateIdentity.Filers, "a filer"));

    public OfficerIdentity ResolveOfficer(ServerCallContext context) => new(IdOf(context, CertificateIdentity.Officers, "an officer"));

    public AgencyIdentity ResolveAgency(ServerCallContext context) => new(IdOf(context, CertificateIdentity.Agencies, "an agency"));

    public PartnerIdentity ResolvePartner(ServerCallContext context) => new(IdOf(context, CertificateIdentity.Partners, "a partner administration"));

    public string DescribeCaller(ServerCallContext context) =>
        context.GetHttpContext().Connection.ClientCertificate is { } certificate && CertificateIdentity.Read(certificate) is { } identity
            ? identity.Collection + "/" + identity.Id
            : Actors.Anonymous;

    private string IdOf(ServerCallContext context, string collection, string role)
    {
        var certificate = context.GetHttpContext().Connection.ClientCertificate
            ?? throw new CallerUnauthenticatedException("Call over mutual TLS with a client certificate from an authority this node trusts.");
        var identity = CertificateIdentity.Read(certificate)
            ?? throw new CallerUnauthenticatedException(
                "The client certificate carries no Exchange identity: exactly one subject alternative name URI 'exchange:{filers|officers|agencies|partners}/{id}'.");
        if (identity.Collection != collection)
        {
            throw new RoleNotPermittedException(role);
        }
        // The handshake admitted any configured authority; acting in a role needs that role's.
        if (!trust.For(collection).IsTrusted(certificate))
        {
            throw new CallerUnauthenticatedException(
                $"The client certificate is not from an authority this node trusts for {collection}.");
        }
        return identity.Id;
    }
}

/// <summary>
/// The Exchange identity in a client certificate: exactly one subject alternative name URI
/// <c>exchange:{collection}/{id}</c> whose path is the caller's resource name, e.g.
/// <c>exchange:filers/post-nl</c>, <c>exchange:officers/anna</c>, <c>exchange:agencies/food-safety</c>,
/// <c>exchange:partners/BE</c>. Ids follow the resource-name rules (lower-case letters, digits and
/// hyphens); a partner's id is its ISO 3166-1 alpha-2 country code. The subject's common name is
/// not used: it is free text for people.
/// </summary>
public sealed record CertificateIdentity(string Collection, string Id)
{
    public const string Scheme = "exchange:";
    public const string Filers = "filers";
    public const string Officers = "officers";
    public const string Agencies = "agencies";
    public const string Partners = "partners";

    private const string SubjectAlternativeNameOid = "2.5.29.17";
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6);

    /// <summary>The identity, or null when the certificate carries none, more than one, or a malformed one.</summary>
    public static CertificateIdentity? Read(X509Certificate2 certificate)
    {
        var extension = certificate.Extensions[SubjectAlternativeNameOid];
        if (extension is null)
        {
            return null;
        }
        List<string> uris;
        try
        {
            uris = UrisIn(extension.RawData).Where(u => u.StartsWith(Scheme, StringComparison.Ordinal)).ToList();
        }
        catch (Exception error) when (error is AsnContentException or CryptographicException)
        {
            return null;
        }
        return uris.Count == 1 ? Parse(uris[0]) : null;
    }

    /// <summary>Parses <c>exchange:{collection}/{id}</c>; null when it is not one.</summary>
    public static CertificateIdentity? Parse(string uri)
    {
        if (!uri.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return null;
        }
        var parts = uri[Scheme.Length..].Split('/');
        if (parts.Length != 2)
        {
            return null;
        }
        var (collection, id) = (parts[0], parts[1]);
        var valid = collection switch
        {
            Filers => ResourceNames.IsValidId(id) && !PartnerIdentity.IsReservedFilerId(id),
            Officers or Agencies => ResourceNames.IsValidId(id),
            Partners => id is { Length: 2 } && id.All(char.IsAsciiLetterUpper),
            _ => false,
        };
        return valid ? new CertificateIdentity(collection, id) : null;
    }

    // GeneralNames ::= SEQUENCE OF GeneralName; uniformResourceIdentifier [6] IA5String (RFC 5280 4.2.1.6).
    private static IEnumerable<string> UrisIn(byte[] subjectAlternativeName)
    {
        var names = new AsnReader(subjectAlternativeName, AsnEncodingRules.DER).ReadSequence();
        var uris = new List<string>();
        while (names.HasData)
        {
            if (names.PeekTag() == UriTag)
            {
                uris.Add(names.ReadCharacterString(UniversalTagNumber.IA5String, UriTag));
            }
            else
            {
                names.ReadEncodedValue();
            }
        }
        return uris;
    }
}

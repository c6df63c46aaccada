using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.Server.Identity;

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
    public const string Filers = ExchangeRoles.Filers;
    public const string Officers = ExchangeRoles.Officers;
    public const string Agencies = ExchangeRoles.Agencies;
    public const string Partners = ExchangeRoles.Partners;

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
        var valid = ExchangeRoles.All.Contains(collection) && ExchangeRoles.IsValidId(collection, id);
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

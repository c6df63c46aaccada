using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.DevCertificates;

/// <summary>
/// Issues ECDSA P-256 certificates: a root authority, node (server and client) certificates and
/// client certificates that carry an Exchange identity as a SAN URI (see <see cref="ExchangeIdentityUri"/>).
/// Development only: keys are created in memory and written unencrypted by <see cref="CertificateFiles"/>.
/// </summary>
public static class CertificateIssuer
{
    /// <summary>TLS Web Server Authentication (RFC 5280 id-kp-serverAuth).</summary>
    public const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>TLS Web Client Authentication (RFC 5280 id-kp-clientAuth).</summary>
    public const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    /// <summary>A self-signed root authority that may sign end-entity certificates only (path length 0).</summary>
    public static X509Certificate2 CreateAuthority(string commonName, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore, notAfter);
    }

    /// <summary>
    /// A node's certificate: serverAuth for its own endpoints and clientAuth because nodes call each
    /// other, DNS and IP names to reach it, and (when given) its partner identity URI.
    /// </summary>
    public static X509Certificate2 IssueNode(X509Certificate2 authority, string commonName, IEnumerable<string> dnsNames,
        IEnumerable<IPAddress> addresses, string? identityUri, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var names = new SubjectAlternativeNameBuilder();
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        if (identityUri is not null)
        {
            names.AddUri(new Uri(identityUri));
        }
        return Issue(authority, commonName, names, [ServerAuthentication, ClientAuthentication], notBefore, notAfter);
    }

    /// <summary>A client certificate (clientAuth only) whose SAN URI is the caller's Exchange identity.</summary>
    public static X509Certificate2 IssueClient(X509Certificate2 authority, string commonName, string identityUri,
        DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddUri(new Uri(identityUri));
        return Issue(authority, commonName, names, [ClientAuthentication], notBefore, notAfter);
    }

    private static X509Certificate2 Issue(X509Certificate2 authority, string commonName, SubjectAlternativeNameBuilder names,
        string[] usages, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(Subject(commonName), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        var oids = new OidCollection();
        foreach (var usage in usages)
        {
            oids.Add(new Oid(usage));
        }
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(oids, false));
        request.CertificateExtensions.Add(names.Build(critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // a positive INTEGER
        using var issued = request.Create(authority, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    private static X500DistinguishedName Subject(string commonName)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("The Exchange (development)");
        subject.AddCommonName(commonName);
        return subject.Build();
    }
}

/// <summary>
/// The Exchange identity a client certificate carries: one SAN URI <c>exchange:{collection}/{id}</c>,
/// where the part after <c>exchange:</c> is the caller's resource name, e.g. <c>exchange:filers/post-nl</c>,
/// <c>exchange:officers/anna</c>, <c>exchange:agencies/food-safety</c>, <c>exchange:partners/BE</c>.
/// </summary>
public static class ExchangeIdentityUri
{
    public const string Scheme = "exchange";

    public static string Filer(string id) => $"{Scheme}:filers/{id}";

    public static string Officer(string id) => $"{Scheme}:officers/{id}";

    public static string Agency(string id) => $"{Scheme}:agencies/{id}";

    /// <summary>A partner administration (another node), by its ISO 3166-1 alpha-2 country code.</summary>
    public static string Partner(string countryCode) => $"{Scheme}:partners/{countryCode}";
}

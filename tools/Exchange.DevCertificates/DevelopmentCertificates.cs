using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Exchange.DevCertificates;

/// <summary>
/// The certificates of a local two-node exchange: one development root authority, two nodes
/// (NL and BE) and the callers of each role. File names (in the output directory):
/// <list type="bullet">
/// <item><c>ca.crt.pem</c>, <c>ca.key.pem</c>: the development root; trust it for client certificates and to reach the nodes.</item>
/// <item><c>node-nl.*</c>, <c>node-be.*</c>: server and client certificate of each node (SAN localhost, 127.0.0.1, exchange:partners/NL|BE).</item>
/// <item><c>filer-post-nl.*</c>, <c>filer-swift-express.*</c>, <c>filer-parcel-direct.*</c>, <c>officer-anna.*</c>, <c>agency-food-safety.*</c>.</item>
/// <item>with test certificates: <c>expired-filer-post-nl.*</c> (validity ended yesterday),
/// <c>stranger-ca.*</c> and <c>stranger-filer-post-nl.*</c> (same identity, issued by an authority no node trusts).</item>
/// </list>
/// </summary>
public sealed class DevelopmentCertificates
{
    public const string Authority = "ca";
    public const string NodeNl = "node-nl";
    public const string NodeBe = "node-be";
    public const string FilerPostNl = "filer-post-nl";
    public const string FilerSwiftExpress = "filer-swift-express";
    public const string FilerParcelDirect = "filer-parcel-direct";
    public const string OfficerAnna = "officer-anna";
    public const string AgencyFoodSafety = "agency-food-safety";
    public const string ExpiredFilerPostNl = "expired-filer-post-nl";
    public const string StrangerAuthority = "stranger-ca";
    public const string StrangerFilerPostNl = "stranger-filer-post-nl";

    private readonly Dictionary<string, X509Certificate2> _issued = [];

    private DevelopmentCertificates()
    {
    }

    /// <summary>Every certificate issued, by file name (without extension). Each end-entity certificate has its private key.</summary>
    public IReadOnlyDictionary<string, X509Certificate2> Issued => _issued;

    public X509Certificate2 this[string name] => _issued[name];

    /// <summary>
    /// Issues the set. The authority is valid from 31 days ago for a year (so the expired test
    /// certificate, valid 30 days ago until yesterday, lies inside it); other certificates for 90 days.
    /// </summary>
    public static DevelopmentCertificates Create(DateTimeOffset now, bool includeTestCertificates, Action<string>? progress = null)
    {
        var set = new DevelopmentCertificates();
        void Note(string name, string what)
        {
            progress?.Invoke($"  {name,-24} {what}");
        }

        var caFrom = now.AddDays(-31);
        var ca = CertificateIssuer.CreateAuthority("Exchange development root CA", caFrom, caFrom.AddYears(1));
        set._issued[Authority] = ca;
        Note(Authority, "development root authority, ECDSA P-256, valid until " + ca.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd"));

        var from = now.AddMinutes(-5);
        var until = now.AddDays(90);
        foreach (var (name, country) in new[] { (NodeNl, "NL"), (NodeBe, "BE") })
        {
            set._issued[name] = CertificateIssuer.IssueNode(ca, $"{name}.exchange.localhost", ["localhost"],
                [IPAddress.Loopback, IPAddress.IPv6Loopback], ExchangeIdentityUri.Partner(country), from, until);
            Note(name, $"node: serverAuth+clientAuth, DNS localhost, IP 127.0.0.1 ::1, {ExchangeIdentityUri.Partner(country)}");
        }
        foreach (var (name, uri) in new[]
                 {
                     (FilerPostNl, ExchangeIdentityUri.Filer("post-nl")),
                     (FilerSwiftExpress, ExchangeIdentityUri.Filer("swift-express")),
                     (FilerParcelDirect, ExchangeIdentityUri.Filer("parcel-direct")),
                     (OfficerAnna, ExchangeIdentityUri.Officer("anna")),
                     (AgencyFoodSafety, ExchangeIdentityUri.Agency("food-safety")),
                 })
        {
            set._issued[name] = CertificateIssuer.IssueClient(ca, name, uri, from, until);
            Note(name, "client: " + uri);
        }
        if (includeTestCertificates)
        {
            set._issued[ExpiredFilerPostNl] = CertificateIssuer.IssueClient(ca, ExpiredFilerPostNl,
                ExchangeIdentityUri.Filer("post-nl"), now.AddDays(-30), now.AddDays(-1));
            Note(ExpiredFilerPostNl, "test: expired yesterday, " + ExchangeIdentityUri.Filer("post-nl"));
            var stranger = CertificateIssuer.CreateAuthority("Stranger root CA (not trusted by any node)", from, until);
            set._issued[StrangerAuthority] = stranger;
            Note(StrangerAuthority, "test: an authority no node trusts");
            set._issued[StrangerFilerPostNl] = CertificateIssuer.IssueClient(stranger, StrangerFilerPostNl,
                ExchangeIdentityUri.Filer("post-nl"), from, until);
            Note(StrangerFilerPostNl, "test: issued by the stranger, " + ExchangeIdentityUri.Filer("post-nl"));
        }
        return set;
    }

    /// <summary>Writes every certificate (PEM, key PEM, PFX without password) into <paramref name="directory"/>.</summary>
    public void Write(string directory, Action<string>? progress = null)
    {
        foreach (var (name, certificate) in _issued)
        {
            foreach (var path in CertificateFiles.Write(directory, name, certificate))
            {
                progress?.Invoke("  wrote " + path);
            }
        }
    }

    /// <summary>Path of NAME's file of the given kind (".crt.pem", ".key.pem", ".pfx") in <paramref name="directory"/>.</summary>
    public static string PathOf(string directory, string name, string extension) => Path.Combine(directory, name + extension);
}

using System.Security.Cryptography.X509Certificates;
using Exchange.DevCertificates;
using Exchange.Testing.Hosting;

namespace Exchange.Security.Tests;

/// <summary>
/// One real node in Certificate mode (node-nl's certificate, trusting the development CA for
/// clients) on loopback, with the certificate set issued into a temporary directory.
/// </summary>
public sealed class CertificateNode : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public DevelopmentCertificates Certificates { get; } = DevelopmentCertificates.Create(DateTimeOffset.UtcNow, includeTestCertificates: true);

    public ServerProcess Server { get; private set; } = null!;

    public string CertificateDirectory => Path.Combine(_directory.Path, "certificates");

    public X509Certificate2 this[string name] => Certificates[name];

    public async Task InitializeAsync()
    {
        Certificates.Write(CertificateDirectory);
        Server = await ServerProcess.StartAsync(Path.Combine(_directory.Path, "data"), Settings(CertificateDirectory),
            new ServerTls(Certificates[DevelopmentCertificates.FilerPostNl], [Certificates[DevelopmentCertificates.Authority]]));
    }

    /// <summary>The settings of a Certificate-mode node with the given certificate directory.</summary>
    public static Dictionary<string, string> Settings(string certificates) => new()
    {
        ["Exchange__Authentication__Mode"] = "Certificate",
        ["Exchange__Authentication__Certificate__ServerCertificatePath"] =
            DevelopmentCertificates.PathOf(certificates, DevelopmentCertificates.NodeNl, ".pfx"),
        ["Exchange__Authentication__Certificate__TrustedAuthorityPath"] =
            DevelopmentCertificates.PathOf(certificates, DevelopmentCertificates.Authority, ".crt.pem"),
    };

    public Task DisposeAsync()
    {
        Server?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

using Exchange.DevCertificates;
using Exchange.Testing.Hosting;

namespace Exchange.Security.Tests;

/// <summary>A Certificate-mode node that would be reachable without mutual TLS does not start.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task A_certificate_mode_node_refuses_plain_http_endpoints()
    {
        using var directory = new TempDirectory();
        var certificates = Path.Combine(directory.Path, "certificates");
        DevelopmentCertificates.Create(DateTimeOffset.UtcNow, includeTestCertificates: false).Write(certificates);

        // No ServerTls: ServerProcess gives the node http:// endpoints.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ServerProcess.StartAsync(Path.Combine(directory.Path, "data"), CertificateNode.Settings(certificates)));

        Assert.Contains("Exchange:Authentication:Mode is 'Certificate', which needs mutual TLS on every endpoint", error.Message);
    }

    [Fact]
    public async Task A_certificate_mode_node_without_its_trusted_authority_does_not_start()
    {
        using var directory = new TempDirectory();
        var certificates = Path.Combine(directory.Path, "certificates");
        var set = DevelopmentCertificates.Create(DateTimeOffset.UtcNow, includeTestCertificates: false);
        set.Write(certificates);
        var settings = CertificateNode.Settings(certificates);
        settings["Exchange__Authentication__Certificate__TrustedAuthorityPath"] = Path.Combine(certificates, "missing.pem");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(Path.Combine(directory.Path, "data"), settings,
            new ServerTls(set[DevelopmentCertificates.FilerPostNl], [set[DevelopmentCertificates.Authority]])));

        Assert.Contains("TrustedAuthorityPath must name a PEM file", error.Message);
    }
}

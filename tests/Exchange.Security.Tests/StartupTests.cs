using Exchange.DevCertificates;
using Exchange.Testing.Hosting;

namespace Exchange.Security.Tests;

/// <summary>
/// A node knows its callers by certificate unless told otherwise: without certificate settings
/// outside development it does not start, and a Certificate-mode node that would be reachable
/// without mutual TLS does not start either. The start-up log names the scheme in force.
/// </summary>
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

    [Fact]
    public async Task A_production_node_without_authentication_settings_refuses_to_start_saying_what_to_configure()
    {
        using var directory = new TempDirectory();
        var server = ServerProcess.ServerAssembly();

        // Exactly what an operator gets from the binary with its defaults, in the Production environment.
        var result = await ExternalProgram.RunAsync("dotnet", [server], Path.GetDirectoryName(server)!, TimeSpan.FromSeconds(60),
            new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["DOTNET_ENVIRONMENT"] = "Production",
                ["Kestrel__Endpoints__Grpc__Url"] = $"http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}",
                ["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{ServerProcess.FreeLoopbackPort()}",
                ["Exchange__Store__DataDirectory"] = directory.Path,
            });

        Assert.True(result.ExitCode == 1, result.Describe());
        var output = result.StandardOutput + result.StandardError;
        // One line on the error stream, as every settings problem (docs: README "Settings").
        var line = Assert.Single(result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains("No caller identity is configured", line, StringComparison.Ordinal);
        Assert.Contains("Exchange:Authentication:Certificate:ServerCertificatePath", line, StringComparison.Ordinal);
        Assert.Contains("Exchange:Authentication:Certificate:TrustedAuthorityPath", line, StringComparison.Ordinal);
        Assert.Contains("Exchange:Authentication:Mode=Development", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task The_start_up_log_names_the_development_scheme_when_it_is_configured()
    {
        using var directory = new TempDirectory();

        // No TLS: the harness configures Exchange:Authentication:Mode=Development explicitly.
        using var server = await ServerProcess.StartAsync(directory.Path);

        var line = Assert.Single(server.Output.Split('\n'), l => l.Contains("Caller identity:", StringComparison.Ordinal));
        Assert.Contains("Development, development headers (x-exchange-filer", line, StringComparison.Ordinal);
    }
}

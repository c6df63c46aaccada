using System.Net;

using Exchange.Contracts.Declaration.V1;
using EnforcementService = Exchange.Contracts.Enforcement.V1.EnforcementService;

using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;

using static Exchange.DevCertificates.DevelopmentCertificates;
using EnforcementListRequest = Exchange.Contracts.Enforcement.V1.ListDeclarationsRequest;

namespace Exchange.Security.Tests;

/// <summary>
/// Certificate mode against a real node process: the client certificate is the caller's identity,
/// and certificates the node does not trust never reach a service.
/// </summary>
public sealed class MutualTlsTests(CertificateNode node) : IClassFixture<CertificateNode>
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void The_start_up_log_names_the_certificate_scheme()
    {
        var line = Assert.Single(node.Server.Output.Split('\n'), l => l.Contains("Caller identity:", StringComparison.Ordinal));
        Assert.Contains("Certificate, client certificates (mutual TLS)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filer_certificate_submits_and_reads_its_own_declaration()
    {
        using var channel = node.Server.OpenChannel(node[FilerPostNl]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);

        var submitted = (await filer.SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline())).Declaration;
        var fetched = (await filer.GetDeclarationAsync(new GetDeclarationRequest { Name = submitted.Name }, deadline: Deadline())).Declaration;

        Assert.StartsWith("filers/post-nl/declarations/", submitted.Name);
        Assert.Equal(submitted.Name, fetched.Name);
    }

    [Fact]
    public async Task A_filer_certificate_cannot_read_or_file_for_another_filer()
    {
        using var postNl = node.Server.OpenChannel(node[FilerPostNl]);
        using var swift = node.Server.OpenChannel(node[FilerSwiftExpress]);
        var submitted = (await new DeclarationService.DeclarationServiceClient(postNl).SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline())).Declaration;
        var other = new DeclarationService.DeclarationServiceClient(swift);

        await ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => other.GetDeclarationAsync(new GetDeclarationRequest { Name = submitted.Name }, deadline: Deadline()).ResponseAsync);
        await ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => other.SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task An_officer_certificate_uses_enforcement_but_not_the_filer_service()
    {
        using var channel = node.Server.OpenChannel(node[OfficerAnna]);

        var listed = await new EnforcementService.EnforcementServiceClient(channel)
            .ListDeclarationsAsync(new EnforcementListRequest { Parent = "filers/-" }, deadline: Deadline());
        Assert.NotNull(listed);
        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => new DeclarationService.DeclarationServiceClient(channel).SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task A_partner_node_certificate_is_not_admitted_to_the_filer_or_officer_services()
    {
        // node-be's certificate carries exchange:partners/BE: partners have a service of their own, not these.
        using var channel = node.Server.OpenChannel(node[NodeBe]);

        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => new DeclarationService.DeclarationServiceClient(channel).SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline()).ResponseAsync);
        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => new EnforcementService.EnforcementServiceClient(channel).ListDeclarationsAsync(new EnforcementListRequest { Parent = "filers/-" }, deadline: Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task A_development_header_cannot_override_the_certificate()
    {
        using var channel = node.Server.OpenChannel(node[FilerPostNl]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);
        var claimingSwift = new Metadata { { "x-exchange-filer", "swift-express" } };
        var claimingOfficer = new Metadata { { "x-exchange-officer", "anna" } };

        // Still post-nl: filing for swift-express is refused, filing for post-nl is accepted.
        await ExpectAsync(StatusCode.PermissionDenied, "FILER_MISMATCH",
            () => filer.SubmitDeclarationAsync(Submit("swift-express"), claimingSwift, Deadline()).ResponseAsync);
        var own = (await filer.SubmitDeclarationAsync(Submit("post-nl"), claimingSwift, Deadline())).Declaration;
        Assert.StartsWith("filers/post-nl/", own.Name);
        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED",
            () => new EnforcementService.EnforcementServiceClient(channel).ListDeclarationsAsync(new EnforcementListRequest { Parent = "filers/-" }, claimingOfficer, Deadline()).ResponseAsync);
    }

    [Theory]
    [InlineData(StrangerFilerPostNl)]
    [InlineData(ExpiredFilerPostNl)]
    [InlineData(null)]
    public async Task A_stranger_an_expired_or_no_certificate_never_reaches_a_service(string? certificate)
    {
        using var channel = node.Server.OpenChannel(certificate is null ? null : node[certificate]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);

        // Over TLS 1.3 the client's handshake completes before the server has judged its
        // certificate; the server then closes the connection without a single HTTP/2 frame. The
        // client sees UNAVAILABLE ("the server did not complete the HTTP/2 handshake") or, when it
        // had already started writing the request, INTERNAL: in both cases a transport error
        // raised by the client itself, never a status from the service (no grpc-status, no ErrorInfo).
        var error = await Assert.ThrowsAsync<RpcException>(() => filer.SubmitDeclarationAsync(Submit("post-nl"), deadline: Deadline()).ResponseAsync);

        Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
        Assert.StartsWith("Error starting gRPC call.", error.Status.Detail);
        Assert.Null(error.GetRpcStatus());
        Assert.IsType<HttpRequestException>(error.Status.DebugException);
    }

    [Theory]
    [InlineData(StrangerFilerPostNl)]
    [InlineData(ExpiredFilerPostNl)]
    [InlineData(null)]
    public async Task Over_tls_1_2_the_same_certificates_fail_the_handshake_itself(string? certificate)
    {
        // TLS 1.2 finishes the handshake only after the server has accepted the client
        // certificate, which shows where the refusal happens: in Kestrel's TLS handshake.
        var error = await Assert.ThrowsAnyAsync<Exception>(() => HandshakeAsync(certificate is null ? null : node[certificate]));
        Assert.True(error is System.Security.Authentication.AuthenticationException or IOException, error.ToString());

        await HandshakeAsync(node[FilerPostNl]); // the control: a trusted certificate completes it
    }

    private async Task HandshakeAsync(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        using var timeout = new CancellationTokenSource(CallTimeout);
        await tcp.ConnectAsync(node.Server.Address.Host, node.Server.Address.Port, timeout.Token);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12,
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http2],
            ClientCertificates = certificate is null ? null : [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate!,
            RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && node.Server.Tls!.IsServerTrusted(server),
        }, timeout.Token);
        // The server has nothing to say before the client's preface; a refused connection is closed, an accepted one stays open.
        await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray(), timeout.Token);
        await tls.WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }, timeout.Token); // an empty SETTINGS frame
        var frame = new byte[9];
        var read = await tls.ReadAsync(frame, timeout.Token);
        if (read == 0)
        {
            throw new IOException("The server closed the connection.");
        }
    }

    [Fact]
    public async Task The_json_endpoint_requires_the_client_certificate_too()
    {
        using var http = new HttpClient(node.Server.CreateHandler(node[FilerPostNl])) { BaseAddress = node.Server.HttpAddress, Timeout = CallTimeout };
        var response = await http.PostAsync($"/v1/filers/post-nl/declarations?requestId={Guid.NewGuid()}",
            new StringContent(Google.Protobuf.JsonFormatter.Default.Format(SampleDeclarations.PostalGift()), System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forOther = await http.GetAsync("/v1/filers/swift-express/declarations");
        Assert.Equal(HttpStatusCode.Forbidden, forOther.StatusCode);

        using var anonymous = new HttpClient(node.Server.CreateHandler(null)) { BaseAddress = node.Server.HttpAddress, Timeout = CallTimeout };
        // HTTP/1.1 over TLS 1.3: the server closes the connection instead of answering.
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => anonymous.GetAsync("/v1/filers/post-nl/declarations"));
        Assert.Equal(HttpRequestError.ResponseEnded, ((HttpIOException)refused.InnerException!).HttpRequestError);
    }

    private static SubmitDeclarationRequest Submit(string filer) => new()
    {
        Parent = $"filers/{filer}",
        Declaration = SampleDeclarations.PostalGift(),
        RequestId = Guid.NewGuid().ToString(),
    };

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);

    private static async Task ExpectAsync(StatusCode code, string reason, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }
}

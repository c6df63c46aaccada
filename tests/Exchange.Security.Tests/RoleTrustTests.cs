using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.DevCertificates;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Rpc;
using Grpc.Core;

using static Exchange.DevCertificates.DevelopmentCertificates;

namespace Exchange.Security.Tests;

/// <summary>
/// Per-role trust anchors: a partner administration's own authority is trusted for partners only,
/// so its certificates cannot act as a filer, and a partner certificate from the general authority
/// is not enough once partners have an authority of their own.
/// </summary>
public sealed class RoleTrustTests : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _directory = new();
    private readonly DevelopmentCertificates _certificates = Create(DateTimeOffset.UtcNow, includeTestCertificates: true);
    private ServerProcess _server = null!;
    private X509Certificate2 _pinnedLuxembourg = null!;

    public async Task InitializeAsync()
    {
        var certificates = Path.Combine(_directory.Path, "certificates");
        _certificates.Write(certificates);
        var settings = CertificateNode.Settings(certificates);
        // The "stranger" authority plays a partner administration's CA, trusted for partners only.
        settings["Exchange__Authentication__Certificate__RoleAuthorityPaths__partners"] = PathOf(certificates, StrangerAuthority, ".crt.pem");
        // LU is a partner whose node certificate is pinned: only that one certificate may act as partners/LU.
        _pinnedLuxembourg = PartnerCertificate("LU");
        var pinnedPath = Path.Combine(certificates, "pinned-lu.crt.pem");
        await File.WriteAllTextAsync(pinnedPath, _pinnedLuxembourg.ExportCertificatePem());
        settings["Exchange__PartnerExchange__Partners__LU__Receive__0"] = "KnownShipperLookups";
        settings["Exchange__PartnerExchange__Partners__LU__CertificatePath"] = pinnedPath;
        _server = await ServerProcess.StartAsync(Path.Combine(_directory.Path, "data"), settings,
            new ServerTls(_certificates[FilerPostNl], [_certificates[Authority]]));
    }

    public Task DisposeAsync()
    {
        _server?.Dispose();
        _pinnedLuxembourg?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_certificate_from_the_partners_authority_acts_as_a_partner_and_as_nothing_else()
    {
        using var belgianNode = PartnerCertificate("BE");
        using var asPartner = _server.OpenChannel(belgianNode);
        using var asFiler = _server.OpenChannel(_certificates[StrangerFilerPostNl]);

        // Admitted as partners/BE: refused only because this node has no agreement with BE.
        await ExpectAsync(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED",
            () => new PartnerExchangeService.PartnerExchangeServiceClient(asPartner)
                .DeliverMessagesAsync(new DeliverMessagesRequest(), deadline: Deadline()).ResponseAsync);
        // The same authority vouching for a filer is not trusted for filers.
        await ExpectAsync(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => new DeclarationService.DeclarationServiceClient(asFiler).GetDeclarationAsync(
                new GetDeclarationRequest { Name = "filers/post-nl/declarations/0192aaaa" }, deadline: Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task Once_partners_have_their_own_authority_the_general_one_no_longer_vouches_for_them()
    {
        using var channel = _server.OpenChannel(_certificates[NodeBe]); // exchange:partners/BE from the general development CA

        await ExpectAsync(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => new PartnerExchangeService.PartnerExchangeServiceClient(channel)
                .DeliverMessagesAsync(new DeliverMessagesRequest(), deadline: Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task Filers_of_the_general_authority_are_unaffected()
    {
        using var channel = _server.OpenChannel(_certificates[FilerPostNl]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);

        var submitted = await filer.SubmitDeclarationAsync(new SubmitDeclarationRequest
        {
            Parent = "filers/post-nl",
            Declaration = SampleDeclarations.PostalGift(),
            RequestId = Guid.NewGuid().ToString(),
        }, deadline: Deadline());

        Assert.StartsWith("filers/post-nl/declarations/", submitted.Declaration.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_pinned_partner_is_admitted_only_with_its_pinned_certificate()
    {
        using var pinned = _server.OpenChannel(_pinnedLuxembourg);
        using var other = PartnerCertificate("LU"); // same authority, same identity, another certificate
        using var impostor = _server.OpenChannel(other);
        var lookup = new LookupKnownShipperStatusRequest { TraderIdentifier = "LU12345678" };

        var answer = await new PartnerExchangeService.PartnerExchangeServiceClient(pinned).LookupKnownShipperStatusAsync(lookup, deadline: Deadline());
        await ExpectAsync(StatusCode.Unauthenticated, "CALLER_UNAUTHENTICATED",
            () => new PartnerExchangeService.PartnerExchangeServiceClient(impostor).LookupKnownShipperStatusAsync(lookup, deadline: Deadline()).ResponseAsync);

        Assert.False(answer.KnownShipper);
    }

    /// <summary>A partner node's client certificate from the partners' authority (made moments ago, so valid from now).</summary>
    private X509Certificate2 PartnerCertificate(string code)
    {
        var now = DateTimeOffset.UtcNow;
        return CertificateIssuer.IssueClient(_certificates[StrangerAuthority], $"{code} node", ExchangeIdentityUri.Partner(code), now, now.AddDays(1));
    }

    private static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);

    private static async Task ExpectAsync(StatusCode code, string reason, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }
}

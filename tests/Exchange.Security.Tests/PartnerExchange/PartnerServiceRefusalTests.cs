using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using static Exchange.DevCertificates.DevelopmentCertificates;

namespace Exchange.Security.Tests.PartnerExchange;

/// <summary>
/// PartnerExchangeService at node BE admits only partner nodes it has an agreement with, and a
/// partner only to what was shared with it: certificates BE does not trust fail the TLS handshake,
/// other roles and unknown administrations are PERMISSION_DENIED, and a decision on a declaration
/// BE never shared with the caller is rejected as NOT_FOUND, telling nothing of it.
/// </summary>
[Collection(PartnerNodes.Collection)]
public sealed class PartnerServiceRefusalTests(PartnerNodes nodes)
{
    public static TheoryData<string> UntrustedCertificates => ["stranger-node-nl", "expired-node-nl", StrangerFilerPostNl, ExpiredFilerPostNl];

    [Theory]
    [MemberData(nameof(UntrustedCertificates))]
    public async Task A_certificate_from_an_untrusted_authority_or_expired_fails_the_tls_handshake_and_delivers_nothing(string certificate)
    {
        await nodes.Be.StartAsync();
        var presented = Untrusted(certificate);
        var shared = SharedByNl();

        using (var channel = nodes.Be.OpenChannel(presented))
        {
            // TLS 1.3: the server judges the certificate after the client's handshake, then closes
            // the connection before any HTTP/2 frame: a transport error, no status from a service.
            var error = await Assert.ThrowsAsync<RpcException>(() => Partner(channel).DeliverMessagesAsync(
                new DeliverMessagesRequest { Messages = { shared } }, deadline: PartnerNodes.Deadline()).ResponseAsync);
            Assert.Contains(error.StatusCode, new[] { StatusCode.Unavailable, StatusCode.Internal });
            Assert.StartsWith("Error starting gRPC call.", error.Status.Detail);
            Assert.Null(error.GetRpcStatus());
        }
        // TLS 1.2 completes the handshake only once the server accepted the certificate: it fails there.
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => HandshakeOverTls12Async(presented));
        Assert.True(refused is AuthenticationException or IOException, refused.ToString());
        await HandshakeOverTls12Async(nodes[NodeNl]); // the control: NL's real certificate completes it

        Assert.DoesNotContain(await nodes.CopiesAtBeAsync(), c => c.SharingOrigin.SourceDeclaration == shared.SharedDeclaration.Declaration.Name);
    }

    [Theory]
    [InlineData(FilerPostNl)]
    [InlineData(OfficerAnna)]
    public async Task A_trusted_certificate_of_another_role_is_permission_denied_as_role_not_permitted(string certificate)
    {
        await nodes.Be.StartAsync();
        using var channel = nodes.Be.OpenChannel(nodes[certificate]);

        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED", () => Partner(channel).DeliverMessagesAsync(
            new DeliverMessagesRequest { Messages = { SharedByNl() } }, deadline: PartnerNodes.Deadline()).ResponseAsync);
        await ExpectAsync(StatusCode.PermissionDenied, "ROLE_NOT_PERMITTED", () => Partner(channel).LookupKnownShipperStatusAsync(
            new LookupKnownShipperStatusRequest { TraderIdentifier = "NL123456789" }, deadline: PartnerNodes.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task A_partner_administration_without_an_agreement_is_permission_denied_as_agreement_not_permitted()
    {
        await nodes.Be.StartAsync();
        using var channel = nodes.Be.OpenChannel(nodes.UnconfiguredPartner); // exchange:partners/FR, from the trusted CA

        await ExpectAsync(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED", () => Partner(channel).DeliverMessagesAsync(
            new DeliverMessagesRequest { Messages = { SharedByNl() } }, deadline: PartnerNodes.Deadline()).ResponseAsync);
        await ExpectAsync(StatusCode.PermissionDenied, "AGREEMENT_NOT_PERMITTED", () => Partner(channel).LookupKnownShipperStatusAsync(
            new LookupKnownShipperStatusRequest { TraderIdentifier = "NL123456789" }, deadline: PartnerNodes.Deadline()).ResponseAsync);
    }

    [Fact]
    public async Task A_decision_on_a_declaration_not_shared_with_the_partner_is_rejected_as_not_found_and_changes_nothing()
    {
        await nodes.Be.StartAsync();
        // Filed at BE for Germany: never shared with NL.
        Declaration own;
        using (var filerChannel = nodes.Be.OpenChannel(nodes[FilerPostNl]))
        {
            own = (await new DeclarationService.DeclarationServiceClient(filerChannel).SubmitDeclarationAsync(new SubmitDeclarationRequest
            {
                Parent = "filers/post-nl", Declaration = SampleDeclarations.PostalGift("LRN-NOT-SHARED"), RequestId = Guid.NewGuid().ToString(),
            }, deadline: PartnerNodes.Deadline())).Declaration;
        }
        var missing = $"filers/post-nl/declarations/{Guid.NewGuid():N}";

        DeliverMessagesResponse response;
        using (var channel = nodes.Be.OpenChannel(nodes[NodeNl]))
        {
            response = await Partner(channel).DeliverMessagesAsync(
                new DeliverMessagesRequest { Messages = { DecisionOn(own.Name), DecisionOn(missing) } }, deadline: PartnerNodes.Deadline());
        }

        Assert.Equal(2, response.Acknowledgements.Count);
        foreach (var acknowledgement in response.Acknowledgements)
        {
            Assert.Equal(DeliveryOutcome.Rejected, acknowledgement.Outcome);
            Assert.Equal((int)Code.NotFound, acknowledgement.Rejection.Code);
            var detail = Assert.Single(acknowledgement.Rejection.Details); // an ErrorInfo, and no data
            Assert.Equal("DECLARATION_NOT_FOUND", detail.Unpack<ErrorInfo>().Reason);
            Assert.DoesNotContain(own.CustomsReference, acknowledgement.Rejection.ToString(), StringComparison.Ordinal);
        }
        // The existing declaration is refused exactly like one that does not exist: no way to tell them apart.
        Assert.Equal(Anonymised(response.Acknowledgements[1].Rejection, missing), Anonymised(response.Acknowledgements[0].Rejection, own.Name));

        var after = await nodes.OfficerGetAsync(nodes.Be, own.Name);
        Assert.Empty(after.PartnerDecisions);
        Assert.DoesNotContain(await nodes.EventsAsync(nodes.Be, own.Name), e => e.Type == DeclarationEventType.PartnerDecisionReceived);
    }

    /// <summary>A rejection as text with the declaration's name replaced, to compare two refusals.</summary>
    private static string Anonymised(Google.Rpc.Status rejection, string name)
    {
        var info = rejection.GetDetail<ErrorInfo>();
        var metadata = string.Join(",", info.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
        return $"{rejection.Code} {rejection.Message} {info.Reason} {info.Domain} {metadata}".Replace(name, "NAME", StringComparison.Ordinal);
    }

    private X509Certificate2 Untrusted(string name) => name switch
    {
        "stranger-node-nl" => nodes.StrangerPartnerNl,
        "expired-node-nl" => nodes.ExpiredPartnerNl,
        _ => nodes[name],
    };

    private static PartnerExchangeService.PartnerExchangeServiceClient Partner(Grpc.Net.Client.GrpcChannel channel) => new(channel);

    /// <summary>A well-formed message from NL sharing a declaration bound for Belgium (as NL's outbox would send it).</summary>
    private static PartnerMessage SharedByNl()
    {
        var declaration = SampleDeclarations.PostalGift("LRN-IMPOSTOR");
        declaration.Transport.DestinationCountryCode = "BE";
        declaration.Name = $"filers/post-nl/declarations/{Guid.NewGuid():N}";
        declaration.CustomsReference = "26NLIMPOSTOR000001";
        declaration.Status = DeclarationStatus.Accepted;
        declaration.Revision = 1;
        return new PartnerMessage
        {
            MessageId = Guid.NewGuid().ToString(), CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
            SharedDeclaration = new SharedDeclaration { Declaration = declaration },
        };
    }

    /// <summary>A well-formed decision from NL on <paramref name="declaration"/>, as if BE had shared it.</summary>
    private static PartnerMessage DecisionOn(string declaration) => new()
    {
        MessageId = Guid.NewGuid().ToString(),
        CreateTime = Timestamp.FromDateTime(DateTime.UtcNow),
        ReturnedDecision = new ReturnedDecision
        {
            SourceDeclaration = declaration,
            CustomsReference = "26NL0000000000001",
            Status = DeclarationStatus.Released,
            Decision = new Decision { Outcome = DecisionOutcome.Release, Reason = "Released after assessment." },
            Revision = 2,
        },
    };

    private static async Task ExpectAsync(StatusCode code, string reason, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.Equal(code, error.StatusCode);
        Assert.Equal(reason, error.GetRpcStatus()?.GetDetail<ErrorInfo>()?.Reason);
    }

    /// <summary>
    /// A TLS 1.2 handshake with BE presenting <paramref name="certificate"/>, then the HTTP/2 preface:
    /// throws when the server refuses the certificate (in the handshake, or by closing at once).
    /// </summary>
    private async Task HandshakeOverTls12Async(X509Certificate2 certificate)
    {
        var address = nodes.Be.Server.Address;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address.Host, address.Port, timeout.Token);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = SslProtocols.Tls12,
            ApplicationProtocols = [SslApplicationProtocol.Http2],
            ClientCertificates = [certificate],
            LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate,
            RemoteCertificateValidationCallback = (_, server, _, _) => server is not null && nodes.Be.Server.Tls!.IsServerTrusted(server),
        }, timeout.Token);
        await tls.WriteAsync("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray(), timeout.Token);
        await tls.WriteAsync(new byte[] { 0, 0, 0, 4, 0, 0, 0, 0, 0 }, timeout.Token); // an empty SETTINGS frame
        if (await tls.ReadAsync(new byte[9], timeout.Token) == 0)
        {
            throw new IOException("The server closed the connection.");
        }
    }
}

using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Partners;
using Exchange.Server.Identity;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Server.Hosting;

/// <summary>
/// Reaches partner nodes over gRPC. In certificate mode: mutual TLS, presenting this node's
/// certificate and accepting only a partner server whose certificate chains to a configured
/// authority (general or the partners' role authorities) and matches the endpoint's host name. In development mode (plain http on loopback):
/// the partner header names this node. One channel per partner, kept for the node's lifetime.
/// </summary>
public sealed class GrpcPartnerChannel(ExchangeOptions options, ILogger<GrpcPartnerChannel> logger) : IPartnerChannel, IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.Ordinal);
    private readonly Lazy<(X509Certificate2 Own, X509Certificate2Collection Authorities)> _certificates = new(() =>
    {
        var own = AuthenticationRegistration.LoadServerCertificate(options.Authentication.Certificate);
        // Partner servers are issued by their own administrations: trust the partners' role
        // authorities (RoleAuthorityPaths:partners) as well as the general one.
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(options.Authentication.Certificate.TrustedAuthorityPath);
        if (options.Authentication.Certificate.RoleAuthorityPaths.GetValueOrDefault(CertificateIdentity.Partners) is { Length: > 0 } partners)
        {
            authorities.ImportFromPemFile(partners);
        }
        return (own, authorities);
    });

    private bool UsesCertificates => options.Authentication.Mode == AuthenticationOptions.CertificateMode;

    public async Task<IReadOnlyList<MessageAcknowledgement>> DeliverAsync(
        PartnerAgreement partner, IReadOnlyList<PartnerMessage> messages, CancellationToken cancellationToken)
    {
        var client = new PartnerExchangeService.PartnerExchangeServiceClient(_channels.GetOrAdd(partner.Code, _ => Open(partner)));
        var headers = new Metadata();
        if (!UsesCertificates)
        {
            headers.Add(DevelopmentHeaderIdentityResolver.PartnerHeader, options.Administration.CountryCode);
        }
        try
        {
            var response = await client.DeliverMessagesAsync(
                new DeliverMessagesRequest { Messages = { messages } },
                headers,
                DateTime.UtcNow + options.PartnerExchange.DeliveryTimeout,
                cancellationToken);
            return response.Acknowledgements;
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            // The partner's status message is its own text; it is shown to our operators only.
            throw new PartnerUnreachableException($"{error.StatusCode}: {error.Status.Detail}", error);
        }
        catch (HttpRequestException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PartnerUnreachableException("Connection failed: " + error.Message, error);
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }
    }

    private GrpcChannel Open(PartnerAgreement partner)
    {
        var handler = new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            KeepAlivePingDelay = TimeSpan.FromSeconds(60),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(30),
        };
        if (UsesCertificates)
        {
            var (own, authorities) = _certificates.Value;
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                ClientCertificates = [own],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    certificate is X509Certificate2 server && IsTrustedServer(server, authorities, errors),
            };
        }
        logger.LogInformation("Partner {Partner}: channel to {Endpoint}", partner.Name, partner.Endpoint);
        return GrpcChannel.ForAddress(partner.Endpoint, new GrpcChannelOptions
        {
            HttpHandler = handler,
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            MaxSendMessageSize = 64 * 1024 * 1024,
        });
    }

    /// <summary>The partner server's certificate chains to our configured authorities (not the system store) and names the host we called.</summary>
    private static bool IsTrustedServer(X509Certificate2 certificate, X509Certificate2Collection authorities, SslPolicyErrors errors)
    {
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthentication));
        return chain.Build(certificate);
    }
}

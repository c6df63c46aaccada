using Exchange.Contracts.Partner.V1;
using Exchange.Core.Enforcement;
using Exchange.Core.Events;
using Exchange.Core.Monetary;
using Exchange.Core.Partners;
using Exchange.Core.Storage;
using Exchange.Server.Grpc;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Hosting;

/// <summary>
/// Customs-to-customs exchange (Exchange:PartnerExchange): the partner agreements, checked at
/// start-up (a wrong agreement stops the node, every problem named); the sharing rule on every
/// store write; the inbox behind PartnerExchangeService; the outbox delivery loop; and the
/// officers' view of partners. With no partner configured the store is not decorated and no loop runs.
/// </summary>
public static class PartnerRegistration
{
    /// <summary>The key of the WorkPulse raised when a write put messages in the outbox.</summary>
    public const string OutboxPulse = "outbox";

    public static WebApplicationBuilder AddExchangePartners(this WebApplicationBuilder builder)
    {
        var startup = builder.Configuration.GetSection(ExchangeOptions.Section).Get<ExchangeOptions>() ?? new ExchangeOptions();
        var agreements = Agreements(startup);
        var services = builder.Services;
        services.AddSingleton(agreements);
        services.AddKeyedSingleton<WorkPulse>(OutboxPulse);
        services.AddSingleton(provider => new PartnerInbox(
            provider.GetRequiredService<IDeclarationStore>(),
            provider.GetRequiredService<IEventSignal>(),
            provider.GetRequiredService<TimeProvider>(),
            agreements,
            provider.GetRequiredService<ExchangeRates>(),
            provider.GetRequiredService<KnownShipperRegistry>(),
            provider.GetRequiredService<WorkPulse>()));
        services.AddSingleton<PartnerAdministration>();
        services.AddSingleton(PinnedPartnerCertificates.Load(startup.PartnerExchange));
        if (agreements.IsEmpty)
        {
            return builder;
        }
        services.AddSingleton(new PartnerSharing(agreements));
        var exchange = startup.PartnerExchange;
        services.AddSingleton(provider => new PartnerDelivery(
            provider.GetRequiredService<IOutboxStore>(),
            provider.GetRequiredService<IPartnerChannel>(),
            provider.GetRequiredService<TimeProvider>(),
            new DeliverySettings(exchange.BatchSize, exchange.InitialBackoff, exchange.MaxBackoff)));
        services.AddSingleton<IPartnerChannel>(provider => new GrpcPartnerChannel(
            provider.GetRequiredService<IOptions<ExchangeOptions>>().Value, provider.GetRequiredService<ILogger<GrpcPartnerChannel>>()));
        services.AddSingleton<PartnerMetrics>();
        services.AddHostedService<PartnerDeliveryService>();
        return builder;
    }

    public static WebApplication MapExchangePartners(this WebApplication app)
    {
        app.MapGrpcService<PartnerExchangeGrpcService>();
        app.MapGrpcService<PartnerAdministrationGrpcService>();
        return app;
    }

    /// <summary>The configured agreements; throws, naming every problem, when one is wrong.</summary>
    public static PartnerAgreements Agreements(ExchangeOptions options)
    {
        var own = options.Administration.CountryCode;
        var problems = new List<string>();
        var agreements = new List<PartnerAgreement>();
        var exchange = options.PartnerExchange;
        if (exchange.BatchSize is < 1 or > PartnerInbox.MaxMessagesPerDelivery)
        {
            problems.Add($"Exchange:PartnerExchange:BatchSize must be 1 to {PartnerInbox.MaxMessagesPerDelivery}.");
        }
        if (exchange.PollInterval <= TimeSpan.Zero || exchange.InitialBackoff <= TimeSpan.Zero
            || exchange.MaxBackoff < exchange.InitialBackoff || exchange.DeliveryTimeout <= TimeSpan.Zero)
        {
            problems.Add("Exchange:PartnerExchange: PollInterval, InitialBackoff and DeliveryTimeout must be positive and MaxBackoff at least InitialBackoff.");
        }
        foreach (var (code, partner) in exchange.Partners)
        {
            var prefix = $"Exchange:PartnerExchange:Partners:{code}: ";
            var send = Kinds(partner.Send, prefix + "Send", problems);
            var receive = Kinds(partner.Receive, prefix + "Receive", problems);
            var agreement = new PartnerAgreement(code, partner.Endpoint, send, receive, partner.WithheldFields);
            problems.AddRange(agreement.Problems(own).Select(p => prefix + p));
            if (!string.IsNullOrEmpty(partner.CertificatePath) && !File.Exists(partner.CertificatePath))
            {
                problems.Add(prefix + $"CertificatePath '{partner.CertificatePath}' does not exist.");
            }
            agreements.Add(agreement);
        }
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("The partner configuration is wrong:\n  " + string.Join("\n  ", problems));
        }
        return new PartnerAgreements(own, agreements);
    }

    private static HashSet<MessageKind> Kinds(IEnumerable<string> names, string setting, List<string> problems)
    {
        var kinds = new HashSet<MessageKind>();
        foreach (var name in names)
        {
            if (Enum.TryParse<MessageKind>(name, ignoreCase: true, out var kind) && kind != MessageKind.Unspecified && Enum.IsDefined(kind))
            {
                kinds.Add(kind);
            }
            else
            {
                problems.Add($"{setting}: '{name}' is not one of Declarations, Decisions, KnownShipperLookups.");
            }
        }
        return kinds;
    }
}

/// <summary>
/// Exchange:PartnerExchange: the partner administrations and how their outboxes are delivered.
/// The node calls partners with its own certificate (Exchange:Authentication:Certificate:
/// ServerCertificatePath, which must allow TLS client authentication, as `scripts/dev-certificates`'
/// node certificates do) and trusts partners' servers issued by TrustedAuthorityPath.
/// </summary>
public sealed class PartnerExchangeOptions
{
    /// <summary>The partners by administration code, e.g. "BE".</summary>
    public Dictionary<string, PartnerOptions> Partners { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Messages per delivery call (1 to 500).</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often each partner's outbox is checked when no write woke the loop (another node's writes, for one).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The wait after a first failed delivery; it doubles with each further failure up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between attempts while a partner is down.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The deadline of one delivery call.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>One partner and the data-sharing agreement with it.</summary>
public sealed class PartnerOptions
{
    /// <summary>The partner node's URL, e.g. https://exchange.douane.be:5001.</summary>
    public string Endpoint { get; set; } = "";

    /// <summary>What this node sends it: Declarations (pre-arrival data for it as destination), Decisions (on what it shared here).</summary>
    public List<string> Send { get; set; } = [];

    /// <summary>What this node accepts from it: Declarations, Decisions, KnownShipperLookups.</summary>
    public List<string> Receive { get; set; } = [];

    /// <summary>Declaration fields never sent to it (personal data the agreement withholds), e.g. consignee.contact.</summary>
    public List<string> WithheldFields { get; set; } = [];

    /// <summary>
    /// Optional: the partner node's certificate (PEM). When set, a call as this partner must present
    /// exactly this certificate, not just any certificate naming the partner from a trusted authority.
    /// </summary>
    public string CertificatePath { get; set; } = "";
}

/// <summary>
/// The partner certificates the configuration pins (Exchange:PartnerExchange:Partners:{code}:CertificatePath),
/// read once at start-up: a call as a pinned partner must present exactly that certificate.
/// </summary>
public sealed class PinnedPartnerCertificates(IReadOnlyDictionary<string, byte[]> byCode)
{
    public static PinnedPartnerCertificates Load(PartnerExchangeOptions options) => new(options.Partners
        .Where(p => p.Value.CertificatePath.Length > 0)
        .ToDictionary(p => p.Key, p =>
        {
            using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(p.Value.CertificatePath);
            return certificate.RawData;
        }, StringComparer.Ordinal));

    /// <summary>True unless the partner is pinned and <paramref name="presented"/> is not its certificate.</summary>
    public bool Admits(string code, System.Security.Cryptography.X509Certificates.X509Certificate2? presented) =>
        !byCode.TryGetValue(code, out var expected) || (presented is not null && presented.RawDataMemory.Span.SequenceEqual(expected));
}

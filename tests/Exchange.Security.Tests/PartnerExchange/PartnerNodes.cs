using System.Net;
using System.Security.Cryptography.X509Certificates;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Identity;
using Exchange.DevCertificates;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Grpc.Net.Client;
using EnforcementService = Exchange.Contracts.Enforcement.V1.EnforcementService;

namespace Exchange.Security.Tests.PartnerExchange;

/// <summary>
/// Two administrations as real node processes on loopback, each the other's partner (declarations
/// and decisions both ways) over mutual TLS: node NL presents node-nl's certificate, node BE
/// node-be's, and both trust the development CA. Every port is chosen before either node starts,
/// so each knows the other's endpoint and a node restarts on its own ports and data directory
/// (SQLite). Both decide at once (assessment delay zero) and retry a partner quickly.
/// Besides the development set, it issues partner certificates the tool does not: an unconfigured
/// administration (FR) from the trusted CA, and NL's identity from the stranger CA and expired.
/// </summary>
public sealed class PartnerNodes : IAsyncLifetime
{
    public const string Collection = "Two partner node processes";

    /// <summary>The filer whose declarations the tests file at NL (certificate filer-post-nl).</summary>
    public const string FilerAtNl = "filers/post-nl";

    /// <summary>The bound of every wait for an asynchronous effect (delivery, assessment, restart backoff).</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(15);
    private readonly TempDirectory _directory = new();

    public PartnerNodes()
    {
        var now = DateTimeOffset.UtcNow;
        Certificates = DevelopmentCertificates.Create(now, includeTestCertificates: true);
        var authority = Certificates[DevelopmentCertificates.Authority];
        UnconfiguredPartner = Node(authority, "node-fr", "FR", now.AddMinutes(-5), now.AddDays(1));
        StrangerPartnerNl = Node(Certificates[DevelopmentCertificates.StrangerAuthority], "stranger-node-nl", "NL", now.AddMinutes(-5), now.AddDays(1));
        ExpiredPartnerNl = Node(authority, "expired-node-nl", "NL", now.AddDays(-30), now.AddDays(-1));

        var certificates = Path.Combine(_directory.Path, "certificates");
        var (nlGrpc, nlHttp) = (ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort());
        var (beGrpc, beHttp) = (ServerProcess.FreeLoopbackPort(), ServerProcess.FreeLoopbackPort());
        var tls = new ServerTls(Certificates[DevelopmentCertificates.OfficerAnna], [authority]);
        Nl = new PartnerNode("NL", Path.Combine(_directory.Path, "nl"), tls,
            Settings("NL", DevelopmentCertificates.NodeNl, certificates, nlGrpc, nlHttp, partner: "BE", partnerPort: beGrpc));
        Be = new PartnerNode("BE", Path.Combine(_directory.Path, "be"), tls,
            Settings("BE", DevelopmentCertificates.NodeBe, certificates, beGrpc, beHttp, partner: "NL", partnerPort: nlGrpc));
        CertificateDirectory = certificates;
    }

    public DevelopmentCertificates Certificates { get; }

    public string CertificateDirectory { get; }

    /// <summary>Node NL (administration NL).</summary>
    public PartnerNode Nl { get; }

    /// <summary>Node BE (administration BE).</summary>
    public PartnerNode Be { get; }

    /// <summary>A node certificate for exchange:partners/FR from the trusted CA: an administration neither node has an agreement with.</summary>
    public X509Certificate2 UnconfiguredPartner { get; }

    /// <summary>A node certificate claiming exchange:partners/NL, issued by the stranger CA no node trusts.</summary>
    public X509Certificate2 StrangerPartnerNl { get; }

    /// <summary>A node certificate for exchange:partners/NL from the trusted CA whose validity ended yesterday.</summary>
    public X509Certificate2 ExpiredPartnerNl { get; }

    public X509Certificate2 this[string name] => Certificates[name];

    public async Task InitializeAsync()
    {
        Certificates.Write(CertificateDirectory);
        await Task.WhenAll(Nl.StartAsync(), Be.StartAsync());
    }

    public Task DisposeAsync()
    {
        Nl.Dispose();
        Be.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Both nodes running and both outboxes empty, so a test starts from a quiet exchange (and
    /// one that failed half-way does not leave the next a node down).
    /// </summary>
    public async Task EnsureQuietAsync()
    {
        await Task.WhenAll(Nl.StartAsync(), Be.StartAsync());
        await EventuallyAsync("both outboxes empty", async () =>
            (await PartnerAsync(Nl, Be)).Backlog.PendingMessages == 0 && (await PartnerAsync(Be, Nl)).Backlog.PendingMessages == 0);
    }

    /// <summary>
    /// Waits until every declaration named (filed at NL, bound for BE) carries BE's decision at NL
    /// and nothing waits in either outbox: from then on no message about them is in flight, so
    /// counts are final.
    /// </summary>
    public async Task SettleAsync(IReadOnlyCollection<string> filedAtNl)
    {
        await EventuallyAsync($"BE's decisions on {filedAtNl.Count} declarations back at NL, both outboxes empty", async () =>
        {
            var decided = (await FiledAtNlAsync()).Where(d => d.PartnerDecisions.Count > 0).Select(d => d.Name).ToHashSet();
            return filedAtNl.All(decided.Contains)
                && (await PartnerAsync(Nl, Be)).Backlog.PendingMessages == 0 && (await PartnerAsync(Be, Nl)).Backlog.PendingMessages == 0;
        });
    }

    /// <summary>Every declaration filer post-nl filed at NL, as the filer lists them.</summary>
    public async Task<List<Declaration>> FiledAtNlAsync()
    {
        using var channel = Nl.OpenChannel(this[DevelopmentCertificates.FilerPostNl]);
        var filer = new DeclarationService.DeclarationServiceClient(channel);
        var declarations = new List<Declaration>();
        var request = new ListDeclarationsRequest { Parent = FilerAtNl, PageSize = 1000 };
        do
        {
            var page = await filer.ListDeclarationsAsync(request, deadline: Deadline());
            declarations.AddRange(page.Declarations);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return declarations;
    }

    /// <summary>What <paramref name="at"/>'s officers see of its link to <paramref name="partner"/>.</summary>
    public async Task<Partner> PartnerAsync(PartnerNode at, PartnerNode partner)
    {
        using var channel = at.OpenChannel(this[DevelopmentCertificates.OfficerAnna]);
        var officers = new PartnerAdministrationService.PartnerAdministrationServiceClient(channel);
        return (await officers.GetPartnerAsync(new GetPartnerRequest { Name = partner.Name }, deadline: Deadline())).Partner;
    }

    /// <summary>Every message of <paramref name="at"/>'s outbox to <paramref name="partner"/>, oldest first.</summary>
    public async Task<List<OutboxMessage>> OutboxAsync(PartnerNode at, PartnerNode partner)
    {
        using var channel = at.OpenChannel(this[DevelopmentCertificates.OfficerAnna]);
        var officers = new PartnerAdministrationService.PartnerAdministrationServiceClient(channel);
        var messages = new List<OutboxMessage>();
        var request = new ListOutboxMessagesRequest { Parent = partner.Name, PageSize = 1000 };
        do
        {
            var page = await officers.ListOutboxMessagesAsync(request, deadline: Deadline());
            messages.AddRange(page.OutboxMessages);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return messages;
    }

    /// <summary>
    /// Every declaration BE holds under filers/partner-nl (the copies of what NL shared), whatever
    /// its status, as BE's officers list them.
    /// </summary>
    public async Task<List<Declaration>> CopiesAtBeAsync()
    {
        using var channel = Be.OpenChannel(this[DevelopmentCertificates.OfficerAnna]);
        var officer = new EnforcementService.EnforcementServiceClient(channel);
        var copies = new List<Declaration>();
        foreach (var status in Enum.GetValues<DeclarationStatus>().Where(s => s != DeclarationStatus.Unspecified))
        {
            var request = new Contracts.Enforcement.V1.ListDeclarationsRequest
            {
                Parent = "filers/" + new PartnerIdentity(Nl.Code).SharingFilerId, Status = status, PageSize = 1000,
            };
            do
            {
                var page = await officer.ListDeclarationsAsync(request, deadline: Deadline());
                copies.AddRange(page.Declarations);
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
        }
        return copies;
    }

    /// <summary>A declaration as an officer of <paramref name="at"/> sees it (findings and actors included).</summary>
    public async Task<Declaration> OfficerGetAsync(PartnerNode at, string name)
    {
        using var channel = at.OpenChannel(this[DevelopmentCertificates.OfficerAnna]);
        return (await new EnforcementService.EnforcementServiceClient(channel).GetDeclarationAsync(
            new Contracts.Enforcement.V1.GetDeclarationRequest { Name = name }, deadline: Deadline())).Declaration;
    }

    /// <summary>Every event of one declaration at <paramref name="at"/>, oldest first, as its officers see them (the audit trail).</summary>
    public async Task<List<DeclarationEvent>> EventsAsync(PartnerNode at, string declaration)
    {
        using var channel = at.OpenChannel(this[DevelopmentCertificates.OfficerAnna]);
        return await EventsAsync(new EnforcementService.EnforcementServiceClient(channel), declaration);
    }

    /// <summary>Every event of one declaration, through an officer's client the caller keeps open for many.</summary>
    public static async Task<List<DeclarationEvent>> EventsAsync(EnforcementService.EnforcementServiceClient officer, string declaration)
    {
        var events = new List<DeclarationEvent>();
        var request = new Contracts.Enforcement.V1.ListDeclarationEventsRequest { Declaration = declaration, PageSize = 1000 };
        do
        {
            var page = await officer.ListDeclarationEventsAsync(request, deadline: Deadline());
            events.AddRange(page.Events);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        return events;
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds, within <see cref="Patience"/> (never a
    /// timing assertion: only the bound of a wait). A call failing meanwhile (a node restarting)
    /// counts as not yet. On timeout, fails with both nodes' recent output.
    /// </summary>
    public async Task EventuallyAsync(string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        Exception? last = null;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                {
                    return;
                }
                last = null;
            }
            catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.DeadlineExceeded)
            {
                last = error;
            }
            await Task.Delay(100);
        }
        Assert.Fail($"Not within {Patience.TotalSeconds:0} s: {what}.{(last is null ? "" : " Last error: " + last.Message)}{Environment.NewLine}" +
            $"--- node NL ---{Environment.NewLine}{Nl.RecentOutput}{Environment.NewLine}--- node BE ---{Environment.NewLine}{Be.RecentOutput}");
    }

    public static DateTime Deadline() => DateTime.UtcNow.Add(CallTimeout);

    private static Dictionary<string, string> Settings(
        string own, string certificate, string certificates, int grpcPort, int httpPort, string partner, int partnerPort)
    {
        var prefix = $"Exchange__PartnerExchange__Partners__{partner}__";
        return new Dictionary<string, string>(CertificateNode.Settings(certificates))
        {
            ["Exchange__Authentication__Certificate__ServerCertificatePath"] = DevelopmentCertificates.PathOf(certificates, certificate, ".pfx"),
            ["Exchange__Administration__CountryCode"] = own,
            ["Kestrel__Endpoints__Grpc__Url"] = $"https://127.0.0.1:{grpcPort}",
            ["Kestrel__Endpoints__Http__Url"] = $"https://127.0.0.1:{httpPort}",
            ["Exchange__Assessment__Delay"] = "00:00:00",
            ["Exchange__Assessment__PollInterval"] = "00:00:00.200",
            ["Exchange__Watch__PollInterval"] = "00:00:00.500",
            [prefix + "Endpoint"] = $"https://127.0.0.1:{partnerPort}",
            [prefix + "Send__0"] = "Declarations",
            [prefix + "Send__1"] = "Decisions",
            [prefix + "Receive__0"] = "Declarations",
            [prefix + "Receive__1"] = "Decisions",
            ["Exchange__PartnerExchange__PollInterval"] = "00:00:00.200",
            ["Exchange__PartnerExchange__InitialBackoff"] = "00:00:00.200",
            ["Exchange__PartnerExchange__MaxBackoff"] = "00:00:02",
            ["Exchange__PartnerExchange__DeliveryTimeout"] = "00:00:10",
        };
    }

    /// <summary>A node certificate (serverAuth and clientAuth) for partners/<paramref name="administration"/>, within the authority's own validity.</summary>
    private static X509Certificate2 Node(X509Certificate2 authority, string name, string administration, DateTimeOffset from, DateTimeOffset until)
    {
        var authorityFrom = new DateTimeOffset(authority.NotBefore.ToUniversalTime());
        return CertificateIssuer.IssueNode(authority, $"{name}.exchange.localhost", ["localhost"], [IPAddress.Loopback],
            ExchangeIdentityUri.Partner(administration), from < authorityFrom ? authorityFrom : from, until);
    }
}

/// <summary>One node of <see cref="PartnerNodes"/>: started, killed (like a crash) and restarted on the same ports and data.</summary>
public sealed class PartnerNode(string code, string dataDirectory, ServerTls tls, IReadOnlyDictionary<string, string> settings) : IDisposable
{
    private readonly List<string> _earlierOutput = [];
    private ServerProcess? _server;

    /// <summary>The administration, e.g. "NL".</summary>
    public string Code { get; } = code;

    /// <summary>`partners/{code}`, as the other node names it.</summary>
    public string Name => PartnerIdentity.Prefix + Code;

    public ServerProcess Server => _server ?? throw new InvalidOperationException($"Node {Code} is not running.");

    /// <summary>The last lines of this node's output, across restarts.</summary>
    public string RecentOutput
    {
        get
        {
            var lines = _earlierOutput.Concat((_server?.Output ?? "").Split(Environment.NewLine)).ToList();
            return string.Join(Environment.NewLine, lines.Skip(Math.Max(0, lines.Count - 60)));
        }
    }

    /// <summary>Starts the node unless it runs; returns once it serves.</summary>
    public async Task StartAsync()
    {
        _server ??= await ServerProcess.StartAsync(dataDirectory, new Dictionary<string, string>(settings), tls);
    }

    /// <summary>Ends the process at once (`kill -9`): no shutdown code runs.</summary>
    public void Kill()
    {
        if (_server is { } server)
        {
            server.Dispose();
            _earlierOutput.AddRange(server.Output.Split(Environment.NewLine));
            _earlierOutput.Add($"--- node {Code} killed ---");
            _server = null;
        }
    }

    public GrpcChannel OpenChannel(X509Certificate2? certificate) => Server.OpenChannel(certificate);

    public void Dispose() => Kill();
}

[CollectionDefinition(PartnerNodes.Collection)]
public sealed class PartnerNodesCollection : ICollectionFixture<PartnerNodes>;

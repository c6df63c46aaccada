using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using Exchange.Server.Identity;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Testing.Hosting;

/// <summary>
/// One Exchange node hosted in memory on an SQLite file in its own data directory, with gRPC
/// clients that talk to it through the test server's handler. Dispose it to stop the node; a new
/// node on the same <see cref="DataDirectory"/> is a restart.
/// </summary>
public sealed class ExchangeNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly List<GrpcChannel> _channels = [];
    private readonly TempDirectory? _ownDirectory;

    /// <param name="dataDirectory">The node's SQLite directory; null for a fresh one removed with the node.</param>
    /// <param name="settings">Configuration overrides, e.g. "Exchange:Limits:BulkBatchSize".</param>
    public ExchangeNode(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        if (dataDirectory is null)
        {
            _ownDirectory = new TempDirectory();
            dataDirectory = _ownDirectory.Path;
        }
        DataDirectory = dataDirectory;
        _settings = new Dictionary<string, string?>
        {
            ["Exchange:Store:Provider"] = "Sqlite",
            ["Exchange:Store:DataDirectory"] = DataDirectory,
            ["Exchange:Administration:CountryCode"] = "NL",
            // Tests name their callers in the development headers; the node's default is certificates.
            ["Exchange:Authentication:Mode"] = "Development",
            // Declarations stay ACCEPTED (the filer's correction window) unless a test is about
            // assessment and sets AssessAtOnce; so filer-side tests amend and cancel without racing it.
            ["Exchange:Assessment:Delay"] = "01:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value; // the test's settings win over the defaults above
        }
    }

    public string DataDirectory { get; }

    /// <summary>Service replacements applied after the node's own registrations (e.g. a partner channel to another in-memory node).</summary>
    public Action<IServiceCollection>? TestServices { get; init; }

    public IDeclarationStore Store => Services.GetRequiredService<IDeclarationStore>();

    /// <summary>A client calling as <paramref name="filerId"/> (null: no identity header at all).</summary>
    public DeclarationService.DeclarationServiceClient ClientFor(string? filerId) =>
        new(CallInvokerFor(filerId));

    /// <summary>Settings for a node that assesses and decides every declaration as soon as it is accepted.</summary>
    public static IDictionary<string, string?> AssessAtOnce => new Dictionary<string, string?>
    {
        ["Exchange:Assessment:Delay"] = "00:00:00",
        ["Exchange:Assessment:PollInterval"] = "00:00:00.200",
    };

    /// <summary>An officer's client of the enforcement service.</summary>
    public Contracts.Enforcement.V1.EnforcementService.EnforcementServiceClient OfficerClient(string officerId) =>
        new(CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, officerId));

    /// <summary>An officer's client of the known-shipper registry.</summary>
    public Contracts.Enforcement.V1.KnownShipperService.KnownShipperServiceClient KnownShipperClient(string officerId) =>
        new(CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, officerId));

    /// <summary>A partner government agency's client.</summary>
    public Contracts.Enforcement.V1.AgencyService.AgencyServiceClient AgencyClient(string agencyId) =>
        new(CallInvokerAs(DevelopmentHeaderIdentityResolver.AgencyHeader, agencyId));

    public CallInvoker CallInvokerFor(string? filerId) =>
        filerId is null ? CallInvokerAs(null, null) : CallInvokerAs(DevelopmentHeaderIdentityResolver.FilerHeader, filerId);

    /// <summary>A call invoker that names the caller in the given development identity header (none when null).</summary>
    public CallInvoker CallInvokerAs(string? header, string? id)
    {
        var channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
        _channels.Add(channel);
        return header is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add(header, id!);
                return metadata;
            });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        if (TestServices is { } replace)
        {
            builder.ConfigureTestServices(replace);
        }
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        base.Dispose(disposing);
        _ownDirectory?.Dispose();
    }
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using Exchange.Server.Identity;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
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
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value; // the test's settings win over the defaults above
        }
    }

    public string DataDirectory { get; }

    public IDeclarationStore Store => Services.GetRequiredService<IDeclarationStore>();

    /// <summary>A client calling as <paramref name="filerId"/> (null: no identity header at all).</summary>
    public DeclarationService.DeclarationServiceClient ClientFor(string? filerId) =>
        new(CallInvokerFor(filerId));

    public CallInvoker CallInvokerFor(string? filerId)
    {
        var channel = GrpcChannel.ForAddress(Server.BaseAddress, new GrpcChannelOptions
        {
            HttpHandler = Server.CreateHandler(),
            MaxReceiveMessageSize = null,
            MaxSendMessageSize = null,
        });
        _channels.Add(channel);
        return filerId is null
            ? channel.CreateCallInvoker()
            : channel.Intercept(metadata =>
            {
                metadata.Add(DevelopmentHeaderIdentityResolver.HeaderName, filerId);
                return metadata;
            });
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
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

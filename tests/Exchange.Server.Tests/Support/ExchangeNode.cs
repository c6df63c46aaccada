using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using Exchange.Server.Identity;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Tests.Support;

/// <summary>
/// One Exchange node hosted in memory on an SQLite file in its own data directory, with gRPC
/// clients that talk to it through the test server's handler. Dispose it to stop the node; a new
/// node on the same <see cref="DataDirectory"/> is a restart.
/// </summary>
public sealed class ExchangeNode : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly List<GrpcChannel> _channels = [];

    public ExchangeNode(string? dataDirectory = null, IDictionary<string, string?>? settings = null)
    {
        DataDirectory = dataDirectory ?? TempDirectory.Create();
        _settings = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Exchange:Store:Provider"] = "Sqlite",
            ["Exchange:Store:DataDirectory"] = DataDirectory,
            ["Exchange:Administration:CountryCode"] = "NL",
        };
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
    }
}

/// <summary>Temporary directories that tests create and remove.</summary>
public static class TempDirectory
{
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "exchange-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void TryDelete(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a closing connection; the OS temp cleanup takes it later.
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Exchange.Testing.Hosting;

/// <summary>
/// The real server as a separate process on a loopback port (h2c), for what only a real
/// process proves: durability across a kill, the wire as clients see it. With a
/// <see cref="ServerTls"/> both endpoints are https (mutual TLS) and the harness calls with its client certificate.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServerProcess(Process process, Uri address, Uri httpAddress, ServerTls? tls)
    {
        _process = process;
        Address = address;
        HttpAddress = httpAddress;
        Tls = tls;
    }

    /// <summary>The TLS settings the server was started with; null: plain h2c and HTTP/1.1.</summary>
    public ServerTls? Tls { get; }

    /// <summary>The gRPC endpoint (HTTP/2; without TLS unless started with a <see cref="ServerTls"/>).</summary>
    public Uri Address { get; }

    /// <summary>The HTTP/1.1 endpoint serving JSON (gRPC transcoding) and the OpenAPI description.</summary>
    public Uri HttpAddress { get; }

    /// <summary>The node's process id (e.g. to read its memory from /proc).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Whether the node's process has ended (by itself or killed).</summary>
    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <summary>Starts the server on <paramref name="dataDirectory"/> and waits until its health check says SERVING.</summary>
    /// <remarks>
    /// The endpoints listen on free loopback ports unless <paramref name="settings"/> name them
    /// (Kestrel__Endpoints__Grpc__Url, Kestrel__Endpoints__Http__Url, e.g. with <see cref="FreeLoopbackPort"/>).
    /// With <paramref name="tls"/> the endpoints are https and the health check (and <see cref="OpenChannel()"/>)
    /// present <see cref="ServerTls.ClientCertificate"/>; the caller's settings configure the server's side.
    /// </remarks>
    public static async Task<ServerProcess> StartAsync(string dataDirectory, IDictionary<string, string>? settings = null, ServerTls? tls = null)
    {
        var scheme = tls is null ? "http" : "https";
        var port = FreeLoopbackPort();
        var httpPort = FreeLoopbackPort();
        var info = new ProcessStartInfo("dotnet", [ServerAssembly()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerAssembly())!,
        };
        info.Environment["Kestrel__Endpoints__Grpc__Url"] = $"{scheme}://127.0.0.1:{port}";
        info.Environment["Kestrel__Endpoints__Http__Url"] = $"{scheme}://127.0.0.1:{httpPort}";
        info.Environment["Exchange__Store__DataDirectory"] = dataDirectory;
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // Without TLS the harness names callers in the development headers, which a Production
        // node believes only when told to; with TLS the caller's settings choose Certificate mode.
        if (tls is null)
        {
            info.Environment["Exchange__Authentication__Mode"] = "Development";
        }
        // Declarations stay ACCEPTED (the filer's correction window) unless the test's settings
        // choose another Exchange__Assessment__Delay, so filer-side scenarios do not race the assessor.
        info.Environment["Exchange__Assessment__Delay"] = "01:00:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        // The endpoints as started: the caller's settings may have chosen them (e.g. to restart a node on its ports).
        return await LaunchAsync(info,
            new Uri(info.Environment["Kestrel__Endpoints__Grpc__Url"]!), new Uri(info.Environment["Kestrel__Endpoints__Http__Url"]!), tls);
    }

    /// <summary>
    /// The node exactly as README.md's quick start runs it (command 1: <c>dotnet run --project
    /// src/Exchange.Server -v minimal</c> from the repository root): every setting at its default, no
    /// assessment delay, SQLite in src/Exchange.Server/data, h2c on 127.0.0.1:5080 and JSON on 5081.
    /// Only <c>--no-build</c> and the configuration are added (the test run built it already), and
    /// the environment is cleared of the node's settings, as in a fresh shell.
    /// </summary>
    public static Task<ServerProcess> StartAsReadmeQuickStartAsync()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var root = ExternalProgram.RepositoryRoot();
        var info = new ProcessStartInfo("dotnet", ["run", "--no-build", "--configuration", configuration, "--project", "src/Exchange.Server", "-v", "minimal"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (var name in info.Environment.Keys.Where(IsNodeSetting).ToList())
        {
            info.Environment.Remove(name);
        }
        if (PortInUse(5080) || PortInUse(5081))
        {
            throw new InvalidOperationException(
                "Ports 5080 or 5081 are in use (a node started with README command 1 is still running?): stop it to run this test.");
        }
        return LaunchAsync(info, new Uri("http://127.0.0.1:5080"), new Uri("http://127.0.0.1:5081"), tls: null);
    }

    private static bool IsNodeSetting(string name) =>
        name.StartsWith("Exchange__", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Kestrel__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase) || name.Equals("DOTNET_ENVIRONMENT", StringComparison.OrdinalIgnoreCase);

    private static bool PortInUse(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static async Task<ServerProcess> LaunchAsync(ProcessStartInfo info, Uri address, Uri httpAddress, ServerTls? tls)
    {
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server process.");
        var server = new ServerProcess(process, address, httpAddress, tls);
        process.OutputDataReceived += (_, e) => server.Record(e.Data);
        process.ErrorDataReceived += (_, e) => server.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilServingAsync();
        return server;
    }

    public GrpcChannel OpenChannel() => Tls is null ? GrpcChannel.ForAddress(Address) : OpenChannel(Tls.ClientCertificate);

    /// <summary>A channel over TLS presenting <paramref name="clientCertificate"/> (none: null), trusting only the server's authorities.</summary>
    public GrpcChannel OpenChannel(X509Certificate2? clientCertificate) =>
        GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = CreateHandler(clientCertificate), DisposeHttpClient = true });

    /// <summary>
    /// An HTTP handler for this server's TLS endpoints: trusts only <see cref="ServerTls.Authorities"/> for the
    /// server and always presents <paramref name="clientCertificate"/>, even one the server will refuse.
    /// </summary>
    public SocketsHttpHandler CreateHandler(X509Certificate2? clientCertificate)
    {
        var tls = Tls ?? throw new InvalidOperationException("The server was started without TLS.");
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && tls.IsServerTrusted(certificate);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            // Present it whatever authorities the server names, so refusals are the server's decision.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        return handler;
    }

    /// <summary>Ends the process at once, like a crash or `kill -9`: no shutdown code runs.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
        // Also when it exited by itself: the parameterless wait lasts until the redirected output
        // has been read to its end, so Output holds the last lines (e.g. a start-up error).
        _process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.Add(line);
        }
    }

    private async Task WaitUntilServingAsync()
    {
        using var channel = OpenChannel();
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (global::Grpc.Core.RpcException)
            {
                // Not listening yet.
            }
            await Task.Delay(100);
        }
        Kill();
        throw new InvalidOperationException($"The server did not become healthy. Its output:{Environment.NewLine}{Output}");
    }

    /// <summary>A loopback TCP port free at the time of the call, for a server to listen on.</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server built next to this test run (same configuration), found from the repository root.</summary>
    public static string ServerAssembly()
    {
        var here = AppContext.BaseDirectory;
        var configuration = new DirectoryInfo(here).Parent!.Name; // bin/<Configuration>/net10.0/
        var root = ExternalProgram.RepositoryRoot();
        var path = Path.Combine(root, "src", "Exchange.Server", "bin", configuration, "net10.0", "Exchange.Server.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the server first.", path);
    }
}

/// <summary>
/// Mutual TLS for a <see cref="ServerProcess"/>: the client certificate the harness presents and
/// the authorities it trusts for the server's certificate.
/// </summary>
public sealed record ServerTls(X509Certificate2 ClientCertificate, X509Certificate2Collection Authorities)
{
    public bool IsServerTrusted(X509Certificate certificate)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(Authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = new X509Certificate2(certificate);
        return chain.Build(server);
    }
}

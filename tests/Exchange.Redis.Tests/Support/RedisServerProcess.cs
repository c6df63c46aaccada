using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Exchange.Redis.Tests.Support;

/// <summary>
/// A redis-server of this test's own on a free loopback port, which the test may stop and start
/// again (same port) to prove what happens during and after an outage. The shared server of
/// <see cref="Exchange.Testing.RedisTestServer"/> must never be stopped by a test.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private static readonly string? Executable = FindExecutable();
    private Process? _process;

    private RedisServerProcess(int port) => Port = port;

    /// <summary>Why outage tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Executable is null
        ? "Redis outage tests SKIPPED: redis-server is not installed (apt-get install -y redis-server)"
        : null;

    public int Port { get; }

    /// <summary>
    /// The configuration string clients use. Short timeouts keep the test quick while the server
    /// is down; the code under test must not depend on them.
    /// </summary>
    public string Configuration => $"127.0.0.1:{Port},connectTimeout=1000,asyncTimeout=2000";

    /// <summary>Reserves a free port; the server is not running until <see cref="StartAsync"/>.</summary>
    public static RedisServerProcess OnFreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new RedisServerProcess(((IPEndPoint)listener.LocalEndpoint).Port);
    }

    /// <summary>Starts the server (empty, nothing persisted) and waits until it answers PING.</summary>
    public async Task StartAsync()
    {
        if (SkipReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }
        Kill();
        var info = new ProcessStartInfo(Executable!,
            ["--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        _process = Process.Start(info) ?? throw new InvalidOperationException("Could not start redis-server.");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await AnswersPingAsync())
        {
            if (DateTime.UtcNow > deadline || _process.HasExited)
            {
                Kill();
                throw new InvalidOperationException($"redis-server did not start on port {Port}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Ends the server at once, like a crash: its clients see their connections drop.</summary>
    public void Kill()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
        _process = null;
    }

    public void Dispose() => Kill();

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await client.ConnectAsync(IPAddress.Loopback, Port, bound.Token);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), bound.Token);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, bound.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception error) when (error is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Append("/usr/bin").Append("/usr/local/bin")
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);
}

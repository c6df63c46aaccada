using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Grpc.Net.Client;

namespace Exchange.Benchmark;

/// <summary>
/// A server this tool started (the node, or the baseline) on a loopback port. Killed with its
/// process tree when disposed, when the tool exits, or on Ctrl+C.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly List<ChildProcess> Running = [];
    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
    }

    private ChildProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>The last lines the process printed (for a failure message).</summary>
    public string Tail
    {
        get
        {
            lock (_tail)
            {
                return string.Join(Environment.NewLine, _tail);
            }
        }
    }

    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts `dotnet <paramref name="assembly"/>` and waits until it answers gRPC calls on <paramref name="address"/>.</summary>
    public static async Task<ChildProcess> StartAsync(
        string assembly, IEnumerable<string> arguments, IDictionary<string, string> environment, Uri address, Metadata headers, CancellationToken ct)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} does not exist: build it first (scripts/benchmark does).", assembly);
        }
        var info = new ProcessStartInfo("dotnet", [assembly, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
        };
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {assembly}.");
        var child = new ChildProcess(process, address);
        lock (Running)
        {
            Running.Add(child);
        }
        process.OutputDataReceived += (_, e) => child.Record(e.Data);
        process.ErrorDataReceived += (_, e) => child.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await WaitUntilAnsweringAsync(address, headers, () => process.HasExited, ct);
        }
        catch
        {
            child.Dispose();
            throw;
        }
        return child;
    }

    /// <summary>Waits until a gRPC call gets any answer from the server (even UNIMPLEMENTED), at most 60 s.</summary>
    public static async Task WaitUntilAnsweringAsync(Uri address, Metadata headers, Func<bool> hasExited, CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(address);
        var client = new DeclarationService.DeclarationServiceClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !hasExited())
        {
            try
            {
                await client.ListDeclarationsAsync(
                    new ListDeclarationsRequest { Parent = "filers/" + headers.GetValue("x-exchange-filer"), PageSize = 1 },
                    headers, DateTime.UtcNow.AddSeconds(2), ct);
                return;
            }
            catch (RpcException e) when (e.StatusCode is not (StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Cancelled))
            {
                return;
            }
            catch (RpcException)
            {
                await Task.Delay(100, ct);
            }
        }
        throw new InvalidOperationException($"No gRPC server answered on {address} within 60 s.");
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (Running)
        {
            Running.Remove(this);
        }
        _process.Dispose();
    }

    public static void KillAll()
    {
        ChildProcess[] children;
        lock (Running)
        {
            children = [.. Running];
        }
        foreach (var child in children)
        {
            child.Dispose();
        }
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_tail)
        {
            _tail.Enqueue(line);
            if (_tail.Count > 40)
            {
                _tail.Dequeue();
            }
        }
    }
}

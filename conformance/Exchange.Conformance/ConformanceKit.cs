using System.CommandLine;
using Exchange.Conformance.Assertions;
using Exchange.Conformance.Checks;
using Exchange.Conformance.Runner;
using Exchange.Contracts.Declaration.V1;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace Exchange.Conformance;

/// <summary>
/// The kit as a library: what the command line does, callable in-process with any writer, e.g.
/// <code>
/// var exitCode = await ConformanceKit.RunAsync(["--target", "127.0.0.1:5080"], writer);
/// </code>
/// Returns the process exit code (<see cref="ExitCodes"/>).
/// </summary>
public static class ConformanceKit
{
    /// <param name="args">The command line (see --help).</param>
    /// <param name="output">The report.</param>
    /// <param name="errors">Usage errors and an unreachable target; <paramref name="output"/> when null.</param>
    /// <param name="connect">Opens the channel to the target (tests pass an in-memory one); <see cref="Connect"/> when null.</param>
    /// <param name="cancellation">Stops the run (Ctrl+C).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter? errors = null,
        Func<KitOptions, GrpcChannel>? connect = null, CancellationToken cancellation = default)
    {
        errors ??= output;
        var commandLine = KitCommandLine.Read(args);
        if (commandLine.Error is not null)
        {
            // One line: the mistake and where to read the usage, not the whole help.
            await errors.WriteLineAsync($"{KitCommandLine.Name}: {commandLine.Error} Run with --help for the usage.");
            return ExitCodes.NotRun;
        }
        if (commandLine.Help)
        {
            return await commandLine.Parsed.InvokeAsync(
                new InvocationConfiguration { Output = output, Error = errors, ProcessTerminationTimeout = null }, cancellation);
        }
        var checks = CheckCatalog.Select(commandLine.Only);
        if (checks.Count == 0)
        {
            await errors.WriteLineAsync($"exchange-conformance: no check id starts with {string.Join(" or ", commandLine.Only)}; see --list.");
            return ExitCodes.NotRun;
        }
        if (commandLine.List)
        {
            var width = checks.Max(c => c.Id.Length) + 2;
            foreach (var check in checks)
            {
                await output.WriteLineAsync($"{check.Id.PadRight(width)}{check.Title}");
            }
            return ExitCodes.AllPassed;
        }
        return await RunChecksAsync(commandLine.Options!, checks, output, errors, connect ?? Connect, cancellation);
    }

    /// <summary>
    /// The kit's own channel: HTTP/2 (h2c for http://, TLS for https://), a connect timeout of one
    /// call deadline, keep-alive pings so a dead connection is noticed, no limit on what it sends
    /// (the oversized-request check must reach the node).
    /// </summary>
    public static GrpcChannel Connect(KitOptions options) => GrpcChannel.ForAddress(options.Target, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectTimeout = options.CallTimeout,
            KeepAlivePingDelay = TimeSpan.FromSeconds(20),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(10),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            EnableMultipleHttp2Connections = true,
        },
        DisposeHttpClient = true,
        MaxSendMessageSize = null,
        MaxReceiveMessageSize = 16 * 1024 * 1024,
    });

    private static async Task<int> RunChecksAsync(KitOptions options, IReadOnlyList<Check> checks, TextWriter output, TextWriter errors,
        Func<KitOptions, GrpcChannel> connect, CancellationToken cancellation)
    {
        using var channel = connect(options);
        var probe = await ProbeAsync(options, channel, cancellation);
        if (probe.Unreachable is not null)
        {
            await errors.WriteLineAsync($"exchange-conformance: cannot reach {options.TargetText}: {probe.Unreachable}");
            await errors.WriteLineAsync(options.Target.Scheme == "https"
                ? "Is an Exchange node listening there with TLS? Nothing was checked."
                : "Is an Exchange node listening there, speaking gRPC over plain HTTP/2 (h2c)? Use --tls for a TLS endpoint. Nothing was checked.");
            return ExitCodes.NotRun;
        }

        var runner = new CheckRunner(options, channel, output);
        await output.WriteLineAsync($"Exchange conformance kit: exchange.declaration.v1 at {options.TargetText}");
        await output.WriteLineAsync($"Calling as filers/{options.Filer} and filers/{options.OtherFiler} (header {options.IdentityHeader}), run {runner.RunId}, call deadline {options.CallTimeout.TotalSeconds:0} s");
        if (probe.Note is not null)
        {
            await output.WriteLineAsync($"Note: {probe.Note}");
        }
        await output.WriteLineAsync();
        try
        {
            var outcomes = await runner.RunAsync(checks, cancellation);
            return outcomes.All(o => o.Verdict == Verdict.Pass) ? ExitCodes.AllPassed : ExitCodes.SomeFailed;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            await errors.WriteLineAsync("exchange-conformance: interrupted; the run is incomplete.");
            return ExitCodes.SomeFailed;
        }
    }

    /// <summary>
    /// One call before the checks: a Get of a declaration that cannot exist. Any answer from the
    /// node (ideally NOT_FOUND) means it is there; no connection, a failed TLS handshake, a server
    /// that does not speak HTTP/2, UNAVAILABLE or silence until the deadline mean nothing can be checked.
    /// </summary>
    private static async Task<(string? Unreachable, string? Note)> ProbeAsync(KitOptions options, GrpcChannel channel, CancellationToken cancellation)
    {
        var client = new DeclarationService.DeclarationServiceClient(
            channel.Intercept(new CallDefaults(options.IdentityHeader, options.Filer, options.CallTimeout, cancellation)));
        try
        {
            await client.GetDeclarationAsync(new GetDeclarationRequest { Name = $"filers/{options.Filer}/declarations/{Guid.NewGuid():N}" }, cancellationToken: cancellation);
            return (null, "GetDeclaration of a declaration that cannot exist answered OK.");
        }
        catch (RpcException error) when (error.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded
            || (error.Status.DebugException is not null && error.StatusCode != StatusCode.Cancelled))
        {
            // A DebugException means the client itself failed (no connection, TLS, not HTTP/2): no node answered.
            return ($"{RpcErrorText.CodeName(error.StatusCode)} \"{error.Status.Detail}\"", null);
        }
        catch (RpcException error) when (error.StatusCode != StatusCode.NotFound && !cancellation.IsCancellationRequested)
        {
            var hint = error.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied
                ? $" Does the node take the filer from the {options.IdentityHeader} header (see --identity-header)?" : "";
            return (null, $"GetDeclaration of a declaration that cannot exist answered {RpcErrorText.Describe(error)}, not NOT_FOUND.{hint}");
        }
        catch (RpcException)
        {
            return (null, null);
        }
    }
}

using Exchange.Contracts.Declaration.V1;
using Grpc.Net.Client;
using Spectre.Console;

namespace Exchange.Client;

/// <summary>
/// The process entry point: the real console, Ctrl+C and the channel; everything else is in
/// <see cref="ClientApp"/>. Not called <c>Program</c> (nor written as top-level statements, which
/// generate a global <c>Program</c>): the client tests also reference the server, whose public
/// <c>Program</c> they pass to WebApplicationFactory, and two visible <c>Program</c> types would clash.
/// </summary>
internal static class ClientProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops the command cleanly (watch ends, calls are cancelled); a
            // second one, if the first did not work, ends the process the usual way.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };

        var output = AnsiConsole.Console;
        var errors = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        // Redirected to a file or a pipe there is no terminal width to respect; Spectre would
        // assume 80 columns and wrap names and field paths in the middle, which breaks grep.
        foreach (var (console, redirected) in new[] { (output, Console.IsOutputRedirected), (errors, Console.IsErrorRedirected) })
        {
            if (redirected)
            {
                console.Profile.Width = 240;
            }
        }
        GrpcChannel? channel = null;
        try
        {
            var app = new ClientApp(
                output,
                address => (channel = ExchangeChannel.Create(address)).CreateCallInvoker(),
                Environment.GetEnvironmentVariable,
                errors);
            return await app.RunAsync(args, cancellation.Token);
        }
        finally
        {
            channel?.Dispose();
        }
    }
}

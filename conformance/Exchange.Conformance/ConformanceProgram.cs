namespace Exchange.Conformance;

/// <summary>
/// The process entry point: the console and Ctrl+C; everything else is in <see cref="ConformanceKit"/>.
/// Not called <c>Program</c>: tests reference the kit and the server together, and the server's
/// public <c>Program</c> must stay the only one.
/// </summary>
internal static class ConformanceProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops the run cleanly; a second one ends the process.
            e.Cancel = !cancellation.IsCancellationRequested;
            cancellation.Cancel();
        };
        return await ConformanceKit.RunAsync(args, Console.Out, Console.Error, cancellation: cancellation.Token);
    }
}

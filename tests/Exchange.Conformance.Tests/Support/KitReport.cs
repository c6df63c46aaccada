using Exchange.Conformance;
using Exchange.Conformance.Runner;
using Grpc.Net.Client;

namespace Exchange.Conformance.Tests.Support;

/// <summary>One run of the kit in-process: its exit code and everything it wrote.</summary>
public sealed record KitReport(int ExitCode, string Output)
{
    public static async Task<KitReport> RunAsync(IReadOnlyList<string> args, Func<KitOptions, GrpcChannel>? connect = null)
    {
        var output = new StringWriter();
        var exitCode = await ConformanceKit.RunAsync(args, output, connect: connect);
        return new KitReport(exitCode, output.ToString());
    }

    public IReadOnlyList<string> Lines => Output.Split(Environment.NewLine);

    /// <summary>The report line of one check, e.g. "FAIL  submit.accepts-valid  ...: reason".</summary>
    public string LineOf(string checkId) =>
        Lines.SingleOrDefault(l => l.Length > 6 && l[6..].StartsWith(checkId + " ", StringComparison.Ordinal))
        ?? throw new Xunit.Sdk.XunitException($"No report line for {checkId} in:{Environment.NewLine}{Output}");

    /// <summary>Asserts the check's line starts with <paramref name="verdict"/> and says <paramref name="reason"/>; shows the whole report if not.</summary>
    public void AssertLine(string checkId, string verdict, string reason)
    {
        var line = LineOf(checkId);
        if (!line.StartsWith($"{verdict.PadRight(6)}{checkId} ", StringComparison.Ordinal) || !line.Contains(reason, StringComparison.Ordinal))
        {
            throw new Xunit.Sdk.XunitException($"Expected {verdict} {checkId} saying \"{reason}\"; the report:{Environment.NewLine}{Output}");
        }
    }

    public string Describe() => $"exit code {ExitCode}{Environment.NewLine}{Output}";
}

using Exchange.Conformance.Checks;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Tests.Support;
using Exchange.Testing.Hosting;

namespace Exchange.Conformance.Tests;

/// <summary>Our own node passes the whole kit, run after run, in-process and as the shipped program.</summary>
public sealed class KitAgainstOurServerTests(OurServer server) : IClassFixture<OurServer>
{
    [Fact]
    public async Task Every_check_passes_and_passes_again_on_the_same_node()
    {
        foreach (var round in new[] { "first run", "second run against the same data" })
        {
            var run = await KitReport.RunAsync(["--target", server.Target]);

            Assert.True(run.ExitCode == ExitCodes.AllPassed, $"{round}: {run.Describe()}{Environment.NewLine}--- server ---{Environment.NewLine}{server.Process.Output}");
            Assert.Contains($"{CheckCatalog.All.Count} passed, 0 failed", run.Lines);
            Assert.All(CheckCatalog.All, check => Assert.StartsWith($"PASS  {check.Id} ", run.LineOf(check.Id)));
            // A node that decides later: nothing assessed or held, which the notes say (KitAgainstAnAssessingNodeTests has the happy path).
            Assert.Contains("(not assessed by the node when its goods arrived", run.LineOf("revenue.part-payment-then-balance"));
            Assert.Contains("(the node did not hold the undervalued sale", run.LineOf("disposition.returns-held-goods"));
        }
    }

    [Fact]
    public async Task The_program_exits_0_when_its_checks_pass()
    {
        var result = await RunProgramAsync("--target", server.Target, "--only", "submit.accepts-valid,watch.resume");

        Assert.True(result.ExitCode == ExitCodes.AllPassed, result.Describe());
        Assert.Contains("PASS  submit.accepts-valid", result.StandardOutput);
        Assert.Contains("PASS  watch.resume-after-cursor", result.StandardOutput);
        Assert.Contains($"{Environment.NewLine}2 passed, 0 failed{Environment.NewLine}", result.StandardOutput);
    }

    [Fact]
    public async Task The_program_exits_2_when_the_target_cannot_be_reached()
    {
        var result = await RunProgramAsync("--target", $"127.0.0.1:{Unreachable.Port()}", "--timeout-seconds", "5");

        Assert.True(result.ExitCode == ExitCodes.NotRun, result.Describe());
        Assert.Contains("cannot reach", result.StandardError);
        Assert.DoesNotContain("passed", result.StandardOutput);
    }

    /// <summary>The kit as a vendor runs it: the built exchange-conformance program, in a process of its own.</summary>
    private static Task<ExternalProgram.Result> RunProgramAsync(params string[] args)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0/
        var root = ExternalProgram.RepositoryRoot();
        var kit = Path.Combine(root, "conformance", "Exchange.Conformance", "bin", configuration, "net10.0", "exchange-conformance.dll");
        return ExternalProgram.RunAsync("dotnet", [kit, .. args], root, TimeSpan.FromMinutes(3));
    }
}

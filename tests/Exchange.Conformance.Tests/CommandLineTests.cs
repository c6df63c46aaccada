using Exchange.Conformance.Checks;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Tests.Support;

namespace Exchange.Conformance.Tests;

public sealed class CommandLineTests
{
    [Fact]
    public async Task List_prints_every_check_id_once_and_runs_nothing()
    {
        var run = await KitReport.RunAsync(["--list"]);

        Assert.Equal(ExitCodes.AllPassed, run.ExitCode);
        var ids = run.Lines.Where(l => l != "").Select(l => l.Split(' ')[0]).ToList();
        Assert.Equal(CheckCatalog.All.Select(c => c.Id), ids);
    }

    [Fact]
    public async Task List_with_only_prints_the_selected_checks()
    {
        var run = await KitReport.RunAsync(["--list", "--only", "watch."]);

        Assert.All(run.Lines.Where(l => l != ""), line => Assert.StartsWith("watch.", line));
    }

    [Theory]
    [InlineData("no target")]
    [InlineData("--target", "127.0.0.1")]
    [InlineData("--target", "127.0.0.1:5080", "--bogus")]
    [InlineData("--target", "127.0.0.1:5080", "--timeout-seconds", "0")]
    [InlineData("--target", "127.0.0.1:5080", "--filer", "same", "--other-filer", "same")]
    [InlineData("--target", "127.0.0.1:5080", "--identity-header", "X Filer")]
    [InlineData("--target", "127.0.0.1:5080", "--tls", "--plaintext")]
    [InlineData("--target", "127.0.0.1:5080", "--client-cert", "filer.pem")]
    [InlineData("--target", "127.0.0.1:5080", "--only", "no-such-check")]
    public async Task A_wrong_command_line_is_a_usage_error_with_exit_code_2(params string[] args)
    {
        var run = await KitReport.RunAsync(args[0] == "no target" ? [] : args);

        Assert.True(run.ExitCode == ExitCodes.NotRun, run.Describe());
        Assert.StartsWith("exchange-conformance: ", run.Output);
    }

    [Fact]
    public async Task An_unreachable_target_is_exit_code_2_with_a_clear_message()
    {
        var run = await KitReport.RunAsync(["--target", $"127.0.0.1:{Unreachable.Port()}", "--timeout-seconds", "5"]);

        Assert.True(run.ExitCode == ExitCodes.NotRun, run.Describe());
        Assert.Contains("cannot reach http://127.0.0.1:", run.Output);
        Assert.Contains("Nothing was checked.", run.Output);
    }

    [Fact]
    public async Task Help_shows_the_usage()
    {
        var run = await KitReport.RunAsync(["--help"]);

        Assert.Equal(ExitCodes.AllPassed, run.ExitCode);
        Assert.Contains("--target HOST:PORT", run.Output);
        Assert.Contains("--identity-header", run.Output);
    }
}

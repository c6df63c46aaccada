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
    [InlineData("--target", "127.0.0.1:5080", "--officer-header", "x-officer-bin")]
    [InlineData("--target", "127.0.0.1:5080", "--officer-header", "x-exchange-filer")]
    [InlineData("--target", "127.0.0.1:5080", "--officer", " ")]
    [InlineData("--target", "127.0.0.1:5080", "--tls", "--plaintext")]
    [InlineData("--target", "127.0.0.1:5080", "--client-cert", "filer.pem")]
    [InlineData("--target", "127.0.0.1:5080", "--only", "no-such-check")]
    public async Task A_wrong_command_line_is_a_usage_error_with_exit_code_2(params string[] args)
    {
        var run = await KitReport.RunAsync(args[0] == "no target" ? [] : args);

        Assert.True(run.ExitCode == ExitCodes.NotRun, run.Describe());
        Assert.StartsWith("exchange-conformance: ", run.Output);
        // One line, the mistake and where to look: no usage dump, no stack trace.
        var line = Assert.Single(run.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"(Run with --help for the usage|see --list)\.$", line);
    }

    [Theory]
    [InlineData("Unrecognized command or argument '--bogus'.", "--target", "127.0.0.1:5080", "--bogus")]
    [InlineData("Required argument missing for option: '--target'.", "--target")]
    [InlineData("Required argument missing for option: '--filer'.", "--target", "127.0.0.1:5080", "--filer")]
    public async Task A_parse_error_names_the_option(string expected, params string[] args)
    {
        var run = await KitReport.RunAsync(args);

        Assert.Equal(ExitCodes.NotRun, run.ExitCode);
        Assert.Equal($"exchange-conformance: {expected} Run with --help for the usage.", run.Output.Trim());
    }

    /// <summary>The command lines of the READMEs and the tests keep their meaning.</summary>
    [Fact]
    public void Every_option_reads_as_it_always_did()
    {
        var request = KitCommandLine.Read([
            "--target", "127.0.0.1:5080", "--plaintext", "--filer", "acme", "--other-filer=globex", "--identity-header", "x-caller",
            "--only", "submit.,watch.resume", "--only", "bulk.", "--timeout-seconds", "7", "--officer", "inspector-7", "--officer-header", "x-inspector",
        ]);

        Assert.Null(request.Error);
        var options = request.Options!;
        Assert.Equal(new Uri("http://127.0.0.1:5080"), options.Target);
        Assert.Equal(("acme", "globex", "x-caller"), (options.Filer, options.OtherFiler, options.IdentityHeader));
        Assert.Equal(("inspector-7", "x-inspector"), (options.Officer, options.OfficerHeader));
        Assert.Equal(["submit.", "watch.resume", "bulk."], options.Only);
        Assert.Equal(TimeSpan.FromSeconds(7), options.CallTimeout);

        var tls = KitCommandLine.Read(["--target", "node.example.org:443", "--tls"]).Options!;
        Assert.Equal(new Uri("https://node.example.org:443"), tls.Target);
        Assert.Equal((KitOptions.DefaultFiler, KitOptions.DefaultOtherFiler, KitOptions.DefaultIdentityHeader, KitOptions.DefaultCallTimeout),
            (tls.Filer, tls.OtherFiler, tls.IdentityHeader, tls.CallTimeout));
        Assert.Equal((KitOptions.DefaultOfficer, KitOptions.DefaultOfficerHeader), (tls.Officer, tls.OfficerHeader));
        Assert.Equal(new Uri("https://node.example.org/"), KitCommandLine.Read(["--target", "https://node.example.org"]).Options!.Target);
        Assert.True(KitCommandLine.Read(["--list", "--only", "watch."]).List);
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
        Assert.Contains("exchange-conformance --target HOST:PORT [options]", run.Output);
        Assert.Contains("Exit codes: 0 every check passed", run.Output);
        // Generated from the command tree: every option it defines, with its description.
        foreach (var option in KitCommandLine.Tree.Options.Where(o => !o.Hidden))
        {
            Assert.Contains(option.HelpName is null ? option.Name : $"{option.Name} <{option.HelpName}>", run.Output);
            Assert.Contains(option.Description!, run.Output);
        }
        Assert.DoesNotContain("--client-cert <", run.Output);
    }
}

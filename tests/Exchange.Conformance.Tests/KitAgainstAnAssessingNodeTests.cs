using Exchange.Conformance.Checks;
using Exchange.Conformance.Runner;
using Exchange.Conformance.Tests.Support;

namespace Exchange.Conformance.Tests;

/// <summary>
/// The revenue and disposition checks judge an assessment and a disposition only where the node
/// assessed the sale on arrival and held the undervalued one; against a node that decides later
/// (<see cref="KitAgainstOurServerTests"/>) they prove the refusals that apply instead and say so.
/// Against our node deciding at once, every one of them passes on its happy path, with no such note.
/// </summary>
public sealed class KitAgainstAnAssessingNodeTests(OurAssessingServer server) : IClassFixture<OurAssessingServer>
{
    private static readonly string[] Prefixes = ["revenue.", "disposition."];

    [Fact]
    public async Task Revenue_and_disposition_checks_pass_on_their_happy_path()
    {
        var run = await KitReport.RunAsync(["--target", server.Target, "--only", string.Join(',', Prefixes)]);

        var report = $"{run.Describe()}{Environment.NewLine}--- server ---{Environment.NewLine}{server.Process.Output}";
        Assert.True(run.ExitCode == ExitCodes.AllPassed, report);
        var checks = CheckCatalog.Select(Prefixes);
        Assert.Equal(10, checks.Count);
        Assert.All(checks, check =>
        {
            var line = run.LineOf(check.Id);
            Assert.StartsWith($"PASS  {check.Id} ", line);
            Assert.DoesNotContain("not assessed by the node", line);
            Assert.DoesNotContain("did not hold", line);
        });
    }
}

using Exchange.ContractDocs;
using Exchange.Testing.Hosting;

namespace Exchange.Contract.Tests;

/// <summary>
/// docs/contract/reference.md and standards-mapping.csv are generated from protos/: this fails when
/// a proto changed and they were not regenerated with ./scripts/generate-contract-docs.
/// </summary>
public class CommittedReferenceTests
{
    private const string Regenerate = "./scripts/generate-contract-docs";

    [SkippableFact]
    public async Task Committed_reference_is_up_to_date()
    {
        var root = ExternalProgram.RepositoryRoot();
        Skip.IfNot(File.Exists(Path.Combine(root, "node_modules", ".bin", "buf")), "buf not installed: run ./scripts/test (it runs npm ci)");
        using var scratch = new TempDirectory();
        var image = Path.Combine(scratch.Path, "contract.binpb");

        var build = await ExternalProgram.RunAsync("npx", ["--no-install", "buf", "build", "-o", image], root, TimeSpan.FromMinutes(2));
        Assert.True(build.ExitCode == 0, $"buf build failed: {build.Describe()}");

        var contract = ReferenceGenerator.ReadImage(image);
        AssertCommitted(Path.Combine(root, "docs", "contract", "reference.md"), ReferenceGenerator.Generate(contract));
        AssertCommitted(Path.Combine(root, "docs", "contract", ReferenceGenerator.MappingTableFileName), ReferenceGenerator.GenerateMappingTable(contract));
    }

    private static void AssertCommitted(string committedPath, string generated)
    {
        var name = "docs/contract/" + Path.GetFileName(committedPath);
        Assert.True(File.Exists(committedPath), $"{name} is missing: run {Regenerate} and commit it.");
        var committed = File.ReadAllText(committedPath).ReplaceLineEndings("\n");
        if (committed != generated)
        {
            Assert.Fail($"{name} is stale: protos/ changed since it was generated. Run {Regenerate} and commit the result.\n{FirstDifference(committed, generated)}");
        }
    }

    private static string FirstDifference(string committed, string generated)
    {
        var committedLines = committed.Split('\n');
        var generatedLines = generated.Split('\n');
        var line = 0;
        while (line < committedLines.Length && line < generatedLines.Length && committedLines[line] == generatedLines[line])
        {
            line++;
        }
        return $"First difference at line {line + 1}:\n" +
               $"  committed: {(line < committedLines.Length ? committedLines[line] : "(end of file)")}\n" +
               $"  generated: {(line < generatedLines.Length ? generatedLines[line] : "(end of file)")}";
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Profiles;
using Exchange.Testing.Hosting;
using Google.Protobuf.Reflection;

namespace Exchange.Contract.Tests;

/// <summary>
/// How much of each of the five data sets the contract carries. docs/contract/data-set-coverage.json
/// lists each data set's elements as ../shared/reference/standards.md gives them and where the
/// contract carries each; this checks every such field path against the contract, that each data
/// set is at least 90 % covered, and that the coverage table in standards-mapping.md is the one
/// the file gives, so the published figures cannot go stale.
/// </summary>
public class DataSetCoverageTests
{
    private const string Start = "<!-- data-set-coverage: generated from data-set-coverage.json, checked by DataSetCoverageTests -->";
    private const string End = "<!-- /data-set-coverage -->";
    private const double Target = 0.90;

    private static readonly string Docs = Path.Combine(ExternalProgram.RepositoryRoot(), "docs", "contract");

    private sealed record Element(string Id, string Name, IReadOnlyList<string> Paths, string Note);

    private sealed record DataSet(string Id, string Title, string Source, IReadOnlyList<Element> Elements)
    {
        public int Covered => Elements.Count(e => e.Paths.Count > 0);
    }

    private static IReadOnlyList<DataSet> Read()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Docs, "data-set-coverage.json")));
        return json.RootElement.GetProperty("data_sets").EnumerateArray().Select(set => new DataSet(
            set.GetProperty("id").GetString()!,
            set.GetProperty("title").GetString()!,
            set.GetProperty("source").GetString()!,
            set.GetProperty("elements").EnumerateArray().Select(e => new Element(
                e.TryGetProperty("id", out var id) ? id.GetString()! : "",
                e.GetProperty("name").GetString()!,
                e.GetProperty("paths").EnumerateArray().Select(p => p.GetString()!).ToList(),
                e.TryGetProperty("note", out var note) ? note.GetString()! : "")).ToList())).ToList();
    }

    [Fact]
    public void Every_path_the_coverage_file_names_is_a_field_of_the_contract()
    {
        var problems = Read().SelectMany(set => set.Elements.SelectMany(e => e.Paths.Select(p => (set, e, p))))
            .Select(x => Problem(x.p) is { } problem ? $"{x.set.Id} {x.e.Name}: {problem}" : null)
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Each_data_set_is_at_least_90_percent_covered()
    {
        Assert.All(Read(), set => Assert.True(set.Covered >= Target * set.Elements.Count,
            $"{set.Id}: {set.Covered} of {set.Elements.Count} elements; missing: {string.Join(", ", set.Elements.Where(e => e.Paths.Count == 0).Select(e => e.Name))}"));
        Assert.Equal(["WCO-DM", "EU-ICS2-HOUSE", "EU-H7", "US-321-TYPE-86", "UPU-CN23"], Read().Select(s => s.Id));
    }

    [Fact]
    public void The_coverage_table_in_standards_mapping_md_is_the_one_the_file_gives()
    {
        var markdown = File.ReadAllText(Path.Combine(Docs, "standards-mapping.md")).ReplaceLineEndings("\n");
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, $"standards-mapping.md has no coverage table between \"{Start}\" and \"{End}\"");

        var committed = markdown[(start + Start.Length)..end].Trim('\n');
        var generated = Table(Read());

        Assert.True(committed == generated, $"The coverage table in docs/contract/standards-mapping.md is stale; replace it with:\n{generated}");
    }

    private static string Table(IReadOnlyList<DataSet> sets)
    {
        var text = new StringBuilder();
        text.Append("| Data set | Source | Covered | Not covered |\n|---|---|---|---|\n");
        foreach (var set in sets)
        {
            var missing = set.Elements.Where(e => e.Paths.Count == 0).Select(e => (e.Id.Length > 0 ? e.Id + " " : "") + e.Name + (e.Note.Length > 0 ? $" ({e.Note})" : ""));
            var percent = (100.0 * set.Covered / set.Elements.Count).ToString("0.0", CultureInfo.InvariantCulture);
            text.Append(CultureInfo.InvariantCulture, $"| {set.Title} (`{set.Id}`) | {set.Source} | {set.Covered} of {set.Elements.Count} ({percent} %) | {(missing.Any() ? string.Join("; ", missing) : "none")} |\n");
        }
        return text.ToString().TrimEnd('\n');
    }

    /// <summary>Why <paramref name="path"/> is not a field of the contract, or null: a Declaration path, or "Consignment:" and a Consignment path.</summary>
    private static string? Problem(string path)
    {
        const string OnConsignment = "Consignment:";
        if (!path.StartsWith(OnConsignment, StringComparison.Ordinal))
        {
            ElementPath.Parse(path, out var problem);
            return problem;
        }
        MessageDescriptor? message = Consignment.Descriptor;
        foreach (var segment in path[OnConsignment.Length..].Split('.'))
        {
            var field = message?.FindFieldByName(segment.TrimEnd('[', ']'));
            if (field is null)
            {
                return $"Consignment has no field path {path}";
            }
            message = field.FieldType == FieldType.Message ? field.MessageType : null;
        }
        return null;
    }
}

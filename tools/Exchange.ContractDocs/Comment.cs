using System.Text.RegularExpressions;
using Google.Protobuf.Reflection;

namespace Exchange.ContractDocs;

/// <summary>
/// The comment of one element of a .proto file, as paragraphs of text. Lines of a paragraph are
/// joined, except where a line starts a list item.
/// </summary>
internal sealed partial record Comment(IReadOnlyList<IReadOnlyList<string>> Paragraphs)
{
    public static readonly Comment None = new([]);

    public bool IsEmpty => Paragraphs.Count == 0;

    /// <summary>All of the text on one line, whitespace collapsed: what standards are searched in.</summary>
    public string Flat => string.Join(" ", Paragraphs.SelectMany(p => p));

    public static Comment Parse(string? text)
    {
        var paragraphs = new List<IReadOnlyList<string>>();
        var current = new List<string>();
        foreach (var line in (text ?? "").ReplaceLineEndings("\n").Split('\n').Select(l => l.Trim()))
        {
            if (line.Length > 0)
            {
                current.Add(line);
            }
            else if (current.Count > 0)
            {
                paragraphs.Add(current);
                current = [];
            }
        }
        if (current.Count > 0)
        {
            paragraphs.Add(current);
        }
        return new Comment(paragraphs);
    }

    /// <summary>Markdown paragraphs separated by blank lines (list items kept on their own line).</summary>
    public string ToBlock() => string.Join("\n\n", Paragraphs.Select(p => Markdown.Text(JoinLines(p)).Replace(ListBreak, "\n")));

    /// <summary>Markdown for one table cell: paragraphs separated by line breaks, pipes escaped.</summary>
    public string ToCell() => string.Join("<br><br>", Paragraphs.Select(p => Markdown.Cell(JoinLines(p)).Replace(ListBreak, "<br>")));

    // Stands for a line break before a list item until the text is escaped.
    private const string ListBreak = "\u0001";

    private static string JoinLines(IReadOnlyList<string> lines)
    {
        var text = lines[0];
        foreach (var line in lines.Skip(1))
        {
            text += (ListItem().IsMatch(line) ? ListBreak : " ") + line;
        }
        return text;
    }

    [GeneratedRegex(@"^([-*+]|\d+\.)\s")]
    private static partial Regex ListItem();
}

/// <summary>The comments of one file, looked up by source path (SourceCodeInfo.Location.path).</summary>
internal sealed class SourceComments
{
    private readonly Dictionary<string, string> comments = [];

    public SourceComments(FileDescriptorProto file)
    {
        foreach (var location in file.SourceCodeInfo?.Location ?? [])
        {
            var text = string.IsNullOrWhiteSpace(location.LeadingComments) ? location.TrailingComments : location.LeadingComments;
            if (!string.IsNullOrWhiteSpace(text))
            {
                comments.TryAdd(Key(location.Path), text);
            }
        }
    }

    public Comment For(IEnumerable<int> path) => comments.TryGetValue(Key(path), out var text) ? Comment.Parse(text) : Comment.None;

    private static string Key(IEnumerable<int> path) => string.Join(",", path);
}

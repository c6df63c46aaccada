namespace Exchange.ContractDocs;

/// <summary>Escaping and anchors for the generated Markdown (GitHub flavoured).</summary>
internal static class Markdown
{
    /// <summary>
    /// Comment text as Markdown: written as Markdown already (backticks for names), so only a
    /// <c>&lt;</c> outside code spans is escaped, lest it be read as an HTML tag.
    /// </summary>
    public static string Text(string text)
    {
        var parts = text.Split('`');
        for (var i = 0; i < parts.Length; i += 2)
        {
            parts[i] = parts[i].Replace("<", "&lt;", StringComparison.Ordinal);
        }
        return string.Join("`", parts);
    }

    /// <summary>Text for a table cell: as <see cref="Text"/>, with pipes escaped (also inside code spans).</summary>
    public static string Cell(string text) => Text(text).Replace("|", "\\|", StringComparison.Ordinal);

    public static string Code(string text) => $"`{text}`";

    public static string Link(string text, string anchor) => $"[{text}](#{anchor})";

    /// <summary>A heading carrying an explicit anchor, so links do not depend on the heading text.</summary>
    public static string Heading(int level, string text, string anchor) => $"{new string('#', level)} <a id=\"{anchor}\"></a>{text}";
}

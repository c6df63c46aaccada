using System.Security.Cryptography;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;

namespace Exchange.Client;

/// <summary>A file the user named cannot be used; each problem names the file (and line).</summary>
public sealed class InputFileException(IReadOnlyList<string> problems)
    : Exception(string.Join(Environment.NewLine, problems))
{
    public InputFileException(string problem) : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;
}

/// <summary>One declaration read for a bulk submission, with where it came from and its request id.</summary>
public sealed record DeclarationItem(string Source, Declaration Declaration, string RequestId);

/// <summary>
/// Reads declarations written in proto3 JSON, the contract's JSON encoding (camelCase field
/// names, enums by name, 64-bit integers as strings).
/// </summary>
public static class DeclarationFiles
{
    // Unknown fields are errors, not silently dropped: a typo such as "hsCod" must not turn into
    // a declaration without an HS code that the server then refuses for a different reason.
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    // Fixed namespace of this client's derived request ids (RFC 9562 name-based UUIDs), so that
    // ids derived here never collide with ids another tool derives from the same bytes.
    private static readonly byte[] RequestIdNamespace = Guid.Parse("5b0c3c8e-2f3d-4e0a-9a51-7e2f4b8d6c19").ToByteArray(bigEndian: true);

    /// <summary>Reads one declaration from a JSON file.</summary>
    public static Declaration ReadFile(string path) => ReadFile<Declaration>(path, "declaration");

    /// <summary>Reads one message of the contract (e.g. a consignment) from a JSON file; <paramref name="what"/> names it in errors.</summary>
    public static T ReadFile<T>(string path, string what) where T : IMessage, new()
    {
        if (!File.Exists(path))
        {
            throw new InputFileException($"{path}: file not found.");
        }
        return Parse<T>(ReadText(path), path, what);
    }

    /// <summary>Parses one declaration; <paramref name="source"/> names it in the error.</summary>
    public static Declaration Parse(string json, string source) => Parse<Declaration>(json, source, "declaration");

    private static T Parse<T>(string json, string source, string what) where T : IMessage, new()
    {
        try
        {
            return Parser.Parse<T>(json);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            throw new InputFileException($"{source}: not a valid {what}: {ex.Message}");
        }
    }

    /// <summary>
    /// Reads many declarations: every non-blank line of a JSON Lines file, or every *.json file
    /// of a directory (in name order). Reports every unreadable item at once, not the first only.
    /// </summary>
    public static IReadOnlyList<DeclarationItem> ReadMany(string path)
    {
        IEnumerable<(string Source, string Json)> sources;
        if (Directory.Exists(path))
        {
            sources = Directory.GetFiles(path, "*.json")
                .Order(StringComparer.Ordinal)
                .Select(file => (Path.GetFileName(file), ReadText(file)));
        }
        else if (File.Exists(path))
        {
            var name = Path.GetFileName(path);
            sources = ReadText(path).Split('\n')
                .Select((line, index) => (Source: $"{name} line {index + 1}", Json: line))
                .Where(item => !string.IsNullOrWhiteSpace(item.Json));
        }
        else
        {
            throw new InputFileException($"{path}: no such file or directory.");
        }

        var items = new List<DeclarationItem>();
        var problems = new List<string>();
        foreach (var (source, json) in sources)
        {
            try
            {
                var declaration = Parse(json, source);
                items.Add(new DeclarationItem(source, declaration, DerivedRequestId(declaration)));
            }
            catch (InputFileException ex)
            {
                problems.AddRange(ex.Problems);
            }
        }
        if (problems.Count > 0)
        {
            throw new InputFileException(problems);
        }
        if (items.Count == 0)
        {
            throw new InputFileException($"{path}: contains no declarations.");
        }
        return items;
    }

    // A file that exists but cannot be read (permissions, a disk error) is the user's to fix,
    // like a missing one: report it by name instead of failing with a stack trace.
    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputFileException($"{path}: cannot be read: {ex.Message}");
        }
    }

    /// <summary>
    /// A request id that depends only on the declaration's content: re-running the same file
    /// resends the same ids, and the server answers each already-accepted item with its first
    /// answer instead of recording it twice (AIP-155). It hashes the protobuf encoding rather
    /// than the raw text, so reformatting a file does not turn a retry into a new submission.
    /// The id is an RFC 9562 name-based UUID (version 8, SHA-256; RFC 9562 appendix B.2).
    /// </summary>
    public static string DerivedRequestId(Declaration declaration)
    {
        var hash = SHA256.HashData([.. RequestIdNamespace, .. declaration.ToByteArray()]);
        var bytes = hash.AsSpan(0, 16);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80); // version 8
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // variant 10 (RFC 9562)
        return new Guid(bytes, bigEndian: true).ToString();
    }
}

using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Benchmark;

/// <summary>
/// Requests built from the contract's valid sample declaration (express IOSS marketplace sale),
/// each with its own request_id and local reference number, under one filer per run.
/// </summary>
public sealed class DeclarationFactory
{
    private readonly Declaration _template;
    private readonly string _runTag = Guid.NewGuid().ToString("N")[..6];
    private long _next;

    public DeclarationFactory()
    {
        using var stream = typeof(DeclarationFactory).Assembly.GetManifestResourceStream("sample-declaration.json")
            ?? throw new InvalidOperationException("The embedded sample declaration is missing.");
        using var reader = new StreamReader(stream);
        _template = JsonParser.Default.Parse<Declaration>(reader.ReadToEnd());
        FilerId = $"bench-{_runTag}";
        Headers = new Metadata { { "x-exchange-filer", FilerId } };
    }

    public string FilerId { get; }

    public string Parent => $"filers/{FilerId}";

    /// <summary>The identity header of the filer (the node's development authentication).</summary>
    public Metadata Headers { get; }

    public SubmitDeclarationRequest NextUnary() =>
        new() { Parent = Parent, Declaration = NextDeclaration(), RequestId = Guid.NewGuid().ToString() };

    public BulkSubmitDeclarationsRequest NextBulk() =>
        new() { Parent = Parent, Declaration = NextDeclaration(), RequestId = Guid.NewGuid().ToString() };

    private Declaration NextDeclaration()
    {
        var declaration = _template.Clone();
        // LRN: at most 22 characters (ICS2 an..22); "B" + 6 + "-" + up to 10 digits.
        declaration.LocalReferenceNumber = $"B{_runTag}-{Interlocked.Increment(ref _next)}";
        return declaration;
    }
}

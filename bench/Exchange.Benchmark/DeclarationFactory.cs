using Exchange.Contracts.Declaration.V1;
using Google.Protobuf;
using Grpc.Core;

namespace Exchange.Benchmark;

/// <summary>
/// Requests built from the contract's valid sample declaration (express IOSS marketplace sale),
/// each with its own request_id and local reference number, under one filer per run, or spread
/// round-robin over several (<c>--filers</c>): on PostgreSQL a filer's writers queue on its
/// event-counter lock, so one filer is the worst case and several show what the store does for
/// a node serving many.
/// </summary>
public sealed class DeclarationFactory
{
    private readonly Declaration _template;
    private readonly string _runTag = Guid.NewGuid().ToString("N")[..6];
    private long _next;
    private long _nextUnaryFiler;

    public DeclarationFactory(int filers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(filers, 1);
        using var stream = typeof(DeclarationFactory).Assembly.GetManifestResourceStream("sample-declaration.json")
            ?? throw new InvalidOperationException("The embedded sample declaration is missing.");
        using var reader = new StreamReader(stream);
        _template = JsonParser.Default.Parse<Declaration>(reader.ReadToEnd());
        // The first filer keeps the name a single-filer run always had.
        Filers = Enumerable.Range(0, filers)
            .Select(i => new BenchmarkFiler(i == 0 ? $"bench-{_runTag}" : $"bench-{_runTag}-{i}"))
            .ToArray();
    }

    /// <summary>The filers of the run; the first is the one every single-filer request uses.</summary>
    public IReadOnlyList<BenchmarkFiler> Filers { get; }

    public string FilerId => Filers[0].FilerId;

    /// <summary>The identity header of the first filer (the node's development authentication).</summary>
    public Metadata Headers => Filers[0].Headers;

    /// <summary>The next unary request and its filer, the filers taking turns.</summary>
    public (SubmitDeclarationRequest Request, BenchmarkFiler Filer) NextUnary()
    {
        var filer = Filers[(int)((Interlocked.Increment(ref _nextUnaryFiler) - 1) % Filers.Count)];
        return (new() { Parent = filer.Parent, Declaration = NextDeclaration(), RequestId = Guid.NewGuid().ToString() }, filer);
    }

    /// <summary>The next item of a bulk stream of <paramref name="filer"/> (a stream has one filer).</summary>
    public BulkSubmitDeclarationsRequest NextBulk(BenchmarkFiler filer) =>
        new() { Parent = filer.Parent, Declaration = NextDeclaration(), RequestId = Guid.NewGuid().ToString() };

    private Declaration NextDeclaration()
    {
        var declaration = _template.Clone();
        // LRN: at most 22 characters (ICS2 an..22); "B" + 6 + "-" + up to 10 digits.
        declaration.LocalReferenceNumber = $"B{_runTag}-{Interlocked.Increment(ref _next)}";
        return declaration;
    }
}

/// <summary>One filer of a run: its id, its parent resource name and its identity header.</summary>
public sealed record BenchmarkFiler(string FilerId)
{
    public string Parent => $"filers/{FilerId}";

    public Metadata Headers { get; } = new() { { "x-exchange-filer", FilerId } };
}

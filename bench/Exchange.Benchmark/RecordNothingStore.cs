using Exchange.Core.Storage;

namespace Exchange.Benchmark;

/// <summary>
/// The ingest benchmark's "core only" phase: inserts are answered as written (their event
/// numbered) without touching the store, every read goes to the real store underneath. What the
/// node spends per declaration besides the store is then what is left.
/// </summary>
internal sealed class RecordNothingStore(IDeclarationStore inner) : DelegatingDeclarationStore(inner)
{
    private long _sequence;

    public override async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        (await InsertManyAsync([write], cancellationToken))[0];

    public override Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var outcomes = new WriteOutcome[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            var appended = writes[i].Event.Clone();
            _sequence += writes[i].Events.Count;
            appended.Cursor = _sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
            outcomes[i] = new WriteOutcome(WriteOutcomeKind.Written, writes[i].Declaration, appended);
        }
        return Task.FromResult<IReadOnlyList<WriteOutcome>>(outcomes);
    }

    /// <summary>The real store stays open for the next phase.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2215", Justification = "Deliberate: the wrapped store is the next phase's, so disposing this wrapper must not close it.")]
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

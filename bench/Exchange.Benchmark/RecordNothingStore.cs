using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Benchmark;

/// <summary>
/// The ingest benchmark's "core only" phase: inserts are answered as written (their event
/// numbered) without touching the store, every read goes to the real store underneath. What the
/// node spends per declaration besides the store is then what is left.
/// </summary>
internal sealed class RecordNothingStore(IDeclarationStore inner) : IDeclarationStore
{
    private long _sequence;

    public IDeclarationStore Inner => inner;

    public async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        (await InsertManyAsync([write], cancellationToken))[0];

    public Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
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

    public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken) => inner.UpdateAsync(write, cancellationToken);

    public Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        inner.UpdateManyAsync(writes, cancellationToken);

    public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) => inner.ListAsync(query, cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken) =>
        inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken);

    public Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, long afterSequence, int limit, string? declarationId, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(filerId, afterSequence, limit, declarationId, cancellationToken);

    public Task<long> GetLastEventSequenceAsync(string filerId, CancellationToken cancellationToken) =>
        inner.GetLastEventSequenceAsync(filerId, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.ListDueForAssessmentAsync(updatedAtOrBefore, limit, cancellationToken);

    public Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) => inner.GetAssessmentAsync(key, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByStatusAsync(status, filerId, after, limit, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListFlaggedAsync(string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListFlaggedAsync(agencyId, after, limit, cancellationToken);

    public Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken) =>
        inner.IsFlaggedAsync(agencyId, key, cancellationToken);

    public Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetConsigneeActivityAsync(consigneeKeys, since, cancellationToken);
}

using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Redis.Tests.Support;

/// <summary>A real store that counts what reaches it, to prove which calls the cache answered.</summary>
public sealed class CountingStore(IDeclarationStore inner) : IDeclarationStore, IAsyncDisposable
{
    private int _writes;
    private int _idempotencyLookUps;

    /// <summary>Inserts and updates that reached the store (one per declaration of a batch).</summary>
    public int Writes => Volatile.Read(ref _writes);

    public int IdempotencyLookUps => Volatile.Read(ref _idempotencyLookUps);

    public IDeclarationStore Inner => inner;

    public void Reset()
    {
        Volatile.Write(ref _writes, 0);
        Volatile.Write(ref _idempotencyLookUps, 0);
    }

    public Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.InsertAsync(write, cancellationToken);
    }

    public Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _writes, writes.Count);
        return inner.InsertManyAsync(writes, cancellationToken);
    }

    public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _writes);
        return inner.UpdateAsync(write, cancellationToken);
    }

    public Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        Interlocked.Add(ref _writes, writes.Count);
        return inner.UpdateManyAsync(writes, cancellationToken);
    }

    public Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _idempotencyLookUps);
        return inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken);
    }

    public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) =>
        inner.ListAsync(query, cancellationToken);

    public Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(filerId, after, limit, declarationId, cancellationToken);

    public Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken) =>
        inner.GetLastEventPositionAsync(filerId, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(
        DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.ListDueForAssessmentAsync(updatedAtOrBefore, limit, cancellationToken);

    public Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        inner.GetAssessmentAsync(key, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByStatusAsync(status, filerId, after, limit, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMasterDocumentAsync(masterDocument, after, limit, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListFlaggedAsync(
        string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListFlaggedAsync(agencyId, after, limit, cancellationToken);

    public Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken) =>
        inner.IsFlaggedAsync(agencyId, key, cancellationToken);

    public Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetConsigneeActivityAsync(consigneeKeys, since, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(
        string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.FindByLocalReferenceNumbersAsync(filerId, localReferenceNumbers, since, cancellationToken);

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
}

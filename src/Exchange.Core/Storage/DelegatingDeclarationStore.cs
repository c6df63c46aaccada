using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;

namespace Exchange.Core.Storage;

/// <summary>
/// A store that hands every call to <see cref="Inner"/>: the base of decorators that change a
/// few calls (what a write shares, what a benchmark records) and let the rest pass through.
/// Disposing it disposes the inner store.
/// </summary>
public abstract class DelegatingDeclarationStore(IDeclarationStore inner) : IDeclarationStore, IAsyncDisposable
{
    public IDeclarationStore Inner => inner;

    public virtual Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        inner.InsertAsync(write, cancellationToken);

    public virtual Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        inner.InsertManyAsync(writes, cancellationToken);

    public virtual Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        inner.UpdateAsync(write, cancellationToken);

    public virtual Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        inner.UpdateManyAsync(writes, cancellationToken);

    public virtual Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public virtual Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) =>
        inner.ListAsync(query, cancellationToken);

    public virtual Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken) =>
        inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken);

    public virtual Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(filerId, after, limit, declarationId, cancellationToken);

    public virtual Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken) =>
        inner.GetLastEventPositionAsync(filerId, cancellationToken);

    public virtual Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.ListDueForAssessmentAsync(updatedAtOrBefore, limit, cancellationToken);

    public virtual Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        inner.GetAssessmentAsync(key, cancellationToken);

    public virtual Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByStatusAsync(status, filerId, after, limit, cancellationToken);

    public virtual Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListByMasterDocumentAsync(masterDocument, after, limit, cancellationToken);

    public virtual Task<IReadOnlyList<Declaration>> ListFlaggedAsync(string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        inner.ListFlaggedAsync(agencyId, after, limit, cancellationToken);

    public virtual Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken) =>
        inner.IsFlaggedAsync(agencyId, key, cancellationToken);

    public virtual Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.GetConsigneeActivityAsync(consigneeKeys, since, cancellationToken);

    public virtual Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(
        string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken) =>
        inner.FindByLocalReferenceNumbersAsync(filerId, localReferenceNumbers, since, cancellationToken);

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;
    }
}

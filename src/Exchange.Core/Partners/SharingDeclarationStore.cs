using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Events;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Partners;

/// <summary>
/// Puts on every write the outbox entries <see cref="PartnerSharing"/> says it causes, so the
/// store records a change and what it shares in one transaction, whichever path of change
/// (filer, bulk, assessor, officer, agency, partner) made it. Raises <paramref name="outboxPulse"/>
/// after a written write with entries so the delivery loop starts at once. Reads pass straight through.
/// </summary>
public sealed class SharingDeclarationStore(IDeclarationStore inner, PartnerSharing sharing, WorkPulse outboxPulse)
    : IDeclarationStore, IAsyncDisposable
{
    public async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var shared = WithOutbox(write);
        return Pulse([shared], [await inner.InsertAsync(shared, cancellationToken)])[0];
    }

    public async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var shared = writes.Select(WithOutbox).ToList();
        return Pulse(shared, await inner.InsertManyAsync(shared, cancellationToken));
    }

    public async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var shared = WithOutbox(write);
        return Pulse([shared], [await inner.UpdateAsync(shared, cancellationToken)])[0];
    }

    public async Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        var shared = writes.Select(WithOutbox).ToList();
        return Pulse(shared, await inner.UpdateManyAsync(shared, cancellationToken));
    }

    public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) => inner.GetAsync(key, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) =>
        inner.ListAsync(query, cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken) =>
        inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken);

    public Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, long afterSequence, int limit, string? declarationId, CancellationToken cancellationToken) =>
        inner.ReadEventsAsync(filerId, afterSequence, limit, declarationId, cancellationToken);

    public Task<long> GetLastEventSequenceAsync(string filerId, CancellationToken cancellationToken) =>
        inner.GetLastEventSequenceAsync(filerId, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) =>
        inner.ListDueForAssessmentAsync(updatedAtOrBefore, limit, cancellationToken);

    public Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        inner.GetAssessmentAsync(key, cancellationToken);

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

    public ValueTask DisposeAsync() => inner is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private DeclarationWrite WithOutbox(DeclarationWrite write)
    {
        var entries = sharing.EntriesFor(write);
        return entries.Count == 0 ? write : write with { Outbox = [.. write.Outbox ?? [], .. entries] };
    }

    /// <summary>Wakes the delivery loops when a written write put messages in the outbox (not on every write: they would query for nothing).</summary>
    private IReadOnlyList<WriteOutcome> Pulse(IReadOnlyList<DeclarationWrite> writes, IReadOnlyList<WriteOutcome> outcomes)
    {
        if (writes.Where((write, i) => write.Outbox is { Count: > 0 } && outcomes[i].Kind == WriteOutcomeKind.Written).Any())
        {
            outboxPulse.Raise();
        }
        return outcomes;
    }
}

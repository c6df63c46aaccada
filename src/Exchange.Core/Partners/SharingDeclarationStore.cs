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
/// after a write with entries so the delivery loop starts at once. Reads pass straight through.
/// </summary>
public sealed class SharingDeclarationStore(IDeclarationStore inner, PartnerSharing sharing, WorkPulse outboxPulse)
    : IDeclarationStore, IAsyncDisposable
{
    public async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        Pulse(await inner.InsertAsync(WithOutbox(write), cancellationToken));

    public async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        Pulse(await inner.InsertManyAsync(writes.Select(WithOutbox).ToList(), cancellationToken));

    public async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        Pulse(await inner.UpdateAsync(WithOutbox(write), cancellationToken));

    public async Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        Pulse(await inner.UpdateManyAsync(writes.Select(WithOutbox).ToList(), cancellationToken));

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

    private WriteOutcome Pulse(WriteOutcome outcome)
    {
        if (outcome.Kind == WriteOutcomeKind.Written)
        {
            outboxPulse.Raise();
        }
        return outcome;
    }

    private IReadOnlyList<WriteOutcome> Pulse(IReadOnlyList<WriteOutcome> outcomes)
    {
        if (outcomes.Any(o => o.Kind == WriteOutcomeKind.Written))
        {
            outboxPulse.Raise();
        }
        return outcomes;
    }
}

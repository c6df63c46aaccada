using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Redis;

/// <summary>
/// The store with a Redis fast path for idempotent retries: an insert whose (filer, request id)
/// is in the cache is answered from it (Replayed, or RequestIdConflict for another request's
/// hash) without touching the database; everything else goes to the inner store, which stays the
/// authority and re-checks inside its own transaction. Answers are cached only after the inner
/// store has made them durable, so the cache never claims what the database has not got.
/// </summary>
public sealed class CachingDeclarationStore(IDeclarationStore inner, RedisIdempotencyCache cache) : IDeclarationStore, IAsyncDisposable
{
    public async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.RequestId is not null
            && (await cache.FindAsync([(write.Key.FilerId, write.RequestId)], cancellationToken))[0] is { } cached)
        {
            return Answer(cached, write);
        }
        var outcome = await inner.InsertAsync(write, cancellationToken);
        Remember(write, outcome);
        return outcome;
    }

    public async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var withRequestId = new List<int>(writes.Count);
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].RequestId is not null)
            {
                withRequestId.Add(i);
            }
        }
        var cached = await cache.FindAsync(
            withRequestId.Select(i => (writes[i].Key.FilerId, writes[i].RequestId!)).ToArray(), cancellationToken);

        var outcomes = new WriteOutcome[writes.Count];
        var answered = new bool[writes.Count];
        for (var j = 0; j < withRequestId.Count; j++)
        {
            if (cached[j] is { } record)
            {
                outcomes[withRequestId[j]] = Answer(record, writes[withRequestId[j]]);
                answered[withRequestId[j]] = true;
            }
        }
        // The rest go to the store in their order, as one batch (one transaction); duplicates
        // within the batch are the store's to resolve.
        var pending = Enumerable.Range(0, writes.Count).Where(i => !answered[i]).ToArray();
        if (pending.Length > 0)
        {
            var stored = await inner.InsertManyAsync(pending.Length == writes.Count ? writes : pending.Select(i => writes[i]).ToArray(), cancellationToken);
            for (var k = 0; k < pending.Length; k++)
            {
                outcomes[pending[k]] = stored[k];
                Remember(writes[pending[k]], stored[k]);
            }
        }
        return outcomes;
    }

    public async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        // No look-up here: the workflow asks FindIdempotencyRecordAsync (cached) before an update.
        var outcome = await inner.UpdateAsync(write, cancellationToken);
        Remember(write, outcome);
        return outcome;
    }

    public async Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        // As UpdateAsync: no look-up, the store answers and its durable answers are cached.
        var outcomes = await inner.UpdateManyAsync(writes, cancellationToken);
        for (var i = 0; i < writes.Count; i++)
        {
            Remember(writes[i], outcomes[i]);
        }
        return outcomes;
    }

    public async Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken)
    {
        if ((await cache.FindAsync([(filerId, requestId)], cancellationToken))[0] is { } cached)
        {
            return cached;
        }
        var record = await inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken);
        if (record is not null)
        {
            cache.Remember(filerId, requestId, record.RequestHash, record.Response);
        }
        return record;
    }

    public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        inner.GetAsync(key, cancellationToken);

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

    /// <summary>Disposes the inner store: the host only knows this decorator.</summary>
    public async ValueTask DisposeAsync()
    {
        switch (inner)
        {
            case IAsyncDisposable asyncDisposable:
                await asyncDisposable.DisposeAsync();
                break;
            case IDisposable disposable:
                disposable.Dispose();
                break;
        }
    }

    /// <summary>The store's own rule (IDeclarationStore): the same hash replays, another one conflicts.</summary>
    private static WriteOutcome Answer(IdempotencyRecord cached, DeclarationWrite write) => cached.AnswerTo(write.RequestHash);

    private void Remember(DeclarationWrite write, WriteOutcome outcome)
    {
        if (write.RequestId is not null && write.RequestHash is not null
            && outcome.Kind is WriteOutcomeKind.Written or WriteOutcomeKind.Replayed)
        {
            cache.Remember(write.Key.FilerId, write.RequestId, write.RequestHash, outcome.Declaration!);
        }
    }
}

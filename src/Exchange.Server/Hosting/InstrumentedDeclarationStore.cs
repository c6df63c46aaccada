using System.Diagnostics;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Exchange.Core.Telemetry;

namespace Exchange.Server.Hosting;

/// <summary>
/// The node's store as seen from outside: every call is delegated unchanged, timed into
/// <c>exchange.store.operation.duration</c> (operation, outcome) and, inside a traced request or
/// assessment batch, wrapped in a span. The outermost decorator, so what is measured is what the
/// workflows wait for (the Redis cache included when there is one).
/// </summary>
public sealed class InstrumentedDeclarationStore(IDeclarationStore inner, ExchangeMetrics metrics) : IDeclarationStore, IAsyncDisposable
{
    public Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        Timed("insert", () => inner.InsertAsync(write, cancellationToken));

    public Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        Timed("insert_many", () => inner.InsertManyAsync(writes, cancellationToken));

    public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken) =>
        Timed("update", () => inner.UpdateAsync(write, cancellationToken));

    public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        Timed("get", () => inner.GetAsync(key, cancellationToken));

    public Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) =>
        Timed("list", () => inner.ListAsync(query, cancellationToken));

    public Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken) =>
        Timed("find_idempotency_record", () => inner.FindIdempotencyRecordAsync(filerId, requestId, cancellationToken));

    public Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken) =>
        Timed("read_events", () => inner.ReadEventsAsync(filerId, after, limit, declarationId, cancellationToken));

    public Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken) =>
        Timed("get_last_event_sequence", () => inner.GetLastEventPositionAsync(filerId, cancellationToken));

    public Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) =>
        Timed("update_many", () => inner.UpdateManyAsync(writes, cancellationToken));

    public Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) =>
        Timed("list_due_for_assessment", () => inner.ListDueForAssessmentAsync(updatedAtOrBefore, limit, cancellationToken));

    public Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) =>
        Timed("get_assessment", () => inner.GetAssessmentAsync(key, cancellationToken));

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        Timed("list_by_status", () => inner.ListByStatusAsync(status, filerId, after, limit, cancellationToken));

    public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        Timed("list_by_master_document", () => inner.ListByMasterDocumentAsync(masterDocument, after, limit, cancellationToken));

    public Task<IReadOnlyList<Declaration>> ListFlaggedAsync(string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        Timed("list_flagged", () => inner.ListFlaggedAsync(agencyId, after, limit, cancellationToken));

    public Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken) =>
        Timed("is_flagged", () => inner.IsFlaggedAsync(agencyId, key, cancellationToken));

    public Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken) =>
        Timed("get_consignee_activity", () => inner.GetConsigneeActivityAsync(consigneeKeys, since, cancellationToken));

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(
        string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken) =>
        Timed("find_by_local_reference_numbers", () => inner.FindByLocalReferenceNumbersAsync(filerId, localReferenceNumbers, since, cancellationToken));

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

    private async Task<T> Timed<T>(string operation, Func<Task<T>> call)
    {
        using var span = ExchangeActivities.StartStoreCall(operation);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error";
        try
        {
            var result = await call();
            outcome = "ok";
            return result;
        }
        catch (OperationCanceledException)
        {
            outcome = "cancelled";
            throw;
        }
        finally
        {
            metrics.StoreOperation(operation, outcome, Stopwatch.GetElapsedTime(started));
            span?.SetStatus(outcome == "error" ? ActivityStatusCode.Error : ActivityStatusCode.Unset);
        }
    }
}

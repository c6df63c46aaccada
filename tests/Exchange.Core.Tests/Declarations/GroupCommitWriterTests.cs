using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Core.Tests.Declarations;

public sealed class GroupCommitWriterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static DeclarationWrite Write(int i)
    {
        var key = new DeclarationKey("filer-a", $"d{i}");
        return new DeclarationWrite(key, new Declaration { Name = key.Name }, new DeclarationEvent { Declaration = key.Name }, $"r{i}", [1]);
    }

    /// <summary>Until a poll sees the condition, bounded (never a timing assertion).</summary>
    private static async Task EventuallyAsync(Func<bool> condition)
    {
        using var bound = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(5, bound.Token);
        }
    }

    [Fact]
    public async Task Submissions_that_arrive_during_a_commit_share_the_next_transaction()
    {
        var store = new GatedStore();
        await using var writer = new GroupCommitWriter<DeclarationWrite, WriteOutcome>(store.InsertManyAsync, maxBatch: 256);

        var first = writer.InsertAsync(Write(0), CancellationToken.None);
        List<Task<WriteOutcome>> rest;
        try
        {
            await EventuallyAsync(() => store.BatchCount == 1); // the first transaction is open
            rest = Enumerable.Range(1, 20).Select(i => writer.InsertAsync(Write(i), CancellationToken.None)).ToList();
            await EventuallyAsync(() => writer.Queued == 20);
        }
        finally
        {
            store.Release(); // whatever happened, let the writer finish so disposal cannot hang
        }

        var outcomes = await Task.WhenAll(rest.Prepend(first)).WaitAsync(Patience);

        Assert.All(outcomes, o => Assert.Equal(WriteOutcomeKind.Written, o.Kind));
        Assert.Equal(["d0"], outcomes.Take(1).Select(o => o.Declaration!.Name.Split('/')[^1]));
        Assert.Equal([1, 20], store.Batches.Select(b => b.Count));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => $"d{i}"), store.Batches[1].Select(w => w.Key.DeclarationId));
    }

    [Fact]
    public async Task A_failed_transaction_fails_every_submission_in_it_and_later_ones_go_on()
    {
        var store = new GatedStore { FailNext = true };
        await using var writer = new GroupCommitWriter<DeclarationWrite, WriteOutcome>(store.InsertManyAsync, maxBatch: 256);
        store.Release();

        await Assert.ThrowsAsync<TimeoutException>(() => writer.InsertAsync(Write(0), CancellationToken.None));
        var later = await writer.InsertAsync(Write(1), CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(WriteOutcomeKind.Written, later.Kind);
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_first()
    {
        var store = new GatedStore();
        var writer = new GroupCommitWriter<DeclarationWrite, WriteOutcome>(store.InsertManyAsync, maxBatch: 2);
        var pending = Enumerable.Range(0, 5).Select(i => writer.InsertAsync(Write(i), CancellationToken.None)).ToList();
        store.Release();

        await writer.DisposeAsync();

        Assert.All(pending, p => Assert.True(p.IsCompletedSuccessfully));
        Assert.Equal(5, store.Batches.Sum(b => b.Count));
        Assert.All(store.Batches, b => Assert.True(b.Count <= 2));
    }

    /// <summary>A store whose transactions wait for the test's go-ahead and record what they held.</summary>
    private sealed class GatedStore : IDeclarationStore
    {
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<IReadOnlyList<DeclarationWrite>> Batches { get; } = [];

        public int BatchCount
        {
            get
            {
                lock (Batches)
                {
                    return Batches.Count;
                }
            }
        }

        public bool FailNext { get; set; }

        public void Release() => _gate.TrySetResult();

        public async Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Batches.Add(writes);
            }
            await _gate.Task;
            if (FailNext)
            {
                FailNext = false;
                throw new TimeoutException("commit lost");
            }
            return writes.Select(w => new WriteOutcome(WriteOutcomeKind.Written, w.Declaration, w.Event)).ToList();
        }

        public Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<Contracts.Enforcement.V1.RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Declaration>> ListByStatusAsync(DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<Declaration>> ListFlaggedAsync(string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken) => throw new NotSupportedException();
    }
}

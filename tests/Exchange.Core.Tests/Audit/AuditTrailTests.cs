using Exchange.Core.Audit;
using Exchange.Core.Storage;

namespace Exchange.Core.Tests.Audit;

public sealed class AuditTrailTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    /// <summary>Writes at once (no lingering), retries almost at once: the tests see batching by holding the store.</summary>
    private static readonly AuditTrailSettings Eager = new()
    {
        FlushInterval = TimeSpan.Zero,
        InitialRetryBackoff = TimeSpan.FromMilliseconds(1),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(5),
    };

    private static AuditEntry Entry(int i) =>
        new(DateTimeOffset.UnixEpoch.AddSeconds(i), "filers/a", "/exchange.declaration.v1.DeclarationService/GetDeclaration", $"r{i}", "OK", "");

    private static IEnumerable<string> Resources(IEnumerable<AuditEntry> entries) => entries.Select(e => e.Resource);

    private static IEnumerable<string> Expected(int from, int count) => Enumerable.Range(from, count).Select(i => $"r{i}");

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
    public async Task Entries_recorded_while_a_batch_is_written_go_together_in_the_next_one_in_order()
    {
        var store = new InMemoryAuditStore();
        store.Hold();
        await using var trail = new AuditTrail(store, Eager, TimeProvider.System);
        try
        {
            Assert.True(trail.Record(Entry(0)));
            await EventuallyAsync(() => store.Attempts == 1); // the first batch is being written
            for (var i = 1; i <= 20; i++)
            {
                Assert.True(trail.Record(Entry(i)));
            }
            Assert.Equal(21, trail.Queued);
        }
        finally
        {
            store.Release();
        }

        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal([1, 20], store.Batches.Select(b => b.Count));
        Assert.Equal(Expected(0, 21), Resources(store.Entries));
        Assert.Equal((0L, 21L, 0L), (trail.Queued, trail.Written, trail.Dropped));
    }

    [Fact]
    public async Task A_batch_holds_at_most_the_batch_size()
    {
        var store = new InMemoryAuditStore();
        store.Hold();
        await using var trail = new AuditTrail(store, Eager with { BatchSize = 4 }, TimeProvider.System);
        try
        {
            trail.Record(Entry(0));
            await EventuallyAsync(() => store.Attempts == 1);
            for (var i = 1; i < 10; i++)
            {
                trail.Record(Entry(i));
            }
        }
        finally
        {
            store.Release();
        }

        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal([1, 4, 4, 1], store.Batches.Select(b => b.Count));
        Assert.Equal(Expected(0, 10), Resources(store.Entries));
    }

    [Fact]
    public async Task Entries_wait_for_the_flush_interval_unless_their_batch_is_full_or_flushed()
    {
        var store = new InMemoryAuditStore();
        await using var trail = new AuditTrail(store, new AuditTrailSettings { BatchSize = 5, FlushInterval = TimeSpan.FromMinutes(1) }, TimeProvider.System);

        for (var i = 0; i < 5; i++)
        {
            trail.Record(Entry(i));
        }
        await EventuallyAsync(() => store.Batches.Count == 1); // full: written without waiting the minute
        trail.Record(Entry(5));
        trail.Record(Entry(6));
        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience); // flushed: neither

        Assert.Equal([5, 2], store.Batches.Select(b => b.Count));
        Assert.Equal(Expected(0, 7), Resources(store.Entries));
    }

    [Fact]
    public async Task A_failing_store_loses_nothing_and_the_order_is_kept()
    {
        var store = new InMemoryAuditStore { Failure = new TimeoutException("database is locked") };
        var failures = new List<(Exception Error, long Held)>();
        await using var trail = new AuditTrail(store, Eager, TimeProvider.System);
        trail.StoreFailed += (error, held, _) =>
        {
            lock (failures)
            {
                failures.Add((error, held));
            }
        };

        trail.Record(Entry(0));
        trail.Record(Entry(1));
        await EventuallyAsync(() => store.Attempts >= 3);
        trail.Record(Entry(2)); // joins the batch being retried, behind it
        store.Failure = null;
        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(Expected(0, 3), Resources(store.Entries));
        Assert.Equal((0L, 3L, 0L), (trail.Queued, trail.Written, trail.Dropped));
        lock (failures)
        {
            Assert.True(failures.Count >= 2);
            Assert.All(failures, f => Assert.IsType<TimeoutException>(f.Error));
        }
    }

    [Fact]
    public async Task Disposing_writes_what_is_queued_without_waiting_out_the_flush_interval()
    {
        var store = new InMemoryAuditStore();
        var trail = new AuditTrail(store, new AuditTrailSettings { BatchSize = 40, FlushInterval = TimeSpan.FromMinutes(1) }, TimeProvider.System);
        for (var i = 0; i < 100; i++)
        {
            trail.Record(Entry(i));
        }

        await trail.DisposeAsync().AsTask().WaitAsync(Patience);

        Assert.Equal(Expected(0, 100), Resources(store.Entries));
        Assert.All(store.Batches, b => Assert.True(b.Count <= 40));
        Assert.False(trail.Record(Entry(100)));
        Assert.Equal(1, trail.Dropped); // recorded after closing
    }

    [Fact]
    public async Task Beyond_the_cap_entries_are_dropped_counted_and_reported()
    {
        var store = new InMemoryAuditStore();
        store.Hold();
        var reports = new List<(long Count, AuditDropReason Reason)>();
        await using var trail = new AuditTrail(store, Eager with { BatchSize = 10, MaxQueuedEntries = 10 }, TimeProvider.System);
        trail.EntriesDropped += (count, reason) =>
        {
            lock (reports)
            {
                reports.Add((count, reason));
            }
        };
        try
        {
            trail.Record(Entry(0));
            await EventuallyAsync(() => store.Attempts == 1); // held in the batch being written: it still counts
            var accepted = Enumerable.Range(1, 15).Count(i => trail.Record(Entry(i)));

            Assert.Equal(9, accepted);
            Assert.Equal((10L, 6L), (trail.Queued, trail.Dropped));
        }
        finally
        {
            store.Release();
        }

        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);
        await EventuallyAsync(() =>
        {
            lock (reports)
            {
                return reports.Sum(r => r.Count) == 6;
            }
        });

        Assert.Equal(Expected(0, 10), Resources(store.Entries));
        Assert.All(reports, r => Assert.Equal(AuditDropReason.QueueFull, r.Reason));
        Assert.Equal(6, trail.Dropped);
    }

    [Fact]
    public async Task Closing_gives_up_on_a_store_that_stays_down_and_reports_what_was_abandoned()
    {
        var store = new InMemoryAuditStore { Failure = new TimeoutException("down") };
        var abandoned = new TaskCompletionSource<(long, AuditDropReason)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var trail = new AuditTrail(store, Eager, TimeProvider.System);
        trail.EntriesDropped += (count, reason) => abandoned.TrySetResult((count, reason));
        for (var i = 0; i < 3; i++)
        {
            trail.Record(Entry(i));
        }
        await EventuallyAsync(() => store.Attempts >= 2);

        using var deadline = new CancellationTokenSource();
        var closing = trail.CloseAsync(deadline.Token);
        await EventuallyAsync(() => store.Attempts >= 4); // still retrying what is queued
        await deadline.CancelAsync();
        await closing.WaitAsync(Patience);

        Assert.Equal((3L, AuditDropReason.Abandoned), await abandoned.Task.WaitAsync(Patience));
        Assert.Equal((0L, 0L, 3L), (trail.Queued, trail.Written, trail.Dropped));
        Assert.Empty(store.Entries);
        await trail.DisposeAsync(); // closed already: returns at once
    }

    [Fact]
    public async Task Texts_are_kept_present_and_bounded()
    {
        var store = new InMemoryAuditStore();
        await using var trail = new AuditTrail(store, Eager, TimeProvider.System);
        var huge = new string('x', AuditTrail.MaxTextLength - 1) + "\U0001F600" + new string('y', 10_000);

        trail.Record(new AuditEntry(DateTimeOffset.UnixEpoch, "filers/a", "/m", huge, "OK", null!));
        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);

        var entry = Assert.Single(store.Entries);
        Assert.Equal(new string('x', AuditTrail.MaxTextLength - 1), entry.Resource); // not half of the emoji
        Assert.Equal("", entry.Detail);
    }

    [Fact]
    public async Task Record_with_texts_stamps_the_time_of_the_clock_in_microseconds()
    {
        var store = new InMemoryAuditStore();
        var now = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        await using var trail = new AuditTrail(store, Eager, new FixedClock(now));

        trail.Record("partners/BE", "exchange.partner.share", "filers/a/declarations/d1", "OK", "partners/BE");
        await trail.FlushAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(new AuditEntry(now.AddTicks(-7), "partners/BE", "exchange.partner.share", "filers/a/declarations/d1", "OK", "partners/BE"),
            Assert.Single(store.Entries));
    }

    [Fact]
    public void Wrong_settings_are_refused_with_every_problem_named()
    {
        var problems = new AuditTrailSettings { BatchSize = 0, FlushInterval = TimeSpan.FromSeconds(-1), MaxQueuedEntries = -1, MaxRetryBackoff = TimeSpan.Zero }
            .Problems("Exchange:Audit:");

        Assert.Equal(4, problems.Count);
        Assert.All(problems, p => Assert.StartsWith("Exchange:Audit:", p, StringComparison.Ordinal));
        Assert.Throws<ArgumentException>(() => new AuditTrail(new InMemoryAuditStore(), new AuditTrailSettings { BatchSize = 0 }, TimeProvider.System));
        Assert.Empty(new AuditTrailSettings().Problems());
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

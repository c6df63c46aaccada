using Exchange.Server.Grpc;
using Exchange.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Server.Tests.Bulk;

/// <summary>The bytes bulk streams may hold: each caller's budget within the node's.</summary>
public sealed class ByteBudgetTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_stream_waits_for_room_in_its_callers_budget_until_bytes_are_given_back()
    {
        var node = new ByteBudget(1_000);
        var caller = new ByteBudget(100, node);
        caller.Take(60);
        await caller.WaitForRoomAsync(CancellationToken.None).AsTask().WaitAsync(Bound);
        caller.Take(60); // over the limit by the message read after the room was seen

        var waiting = caller.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        caller.Give(60);

        await waiting.WaitAsync(Bound);
        Assert.Equal((60, 120), (caller.Held, caller.Peak));
        Assert.Equal(60, node.Held);
    }

    [Fact]
    public async Task One_callers_bytes_leave_another_caller_waiting_when_the_node_budget_is_full()
    {
        var node = new ByteBudget(100);
        var greedy = new ByteBudget(100, node);
        var other = new ByteBudget(100, node);
        greedy.Take(100);

        var waiting = other.WaitForRoomAsync(CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        greedy.Give(1);

        await waiting.WaitAsync(Bound);
        Assert.Equal(0, other.Held);
    }

    [Fact]
    public async Task A_message_larger_than_the_budget_still_passes_when_nothing_is_held_and_a_wait_can_be_cancelled()
    {
        var caller = new ByteBudget(100, new ByteBudget(100));
        await caller.WaitForRoomAsync(CancellationToken.None).AsTask().WaitAsync(Bound);
        caller.Take(500);

        using var cancel = new CancellationTokenSource();
        var blocked = caller.WaitForRoomAsync(cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
    }

    [Fact]
    public void A_callers_streams_share_one_budget_that_goes_when_its_last_stream_ends_and_gives_back_what_it_held()
    {
        var budgets = new BulkStreamBudgets(Microsoft.Extensions.Options.Options.Create(new ExchangeOptions
        {
            Limits = new LimitOptions { BulkBytesPerCaller = 100, BulkBytesPerNode = 150 },
        }));
        var first = budgets.Open("filers/a");
        var second = budgets.Open("filers/a");
        using var other = budgets.Open("filers/b");

        first.Take(30);
        second.Take(40);
        other.Take(10);
        Assert.Same(first.Budget, second.Budget);
        Assert.Equal((70, 80), (first.Budget.Held, budgets.Node.Held));
        Assert.Equal(100, first.Budget.Limit);

        first.Dispose(); // ended with its 30 bytes still held (a failed stream): they come back
        Assert.Equal((40, 2), (second.Budget.Held, budgets.Callers));
        second.Dispose();
        Assert.Equal((10, 1), (budgets.Node.Held, budgets.Callers));
    }
}

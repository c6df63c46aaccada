using Exchange.Server.Grpc;

namespace Exchange.Server.Tests.Declarations;

/// <summary>The bulk stream's read-ahead bound in bytes.</summary>
public sealed class ByteBudgetTests
{
    [Fact]
    public async Task A_take_over_the_limit_waits_until_bytes_are_given_back_and_an_oversized_one_passes_alone()
    {
        var budget = new ByteBudget(100);
        await budget.TakeAsync(60, CancellationToken.None);
        await budget.TakeAsync(40, CancellationToken.None);

        var waiting = budget.TakeAsync(10, CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        budget.Give(60);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(50, budget.Held);

        budget.Give(50);
        // Nothing held: one message larger than the whole budget still goes through.
        await budget.TakeAsync(500, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(500, budget.Held);
        using var cancel = new CancellationTokenSource();
        var blocked = budget.TakeAsync(1, cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => blocked);
    }
}

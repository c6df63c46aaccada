using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Grpc;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Exchange.Server.Tests.Bulk;

/// <summary>The node's memory budget for bulk streams (Exchange:Limits:BulkBytesPerCaller, BulkBytesPerNode) on a running node.</summary>
public sealed class BulkBudgetTests
{
    private const int Streams = 4;
    private const int ItemsPerStream = 100;

    /// <summary>About 20 ordinary declarations: far below what 4 streams read ahead without a budget (2 batches of 256 each).</summary>
    private const long CallerBudget = 32 * 1024;

    [Fact]
    public async Task What_a_callers_streams_hold_stays_near_its_budget_and_every_declaration_is_answered()
    {
        using var node = new ExchangeNode(settings: new Dictionary<string, string?>
        {
            ["Exchange:Limits:BulkBytesPerCaller"] = CallerBudget.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Exchange:Limits:BulkBytesPerNode"] = CallerBudget.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var client = node.ClientFor("bulk-nl");

        var answered = await Task.WhenAll(Enumerable.Range(0, Streams).Select(s => Task.Run(async () =>
        {
            using var call = client.BulkSubmitDeclarations();
            var writer = Task.Run(async () =>
            {
                for (var i = 0; i < ItemsPerStream; i++)
                {
                    var declaration = SampleDeclarations.PostalGift($"LRN-B{s}-{i}");
                    declaration.Remarks = new string('r', 500);
                    await call.RequestStream.WriteAsync(new BulkSubmitDeclarationsRequest
                    {
                        Parent = "filers/bulk-nl", Declaration = declaration, RequestId = Guid.NewGuid().ToString(),
                    });
                }
                await call.RequestStream.CompleteAsync();
            });
            var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();
            await writer;
            return answers.Count(a => a.ResultCase == BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration);
        })));

        var budgets = node.Services.GetRequiredService<BulkStreamBudgets>();
        Assert.All(answered, count => Assert.Equal(ItemsPerStream, count));
        // Past the limit only by each stream's message read after the room it saw, and the answers
        // of the batches being written (answers are counted as they are made, without waiting).
        Assert.InRange(budgets.Node.Peak, 1, 4 * CallerBudget);
        Assert.Equal((0, 0), (budgets.Node.Held, budgets.Callers));
    }
}

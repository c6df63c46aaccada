using Exchange.Contracts.Audit.V1;
using Exchange.Server.Identity;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Audit;

/// <summary>
/// Reads a node's audit log as an officer. The trail writes asynchronously (group commit), so a
/// test polls until the records it expects are there, bounded by an overall timeout: it never
/// asserts how long that took.
/// </summary>
public sealed class AuditLog(ExchangeNode node, string officerId)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public AuditService.AuditServiceClient Client { get; } =
        new(node.CallInvokerAs(DevelopmentHeaderIdentityResolver.OfficerHeader, officerId));

    /// <summary>The officer's own reads of the log are audited too: tests filter them out by actor or resource.</summary>
    public string Officer { get; } = "officers/" + officerId;

    /// <summary>Settings of a node whose trail writes what it has every 20 ms, so polls end soon.</summary>
    public static IDictionary<string, string?> QuickFlush => new Dictionary<string, string?>
    {
        ["Exchange:Audit:FlushInterval"] = "00:00:00.020",
    };

    /// <summary>The first page matching <paramref name="filter"/> once it holds at least <paramref name="count"/> records.</summary>
    public async Task<IReadOnlyList<AuditRecord>> AwaitAsync(ListAuditRecordsRequest filter, int count)
    {
        using var bound = new CancellationTokenSource(Patience);
        while (true)
        {
            var page = await Client.ListAuditRecordsAsync(filter, cancellationToken: bound.Token);
            if (page.AuditRecords.Count >= count)
            {
                return page.AuditRecords;
            }
            await Task.Delay(20, bound.Token);
        }
    }

    /// <summary>The records of <paramref name="actor"/>, newest first, once there are <paramref name="count"/>.</summary>
    public Task<IReadOnlyList<AuditRecord>> AwaitOfAsync(string actor, int count) =>
        AwaitAsync(new ListAuditRecordsRequest { Actor = actor, PageSize = 1000 }, count);
}

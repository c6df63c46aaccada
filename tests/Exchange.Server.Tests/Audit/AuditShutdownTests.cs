using Exchange.Contracts.Declaration.V1;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Audit;

/// <summary>What the trail holds when the node stops is written before the store closes.</summary>
public sealed class AuditShutdownTests : IDisposable
{
    private const string Filer = "post-nl";
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Records_still_queued_at_shutdown_are_written_before_the_node_stops()
    {
        // A minute-long flush interval: only the drain at shutdown can have written the record.
        using (var node = new ExchangeNode(_directory.Path, new Dictionary<string, string?> { ["Exchange:Audit:FlushInterval"] = "00:01:00" }))
        {
            await node.ClientFor(Filer).ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        }

        using var restarted = new ExchangeNode(_directory.Path, AuditLog.QuickFlush);
        var records = await new AuditLog(restarted, "officer-visser").AwaitOfAsync($"filers/{Filer}", 1);

        Assert.Equal("/exchange.declaration.v1.DeclarationService/ListDeclarations", Assert.Single(records).Action);
    }
}

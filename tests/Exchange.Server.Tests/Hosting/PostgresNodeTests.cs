using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Hosting;

/// <summary>
/// A node configured for PostgreSQL (the scale-out path), and two nodes sharing one database:
/// what one accepts, the other serves, and a retry landing on the other node is answered once.
/// </summary>
public sealed class PostgresNodeTests : IAsyncLifetime
{
    private const string Filer = "post-cn";
    private PostgresTestDatabase? _database;

    public async Task InitializeAsync()
    {
        if (PostgresTestDatabase.SkipReason is null)
        {
            _database = await PostgresTestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private ExchangeNode Node() => new(settings: new Dictionary<string, string?>
    {
        ["Exchange:Store:Provider"] = "Postgres",
        ["Exchange:Store:ConnectionString"] = _database!.ConnectionString,
    });

    [SkippableFact]
    public async Task Two_nodes_on_one_database_serve_the_same_declarations_and_answer_a_retry_once()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        using var first = Node();
        using var second = Node();
        var request = Requests.Submit(Filer, SampleDeclarations.ExpressMarketplaceSale());

        var accepted = (await first.ClientFor(Filer).SubmitDeclarationAsync(request)).Declaration;
        var retriedElsewhere = (await second.ClientFor(Filer).SubmitDeclarationAsync(request)).Declaration;

        Assert.Equal(accepted, retriedElsewhere);
        var client = second.ClientFor(Filer);
        Assert.Equal(accepted, (await client.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name })).Declaration);
        var list = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}" });
        Assert.Equal([accepted.Name], list.Declarations.Select(d => d.Name));
        using var watch = client.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = $"filers/{Filer}", IncludeHistory = true });
        using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await watch.ResponseStream.MoveNext(bound.Token));
        Assert.Equal(accepted.Name, watch.ResponseStream.Current.Event.Declaration);
    }
}

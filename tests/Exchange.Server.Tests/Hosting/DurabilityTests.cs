using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Identity;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Exchange.Server.Tests.Hosting;

public sealed class DurabilityTests : IDisposable
{
    private const string Filer = "post-cn";
    private readonly TempDirectory _directory = new();

    private string DataDirectory => _directory.Path;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Declarations_and_events_survive_a_restart_on_the_embedded_store()
    {
        Declaration accepted;
        Declaration amended;
        using (var node = new ExchangeNode(DataDirectory))
        {
            var client = node.ClientFor(Filer);
            accepted = await client.SubmitAsync(Filer);
            amended = (await client.AmendDeclarationAsync(new AmendDeclarationRequest
            {
                Declaration = new Declaration(accepted) { Remarks = "amended before restart" }, Etag = accepted.Etag,
            })).Declaration;
        }

        using var restarted = new ExchangeNode(DataDirectory);
        var again = restarted.ClientFor(Filer);
        Assert.Equal(amended, (await again.GetDeclarationAsync(new GetDeclarationRequest { Name = accepted.Name })).Declaration);
        using var watch = again.WatchDeclarationEvents(new WatchDeclarationEventsRequest { Parent = $"filers/{Filer}", IncludeHistory = true });
        var types = new List<DeclarationEventType>();
        while (types.Count < 2 && await watch.ResponseStream.MoveNext(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token))
        {
            types.Add(watch.ResponseStream.Current.Event.Type);
        }
        Assert.Equal([DeclarationEventType.Accepted, DeclarationEventType.Amended], types);
    }

    [Fact]
    public Task An_acknowledged_declaration_survives_the_process_being_killed() => SurvivesKillAsync(settings: null);

    /// <summary>
    /// The same on PostgreSQL (synchronous_commit on): what a node acknowledged is in the database
    /// even though the node was killed, whatever the store's write path leaves out of each row.
    /// </summary>
    [SkippableFact]
    public async Task An_acknowledged_declaration_survives_the_process_being_killed_on_postgres()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        await using var database = await PostgresTestDatabase.CreateAsync();
        await SurvivesKillAsync(new Dictionary<string, string>
        {
            ["Exchange__Store__Provider"] = "Postgres",
            ["Exchange__Store__ConnectionString"] = database.ConnectionString,
        });
    }

    private async Task SurvivesKillAsync(IDictionary<string, string>? settings)
    {
        var acknowledged = new List<Declaration>();
        using (var server = await ServerProcess.StartAsync(DataDirectory, settings))
        {
            using var channel = server.OpenChannel();
            var client = ClientFor(channel);
            for (var i = 0; i < 20; i++)
            {
                acknowledged.Add((await client.SubmitDeclarationAsync(Requests.Submit(Filer, SampleDeclarations.PostalGift($"LRN-K-{i}")))).Declaration);
            }
            server.Kill(); // no graceful shutdown: only what was durable at acknowledgement remains
        }

        using var restarted = await ServerProcess.StartAsync(DataDirectory, settings);
        using var again = restarted.OpenChannel();
        var reader = ClientFor(again);
        foreach (var declaration in acknowledged)
        {
            Assert.Equal(declaration, (await reader.GetDeclarationAsync(new GetDeclarationRequest { Name = declaration.Name })).Declaration);
        }
    }

    private static DeclarationService.DeclarationServiceClient ClientFor(global::Grpc.Net.Client.GrpcChannel channel) =>
        new(channel.Intercept(metadata =>
        {
            metadata.Add(DevelopmentHeaderIdentityResolver.HeaderName, Filer);
            return metadata;
        }));
}

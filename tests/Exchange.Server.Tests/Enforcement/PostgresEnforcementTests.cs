using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;

namespace Exchange.Server.Tests.Enforcement;

/// <summary>
/// Two assessing nodes on one PostgreSQL: both assessors race for the same queue, yet every
/// declaration is decided exactly once, and an officer on either node sees and decides it.
/// </summary>
public sealed class PostgresEnforcementTests : IAsyncLifetime
{
    private const string Filer = "swift-express";
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

    private ExchangeNode Node() => EnforcementFlow.AssessingNode(new Dictionary<string, string?>
    {
        ["Exchange:Store:Provider"] = "Postgres",
        ["Exchange:Store:ConnectionString"] = _database!.ConnectionString,
        ["Exchange:Assessment:BatchSize"] = "8",
    });

    [SkippableFact]
    public async Task Two_assessors_decide_every_declaration_exactly_once()
    {
        Skip.If(PostgresTestDatabase.SkipReason is not null, PostgresTestDatabase.SkipReason);
        using var first = Node();
        using var second = Node();
        var submitted = new List<Declaration>();
        for (var i = 0; i < 40; i++)
        {
            var node = i % 2 == 0 ? first : second;
            // One undervalued: held for information.
            var declaration = i == 7 ? SampleDeclarations.Undervalued($"LRN-PG-{i:D4}") : SampleDeclarations.ExpressMarketplaceSale($"LRN-PG-{i:D4}");
            submitted.Add(await node.ClientFor(Filer).SubmitAsync(Filer, declaration));
        }

        var officer = second.OfficerClient("officer-pg");
        foreach (var declaration in submitted)
        {
            await first.ClientFor(Filer).WatchUntilAsync(Filer, declaration.Name, DeclarationEventType.Decided);
        }
        foreach (var declaration in submitted)
        {
            var audit = (await officer.ListDeclarationEventsAsync(new ListDeclarationEventsRequest { Declaration = declaration.Name })).Events;
            Assert.Single(audit, e => e.Type == DeclarationEventType.Decided);
        }
        var held = (await officer.ListDeclarationsAsync(new Contracts.Enforcement.V1.ListDeclarationsRequest { Parent = "filers/-" })).Declarations;
        Assert.Equal([submitted[7].Name], held.Select(d => d.Name));
        var assessment = (await first.OfficerClient("officer-pg").GetRiskAssessmentAsync(
            new GetRiskAssessmentRequest { Name = submitted[7].Name + "/riskAssessment" })).RiskAssessment;
        Assert.Contains(assessment.Hits, h => h.RuleId == "undervaluation");
        var rejected = (await officer.DecideDeclarationAsync(new DecideDeclarationRequest
        {
            Name = held[0].Name, Outcome = DecisionOutcome.Reject, Reason = "No answer to the request for information.", Etag = held[0].Etag,
        })).Declaration;
        Assert.Equal(DeclarationStatus.Rejected, rejected.Status);
    }
}

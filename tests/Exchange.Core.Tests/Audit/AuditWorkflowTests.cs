using Exchange.Contracts.Audit.V1;
using Exchange.Core.Audit;
using Exchange.Core.Errors;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Protobuf.WellKnownTypes;

namespace Exchange.Core.Tests.Audit;

public sealed class AuditWorkflowTests
{
    private static readonly OfficerIdentity Officer = new("officer-visser");
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly InMemoryAuditStore _store = new();
    private readonly AuditWorkflow _workflow;

    public AuditWorkflowTests() => _workflow = new AuditWorkflow(_store);

    /// <summary>Seven records a minute apart, alternating between two filers, each on its own declaration.</summary>
    private async Task SeedAsync()
    {
        var entries = Enumerable.Range(1, 7).Select(i => new AuditEntry(
            Start.AddMinutes(i), i % 2 == 1 ? "filers/odd" : "filers/even",
            "/exchange.declaration.v1.DeclarationService/GetDeclaration",
            $"filers/{(i % 2 == 1 ? "odd" : "even")}/declarations/d{i}", "OK", "")).ToList();
        await _store.AppendAsync(entries, CancellationToken.None);
    }

    private Task<ListAuditRecordsResponse> ListAsync(ListAuditRecordsRequest request) =>
        _workflow.ListAuditRecordsAsync(Officer, request, CancellationToken.None);

    [Fact]
    public async Task Records_come_newest_first_named_by_their_sequence()
    {
        await SeedAsync();

        var page = await ListAsync(new ListAuditRecordsRequest());

        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"auditRecords/{i}"), page.AuditRecords.Select(r => r.Name));
        var newest = page.AuditRecords[0];
        Assert.Equal(
            (Timestamp.FromDateTimeOffset(Start.AddMinutes(7)), "filers/odd", "/exchange.declaration.v1.DeclarationService/GetDeclaration",
                "filers/odd/declarations/d7", "OK", ""),
            (newest.Time, newest.Actor, newest.Action, newest.Resource, newest.Outcome, newest.Detail));
        Assert.Equal("", page.NextPageToken);
        Assert.Equal(AuditWorkflow.DefaultPageSize + 1, _store.LastQuery!.Limit);
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats()
    {
        await SeedAsync();
        var names = new List<string>();
        var request = new ListAuditRecordsRequest { PageSize = 3 };
        var pages = 0;

        do
        {
            var page = await ListAsync(request);
            names.AddRange(page.AuditRecords.Select(r => r.Name));
            request.PageToken = page.NextPageToken;
            pages++;
        }
        while (request.PageToken != "");

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(1, 7).Reverse().Select(i => $"auditRecords/{i}"), names);
    }

    [Fact]
    public async Task Filters_reach_the_store_and_select_records()
    {
        await SeedAsync();

        var page = await ListAsync(new ListAuditRecordsRequest
        {
            Actor = "filers/odd",
            ResourcePrefix = "filers/odd/declarations/d",
            StartTime = Timestamp.FromDateTimeOffset(Start.AddMinutes(3)),
            EndTime = Timestamp.FromDateTimeOffset(Start.AddMinutes(7)),
        });

        Assert.Equal(["auditRecords/5", "auditRecords/3"], page.AuditRecords.Select(r => r.Name));
        Assert.Equal(new AuditQuery(AuditWorkflow.DefaultPageSize + 1, "filers/odd", "filers/odd/declarations/d", Start.AddMinutes(3), Start.AddMinutes(7)),
            _store.LastQuery);
    }

    [Fact]
    public async Task A_page_token_is_bound_to_the_filters_it_was_issued_for()
    {
        await SeedAsync();
        var first = await ListAsync(new ListAuditRecordsRequest { PageSize = 1, Actor = "filers/odd" });
        Assert.NotEqual("", first.NextPageToken);

        var second = await ListAsync(new ListAuditRecordsRequest { PageSize = 5, Actor = "filers/odd", PageToken = first.NextPageToken });
        Assert.Equal(["auditRecords/5", "auditRecords/3", "auditRecords/1"], second.AuditRecords.Select(r => r.Name)); // page size may change

        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            ListAsync(new ListAuditRecordsRequest { PageSize = 1, Actor = "filers/even", PageToken = first.NextPageToken }));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            ListAsync(new ListAuditRecordsRequest { PageSize = 1, Actor = "filers/odd", ResourcePrefix = "filers/odd", PageToken = first.NextPageToken }));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            ListAsync(new ListAuditRecordsRequest { PageSize = 1, PageToken = first.NextPageToken }));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            ListAsync(new ListAuditRecordsRequest { Actor = "filers/odd", PageToken = "not a token!" }));
        await Assert.ThrowsAsync<InvalidPageTokenException>(() =>
            ListAsync(new ListAuditRecordsRequest { Actor = "filers/odd", PageToken = first.NextPageToken[..^2] }));
    }

    [Fact]
    public async Task Every_problem_of_a_request_is_named_by_its_field()
    {
        var error = await Assert.ThrowsAsync<ValidationFailedException>(() => ListAsync(new ListAuditRecordsRequest
        {
            PageSize = -1,
            Actor = "filers/a\nofficers/b",
            ResourcePrefix = new string('f', AuditTrail.MaxTextLength + 1),
            StartTime = new Timestamp { Seconds = 0, Nanos = 1_000_000_000 },
            EndTime = new Timestamp { Seconds = 253_402_300_800 },
        }));

        Assert.Equal(["page_size", "actor", "resource_prefix", "start_time", "end_time"], error.Violations.Select(v => v.Field));
        Assert.Null(_store.LastQuery); // refused before the store was asked
    }

    [Fact]
    public async Task An_end_before_the_start_is_refused_and_an_empty_range_is_not()
    {
        var backwards = await Assert.ThrowsAsync<ValidationFailedException>(() => ListAsync(new ListAuditRecordsRequest
        {
            StartTime = Timestamp.FromDateTimeOffset(Start),
            EndTime = Timestamp.FromDateTimeOffset(Start.AddSeconds(-1)),
        }));
        Assert.Equal(["end_time"], backwards.Violations.Select(v => v.Field));

        var empty = await ListAsync(new ListAuditRecordsRequest { StartTime = Timestamp.FromDateTimeOffset(Start), EndTime = Timestamp.FromDateTimeOffset(Start) });
        Assert.Empty(empty.AuditRecords);
    }

    [Fact]
    public async Task A_page_size_above_the_maximum_is_lowered_to_it()
    {
        await ListAsync(new ListAuditRecordsRequest { PageSize = 5000 });

        Assert.Equal(AuditWorkflow.MaxPageSize + 1, _store.LastQuery!.Limit);
    }
}

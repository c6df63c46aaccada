using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

public sealed class ListTests : IDisposable
{
    private const string Filer = "express-nl";
    private readonly ExchangeNode _node = new();
    private readonly DeclarationService.DeclarationServiceClient _client;

    public ListTests() => _client = _node.ClientFor(Filer);

    public void Dispose() => _node.Dispose();

    private static ListDeclarationsRequest Query(int pageSize = 0) => new() { Parent = $"filers/{Filer}", PageSize = pageSize };

    private async Task<List<Declaration>> SubmitSeveralAsync(int count)
    {
        var submitted = new List<Declaration>();
        for (var i = 0; i < count; i++)
        {
            submitted.Add(await _client.SubmitAsync(Filer, SampleDeclarations.PostalGift($"LRN-{i:D4}")));
        }
        return submitted;
    }

    [Fact]
    public async Task Pages_return_every_declaration_once_newest_first()
    {
        var submitted = await SubmitSeveralAsync(7);

        var seen = new List<Declaration>();
        var pageSizes = new List<int>();
        var request = Query(pageSize: 3);
        do
        {
            var page = await _client.ListDeclarationsAsync(request);
            pageSizes.Add(page.Declarations.Count);
            seen.AddRange(page.Declarations);
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken != "");

        Assert.Equal([3, 3, 1], pageSizes);
        Assert.Equal(submitted.Select(d => d.Name).Reverse(), seen.Select(d => d.Name));
    }

    [Fact]
    public async Task A_new_declaration_does_not_shift_the_pages_being_read()
    {
        await SubmitSeveralAsync(4);
        var first = await _client.ListDeclarationsAsync(Query(pageSize: 2));
        var newer = await _client.SubmitAsync(Filer);

        var second = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query(pageSize: 2)) { PageToken = first.NextPageToken });

        Assert.Equal(2, second.Declarations.Count);
        Assert.DoesNotContain(second.Declarations, d => d.Name == newer.Name);
        Assert.Empty(first.Declarations.Select(d => d.Name).Intersect(second.Declarations.Select(d => d.Name)));
    }

    [Fact]
    public async Task Filters_on_status_reference_and_time()
    {
        var submitted = await SubmitSeveralAsync(3);
        var cancelled = await _client.CancelDeclarationAsync(new CancelDeclarationRequest
        {
            Name = submitted[1].Name, Etag = submitted[1].Etag, Reason = "Sent twice",
        });

        var byStatus = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query()) { Status = DeclarationStatus.Cancelled });
        Assert.Equal([cancelled.Declaration.Name], byStatus.Declarations.Select(d => d.Name));

        var byLrn = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query()) { Reference = "LRN-0002" });
        Assert.Equal([submitted[2].Name], byLrn.Declarations.Select(d => d.Name));

        var byMrn = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query()) { Reference = submitted[0].CustomsReference });
        Assert.Equal([submitted[0].Name], byMrn.Declarations.Select(d => d.Name));

        var fromSecond = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query())
        {
            CreateTimeStart = submitted[1].CreateTime,
            CreateTimeEnd = submitted[2].CreateTime,
        });
        Assert.Equal([submitted[1].Name], fromSecond.Declarations.Select(d => d.Name));
    }

    [Fact]
    public async Task A_page_token_is_bound_to_its_filters()
    {
        await SubmitSeveralAsync(3);
        var page = await _client.ListDeclarationsAsync(Query(pageSize: 1));

        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN", () => _client.ListDeclarationsAsync(
            new ListDeclarationsRequest(Query(pageSize: 1)) { PageToken = page.NextPageToken, Reference = "LRN-0001" }).ResponseAsync);
        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "INVALID_PAGE_TOKEN", () => _client.ListDeclarationsAsync(
            new ListDeclarationsRequest(Query()) { PageToken = "garbage!" }).ResponseAsync);
        Assert.Equal(["page_token"], RpcErrors.ViolatedFields(status));
        // The page size may change between pages: only the filters are bound.
        var next = await _client.ListDeclarationsAsync(new ListDeclarationsRequest(Query(pageSize: 5)) { PageToken = page.NextPageToken });
        Assert.Equal(2, next.Declarations.Count);
    }

    [Fact]
    public async Task Bad_list_arguments_are_all_named()
    {
        var request = new ListDeclarationsRequest(Query(pageSize: -1))
        {
            Status = (DeclarationStatus)99,
            CreateTimeStart = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow),
            CreateTimeEnd = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddDays(-1)),
        };

        var status = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "VALIDATION_FAILED",
            () => _client.ListDeclarationsAsync(request).ResponseAsync);

        Assert.Equal(["page_size", "status", "create_time_end"], RpcErrors.ViolatedFields(status));
    }
}

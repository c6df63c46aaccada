using Exchange.Testing.Hosting;
using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Google.Rpc;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

public sealed class BulkSubmitTests : IDisposable
{
    private const string Filer = "express-nl";
    private readonly List<ExchangeNode> _nodes = [];

    public void Dispose() => _nodes.ForEach(n => n.Dispose());

    private ExchangeNode Node(int? streamLimit = null, int? batchSize = null)
    {
        var settings = new Dictionary<string, string?>();
        if (streamLimit is not null)
        {
            settings["Exchange:Limits:MaxDeclarationsPerBulkStream"] = streamLimit.ToString();
        }
        if (batchSize is not null)
        {
            settings["Exchange:Limits:BulkBatchSize"] = batchSize.ToString();
        }
        var node = new ExchangeNode(settings: settings);
        _nodes.Add(node);
        return node;
    }

    private static BulkSubmitDeclarationsRequest Item(Declaration declaration, string? requestId = null) => new()
    {
        Parent = $"filers/{Filer}", Declaration = declaration, RequestId = requestId ?? Guid.NewGuid().ToString(),
    };

    /// <summary>Sends every item, then reads every answer (the server answers while we send).</summary>
    private static async Task<(List<BulkSubmitDeclarationsResponse> Answers, RpcException? Ending)> SendAsync(
        DeclarationService.DeclarationServiceClient client, IEnumerable<BulkSubmitDeclarationsRequest> items)
    {
        using var call = client.BulkSubmitDeclarations();
        var answers = new List<BulkSubmitDeclarationsResponse>();
        var reading = Task.Run(async () =>
        {
            await foreach (var answer in call.ResponseStream.ReadAllAsync())
            {
                answers.Add(answer);
            }
        });
        try
        {
            foreach (var item in items)
            {
                await call.RequestStream.WriteAsync(item);
            }
            await call.RequestStream.CompleteAsync();
        }
        catch (RpcException)
        {
            // The server ended the call early; its status is what the reader sees.
        }
        catch (InvalidOperationException)
        {
            // Writing after the server completed the call.
        }
        try
        {
            await reading;
            return (answers, null);
        }
        catch (RpcException ending)
        {
            return (answers, ending);
        }
    }

    [Fact]
    public async Task Each_item_is_answered_in_order_with_its_declaration_or_its_violations()
    {
        var client = Node(batchSize: 4).ClientFor(Filer);
        var items = Enumerable.Range(0, 10).Select(i =>
        {
            var declaration = SampleDeclarations.ExpressMarketplaceSale($"LRN-BULK-{i}");
            if (i is 3 or 7)
            {
                declaration.Items[1].HsCode = "ABC";
            }
            return Item(declaration);
        }).ToList();

        var (answers, ending) = await SendAsync(client, items);

        Assert.Null(ending);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), answers.Select(a => a.Index));
        Assert.Equal(items.Select(i => i.RequestId), answers.Select(a => a.RequestId));
        foreach (var answer in answers)
        {
            if (answer.Index is 3 or 7)
            {
                Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Error, answer.ResultCase);
                Assert.Equal((int)StatusCode.InvalidArgument, answer.Error.Code);
                Assert.Equal("VALIDATION_FAILED", answer.Error.GetDetail<ErrorInfo>()!.Reason);
                Assert.Equal(["declaration.items[1].hs_code"], answer.Error.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field));
            }
            else
            {
                Assert.Equal(DeclarationStatus.Accepted, answer.Declaration.Status);
                Assert.Equal($"LRN-BULK-{answer.Index}", answer.Declaration.LocalReferenceNumber);
            }
        }
        var stored = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}", PageSize = 100 });
        Assert.Equal(8, stored.Declarations.Count);
    }

    [Fact]
    public async Task Resending_a_bulk_file_is_an_idempotent_retry()
    {
        var client = Node().ClientFor(Filer);
        var items = Enumerable.Range(0, 5).Select(i => Item(SampleDeclarations.PostalGift($"LRN-R-{i}"))).ToList();

        var (first, _) = await SendAsync(client, items);
        var (again, _) = await SendAsync(client, items);

        Assert.Equal(first.Select(a => a.Declaration), again.Select(a => a.Declaration));
        var stored = await client.ListDeclarationsAsync(new ListDeclarationsRequest { Parent = $"filers/{Filer}", PageSize = 100 });
        Assert.Equal(5, stored.Declarations.Count);
    }

    [Fact]
    public async Task A_request_id_repeated_within_one_stream_is_a_retry_or_a_conflict()
    {
        var client = Node().ClientFor(Filer);
        var requestId = Guid.NewGuid().ToString();
        var items = new[]
        {
            Item(SampleDeclarations.PostalGift("LRN-SAME"), requestId),
            Item(SampleDeclarations.PostalGift("LRN-SAME"), requestId),
            Item(SampleDeclarations.PostalGift("LRN-DIFFERENT"), requestId),
        };

        var (answers, _) = await SendAsync(client, items);

        Assert.Equal(answers[0].Declaration, answers[1].Declaration);
        Assert.Equal("REQUEST_ID_REUSED", answers[2].Error.GetDetail<ErrorInfo>()!.Reason);
    }

    [Fact]
    public async Task A_stream_over_its_limit_is_answered_up_to_the_limit_then_ended()
    {
        var client = Node(streamLimit: 3).ClientFor(Filer);
        var items = Enumerable.Range(0, 6).Select(i => Item(SampleDeclarations.PostalGift($"LRN-L-{i}"))).ToList();

        var (answers, ending) = await SendAsync(client, items);

        Assert.Equal(3, answers.Count);
        Assert.All(answers, a => Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, a.ResultCase));
        Assert.NotNull(ending);
        var status = RpcErrors.Expect(ending!, StatusCode.ResourceExhausted, "STREAM_LIMIT_EXCEEDED");
        Assert.Equal("3", status.GetDetail<ErrorInfo>()!.Metadata["limit"]);
    }

    [Fact]
    public async Task Another_filers_parent_in_an_item_refuses_that_item_only()
    {
        var client = Node().ClientFor(Filer);
        var foreign = Item(SampleDeclarations.PostalGift());
        foreign.Parent = "filers/someone-else";

        var (answers, ending) = await SendAsync(client, [Item(SampleDeclarations.PostalGift()), foreign]);

        Assert.Null(ending);
        Assert.Equal(BulkSubmitDeclarationsResponse.ResultOneofCase.Declaration, answers[0].ResultCase);
        Assert.Equal((int)StatusCode.PermissionDenied, answers[1].Error.Code);
    }
}

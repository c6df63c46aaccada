using Exchange.Contracts.Declaration.V1;
using Exchange.Server.Tests.Enforcement;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

/// <summary>
/// A post's retry of an item arrival (the same request_id) gets the first answer whatever was filed
/// in between: an item first reported with no advance data stays that, even once a declaration
/// carries it, and the retry writes nothing; the same request_id with other content is refused.
/// Run on each store.
/// </summary>
public abstract class ItemArrivalReplayJourney(JourneyStore store) : IAsyncLifetime
{
    private const string Post = "post-nl";
    private ExchangeNode? _node;

    protected string? SkipReason => store.SkipReason;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _node = EnforcementFlow.AssessingNode(await store.SettingsAsync());
        }
    }

    public async Task DisposeAsync()
    {
        _node?.Dispose();
        await store.DisposeAsync();
    }

    private static NotifyItemArrivalRequest Arrival(string item, string requestId) => new()
    {
        Parent = $"filers/{Post}",
        ItemIdentifier = item,
        ArriveTime = Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(-1)),
        ArrivalOffice = "NL000396",
        RequestId = requestId,
    };

    [SkippableFact]
    public async Task A_retry_after_the_item_was_declared_gets_the_no_advance_data_answer_and_records_no_arrival()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var post = _node!.ClientFor(Post);
        var first = Arrival("RB123456785CN", Guid.NewGuid().ToString());
        var missing = await post.NotifyItemArrivalAsync(first);
        Assert.True(missing.AdvanceDataMissing);

        // The post files the item's data late; then its retry of the first report comes in.
        var declared = await post.SubmitAndAwaitDecisionAsync(Post, SampleDeclarations.PostalGift());
        Assert.Equal(first.ItemIdentifier, declared.TransportDocument.ItemIdentifier);
        var retried = await post.NotifyItemArrivalAsync(first);

        Assert.Equal(missing, retried);
        var now = (await post.GetDeclarationAsync(new GetDeclarationRequest { Name = declared.Name })).Declaration;
        Assert.Null(now.Clearance?.ArriveTime);
        Assert.Equal(declared.Etag, now.Etag);

        var reused = first.Clone();
        reused.ArrivalOffice = "NL000123";
        var refused = await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", () => post.NotifyItemArrivalAsync(reused).ResponseAsync);
        Assert.Equal(["request_id"], RpcErrors.ViolatedFields(refused));
    }

    [SkippableFact]
    public async Task A_retry_of_an_arrival_on_a_declaration_gets_that_declaration_and_other_content_is_refused()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var post = _node!.ClientFor(Post);
        var declared = await post.SubmitAndAwaitDecisionAsync(Post, SampleDeclarations.PostalGift());
        var first = Arrival(declared.TransportDocument.ItemIdentifier, Guid.NewGuid().ToString());
        var arrived = await post.NotifyItemArrivalAsync(first);
        Assert.Equal(declared.Name, arrived.Declaration.Name);

        Assert.Equal(arrived, await post.NotifyItemArrivalAsync(first));
        var reused = first.Clone();
        reused.ItemIdentifier = "RB123456785GB"; // no declaration carries it: still the same request_id
        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", () => post.NotifyItemArrivalAsync(reused).ResponseAsync);
    }
}

/// <summary>Item arrival retries on the embedded store.</summary>
public sealed class ItemArrivalReplayTests() : ItemArrivalReplayJourney(JourneyStore.Embedded());

/// <summary>Item arrival retries on PostgreSQL.</summary>
public sealed class ItemArrivalReplayOnPostgresTests() : ItemArrivalReplayJourney(JourneyStore.Postgres());

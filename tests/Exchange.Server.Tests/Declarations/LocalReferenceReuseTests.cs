using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;
using Grpc.Core;

namespace Exchange.Server.Tests.Declarations;

/// <summary>A filer reusing its own LRN is accepted and warned; another filer's LRN, a retry and a fresh LRN are not warned.</summary>
public sealed class LocalReferenceReuseTests : IDisposable
{
    private readonly ExchangeNode _node = new();

    public void Dispose() => _node.Dispose();

    [Fact]
    public async Task A_reused_lrn_is_accepted_with_a_warning_naming_the_other_declaration()
    {
        var client = _node.ClientFor("post-cn");
        var requestId = Guid.NewGuid().ToString();
        var first = await client.SubmitDeclarationAsync(Requests.Submit("post-cn", SampleDeclarations.PostalGift("LRN-REUSED-1"), requestId));
        var retry = await client.SubmitDeclarationAsync(Requests.Submit("post-cn", SampleDeclarations.PostalGift("LRN-REUSED-1"), requestId));
        var second = await client.SubmitDeclarationAsync(Requests.Submit("post-cn", SampleDeclarations.PostalGift("LRN-REUSED-1")));
        var elsewhere = await _node.ClientFor("post-de").SubmitDeclarationAsync(Requests.Submit("post-de", SampleDeclarations.PostalGift("LRN-REUSED-1")));
        var fresh = await client.SubmitDeclarationAsync(Requests.Submit("post-cn", SampleDeclarations.PostalGift("LRN-FRESH-1")));

        Assert.Empty(first.Warnings);
        Assert.Equal(DeclarationStatus.Accepted, second.Declaration.Status);
        var warning = Assert.Single(second.Warnings);
        Assert.Equal(
            (LocalReferenceReuse.Code, "declaration.local_reference_number", first.Declaration.Name),
            (warning.Code, warning.Field, warning.OtherDeclaration));
        Assert.Contains("LRN-REUSED-1", warning.Description);
        Assert.Empty(elsewhere.Warnings);
        Assert.Empty(fresh.Warnings);
        Assert.NotEqual(first.Declaration.Name, second.Declaration.Name);
        // A retry under the same request id is the first submission again: nothing reused.
        Assert.Equal(first.Declaration.Name, retry.Declaration.Name);
        Assert.Empty(retry.Warnings);
    }

    [Fact]
    public async Task Concurrent_unary_submissions_of_several_filers_each_get_their_own_answer()
    {
        // Sent at once, so they share group transactions (GroupCommitWriter) with each other and
        // with a reused request id; each answer must still be that caller's: its own warnings
        // (another declaration of the same filer only), its master-consignment link, its refusal.
        string[] filers = ["group-a", "group-b", "group-c"];
        var takenRequestId = Guid.NewGuid().ToString();
        var taken = await _node.ClientFor("group-a").SubmitDeclarationAsync(
            Requests.Submit("group-a", SampleDeclarations.PostalGift("LRN-GROUP-TAKEN"), takenRequestId));
        var calls = filers.SelectMany(filer => Enumerable.Range(0, 4).Select(i =>
            _node.ClientFor(filer).SubmitDeclarationAsync(Requests.Submit(filer, SampleDeclarations.ExpressMarketplaceSale($"LRN-GROUP-{i % 2}"))).ResponseAsync)).ToList();
        var reused = _node.ClientFor("group-a").SubmitDeclarationAsync(
            Requests.Submit("group-a", SampleDeclarations.PostalGift("LRN-GROUP-OTHER"), takenRequestId)).ResponseAsync;

        var answers = await Task.WhenAll(calls);

        await RpcErrors.ExpectAsync(StatusCode.InvalidArgument, "REQUEST_ID_REUSED", () => reused);
        Assert.Equal(12, answers.Select(a => a.Declaration.Name).Distinct().Count());
        for (var f = 0; f < filers.Length; f++)
        {
            var mine = answers.Skip(4 * f).Take(4).ToList();
            Assert.All(mine, answer => Assert.StartsWith($"filers/{filers[f]}/", answer.Declaration.Name, StringComparison.Ordinal));
            Assert.All(mine, answer => Assert.Equal(MasterConsignmentLinkState.MasterNotFiled, answer.Declaration.MasterConsignment.State));
            foreach (var lrn in new[] { "LRN-GROUP-0", "LRN-GROUP-1" })
            {
                var pair = mine.Where(a => a.Declaration.LocalReferenceNumber == lrn).ToList();
                // Written together, both name the other; one after the other, the later names the earlier.
                var warned = pair.Where(a => a.Warnings.Count > 0).ToList();
                Assert.NotEmpty(warned);
                Assert.All(warned, answer => Assert.Equal(
                    pair.Single(other => other != answer).Declaration.Name, Assert.Single(answer.Warnings).OtherDeclaration));
            }
        }
        Assert.Empty(taken.Warnings);
    }

    [Fact]
    public async Task A_bulk_item_reusing_an_lrn_of_an_earlier_declaration_or_of_its_own_stream_is_warned()
    {
        var client = _node.ClientFor("post-cn");
        var earlier = await client.SubmitDeclarationAsync(Requests.Submit("post-cn", SampleDeclarations.PostalGift("LRN-BULK-EARLIER")));
        // Another filer's use of an LRN is not this filer's reuse.
        await _node.ClientFor("post-de").SubmitDeclarationAsync(Requests.Submit("post-de", SampleDeclarations.PostalGift("LRN-BULK-OTHER-FILER")));
        BulkSubmitDeclarationsRequest Item(Declaration declaration) =>
            new() { Parent = "filers/post-cn", Declaration = declaration, RequestId = Guid.NewGuid().ToString() };
        var invalid = SampleDeclarations.PostalGift("LRN-BULK-EARLIER");
        invalid.Items.Clear();

        using var call = client.BulkSubmitDeclarations();
        foreach (var item in new[]
        {
            Item(SampleDeclarations.PostalGift("LRN-BULK-EARLIER")),
            Item(SampleDeclarations.PostalGift("LRN-BULK-TWICE")),
            Item(SampleDeclarations.PostalGift("LRN-BULK-TWICE")),
            Item(SampleDeclarations.PostalGift("LRN-BULK-OTHER-FILER")),
            Item(SampleDeclarations.PostalGift("LRN-BULK-FRESH")),
            Item(invalid),
        })
        {
            await call.RequestStream.WriteAsync(item);
        }
        await call.RequestStream.CompleteAsync();
        var answers = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(6, answers.Count);
        Assert.Equal(earlier.Declaration.Name, Assert.Single(answers[0].Warnings).OtherDeclaration);
        // The later of two items of one stream names the earlier; the earlier names the later only
        // when both were written in the same batch (the read follows each batch's write).
        Assert.Equal(answers[1].Declaration.Name, Assert.Single(answers[2].Warnings).OtherDeclaration);
        Assert.All(answers[1].Warnings, warning => Assert.Equal(answers[2].Declaration.Name, warning.OtherDeclaration));
        Assert.All(answers.Take(5), answer => Assert.Equal(DeclarationStatus.Accepted, answer.Declaration.Status));
        Assert.Equal(LocalReferenceReuse.Code, answers[2].Warnings[0].Code);
        Assert.Empty(answers[3].Warnings);
        Assert.Empty(answers[4].Warnings);
        // A refused item has no declaration, so nothing to warn about.
        Assert.NotNull(answers[5].Error);
        Assert.Empty(answers[5].Warnings);
    }
}

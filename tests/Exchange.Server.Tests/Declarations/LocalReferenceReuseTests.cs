using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Declarations;
using Exchange.Server.Tests.Support;
using Exchange.Testing;
using Exchange.Testing.Hosting;

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
}

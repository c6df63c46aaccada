using Exchange.Core.Storage;

namespace Exchange.Storage.Tests;

/// <summary>The small registries kept next to the declarations (<see cref="IRegistryStore"/>).</summary>
public abstract partial class DeclarationStoreConformance
{
    private const string Enrolments = "enrolment";

    [SkippableFact]
    public async Task RegistryRecordsAreInsertedOnceReplacedByRevisionAndDeleted()
    {
        var registry = await OpenFreshRegistryAsync();
        var record = new RegistryRecord(Enrolments, "programmes/p1/enrolments/e1", 1, [1, 2, 3]);

        Assert.True(await registry.TryInsertAsync(record, CancellationToken.None));
        Assert.False(await registry.TryInsertAsync(record with { Payload = [9] }, CancellationToken.None));
        AssertRecord(record, await registry.GetAsync(Enrolments, record.Id, CancellationToken.None));
        // Another kind is another namespace.
        Assert.Null(await registry.GetAsync("subscription", record.Id, CancellationToken.None));
        Assert.True(await registry.TryInsertAsync(record with { Kind = "subscription", Payload = [7] }, CancellationToken.None));

        var replacement = record with { Revision = 2, Payload = [4, 5] };
        Assert.True(await registry.TryReplaceAsync(replacement, expectedRevision: 1, CancellationToken.None));
        Assert.False(await registry.TryReplaceAsync(record with { Revision = 2, Payload = [6] }, expectedRevision: 1, CancellationToken.None));
        AssertRecord(replacement, await registry.GetAsync(Enrolments, record.Id, CancellationToken.None));
        Assert.False(await registry.TryReplaceAsync(
            record with { Id = "programmes/p1/enrolments/missing", Revision = 2 }, expectedRevision: 1, CancellationToken.None));
        Assert.Null(await registry.GetAsync(Enrolments, "programmes/p1/enrolments/missing", CancellationToken.None));

        Assert.True(await registry.DeleteAsync(Enrolments, record.Id, CancellationToken.None));
        Assert.False(await registry.DeleteAsync(Enrolments, record.Id, CancellationToken.None));
        Assert.Null(await registry.GetAsync(Enrolments, record.Id, CancellationToken.None));
        AssertRecord(record with { Kind = "subscription", Payload = [7] },
            await registry.GetAsync("subscription", record.Id, CancellationToken.None));

        // A deleted id can be used again, from revision 1.
        Assert.True(await registry.TryInsertAsync(record with { Payload = [8] }, CancellationToken.None));
        AssertRecord(record with { Payload = [8] }, await registry.GetAsync(Enrolments, record.Id, CancellationToken.None));
    }

    [SkippableFact]
    public async Task RegistryListIsByIdWithALiteralPrefixAndPages()
    {
        var registry = await OpenFreshRegistryAsync();
        // '%' and '_' are LIKE's wildcards: a prefix must match them as themselves.
        string[] ids =
        [
            "b", "a_b", "a%", "abc", "A", "a", "a%b", "a_", "ab", "a-1", "a/b", "\u00e9", "a\u00e9",
            "a\U0010FFFF", "a\U0010FFFFx", "a\U0010FFFE",
        ];
        foreach (var (id, i) in ids.Select((id, i) => (id, i)))
        {
            Assert.True(await registry.TryInsertAsync(new(Enrolments, id, 1, [(byte)i]), CancellationToken.None));
        }
        Assert.True(await registry.TryInsertAsync(new("subscription", "a1", 1, [1]), CancellationToken.None));

        async Task<string[]> Ids(string prefix, string? after = null, int limit = 100) =>
            (await registry.ListAsync(Enrolments, prefix, after, limit, CancellationToken.None)).Select(r => r.Id).ToArray();

        // No id here has a character in U+E000-U+FFFF, where UTF-16 order and byte order differ.
        var all = ids.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(all, await Ids(""));
        Assert.Equal(["a%", "a%b"], await Ids("a%"));
        Assert.Equal(["a_", "a_b"], await Ids("a_"));
        Assert.Equal(all.Where(id => id.StartsWith('a')), await Ids("a"));
        Assert.Equal(["ab", "abc"], await Ids("ab"));
        Assert.Equal(["a\u00e9"], await Ids("a\u00e9"));
        Assert.Equal(["a\U0010FFFF", "a\U0010FFFFx"], await Ids("a\U0010FFFF"));
        Assert.Equal(["\u00e9"], await Ids("\u00e9"));
        Assert.Empty(await Ids("z"));
        Assert.Empty(await Ids("a_b_"));
        Assert.Equal(["a_b", "ab", "abc", "a\u00e9"], (await Ids("a", after: "a_")).Take(4));
        Assert.Equal(["b"], await Ids("b", after: "a"));
        Assert.Empty(await Ids("b", after: "b"));

        var records = await registry.ListAsync(Enrolments, "a%b", null, 10, CancellationToken.None);
        AssertRecord(new(Enrolments, "a%b", 1, [(byte)Array.IndexOf(ids, "a%b")]), Assert.Single(records));

        // Pages of every size return every record exactly once, in order.
        foreach (var limit in new[] { 1, 3, 16, 17 })
        {
            var paged = new List<string>();
            string? after = null;
            while (true)
            {
                var page = await Ids("", after, limit);
                paged.AddRange(page);
                if (page.Length < limit)
                {
                    break;
                }
                after = page[^1];
            }
            Assert.Equal(all, paged);
        }
        Assert.Equal(["a1"], (await registry.ListAsync("subscription", "", null, 10, CancellationToken.None)).Select(r => r.Id));
        Assert.Empty(await registry.ListAsync("programme", "", null, 10, CancellationToken.None));
    }

    [SkippableFact]
    public async Task RegistryRecordsAreThereAfterReopening()
    {
        var registry = await OpenFreshRegistryAsync();
        var record = new RegistryRecord(Enrolments, "programmes/p1/enrolments/e1", 1, [1, 2, 3]);
        await registry.TryInsertAsync(record, CancellationToken.None);
        await registry.TryReplaceAsync(record with { Revision = 2, Payload = [4] }, 1, CancellationToken.None);
        await CloseAsync(registry);

        var reopened = StoresOf(await OpenStoreTrackedAsync()).Registries;

        AssertRecord(record with { Revision = 2, Payload = [4] }, await reopened.GetAsync(Enrolments, record.Id, CancellationToken.None));
    }

    /// <summary>The registry of a store on a new, empty database: the same object as the declaration store.</summary>
    private async Task<IRegistryStore> OpenFreshRegistryAsync() =>
        StoresOf(await OpenFreshStoreAsync()).Registries;

    // RegistryRecord holds a byte array, which record equality compares by reference.
    private static void AssertRecord(RegistryRecord expected, RegistryRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Revision, actual.Revision);
        Assert.Equal(expected.Payload, actual.Payload);
    }
}

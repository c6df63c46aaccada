using System.Data.Common;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The append-only audit log (<see cref="IAuditStore"/>): appended in order, listed newest first
/// with every filter, and refused any change by the database itself.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    [SkippableFact]
    public async Task AuditRecordsListNewestFirstWithSequencesInAppendOrder()
    {
        var audit = await OpenFreshAuditAsync();
        var first = AuditAt(0, "filers/a", "CreateDeclaration", "filers/a/declarations/d1");
        var second = AuditAt(1, "officers/o", "GetDeclaration", "filers/a/declarations/d1", outcome: "NOT_FOUND", detail: "no such declaration");
        var third = AuditAt(2, "partners/BE", "DeliverMessages", "partners/BE");
        // Out of time order on purpose: the log is in append order, whatever the times say.
        var fourth = AuditAt(-5, "node", "Start", "");

        await audit.AppendAsync([first, second, third], CancellationToken.None);
        await audit.AppendAsync([], CancellationToken.None);
        await audit.AppendAsync([fourth], CancellationToken.None);

        var rows = await audit.ListAsync(new AuditQuery(10), CancellationToken.None);
        Assert.Equal([fourth, third, second, first], rows.Select(r => r.Entry));
        Assert.Equal(rows.Select(r => r.Sequence).OrderDescending(), rows.Select(r => r.Sequence));
        Assert.Equal(rows.Count, rows.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal([fourth, third], (await audit.ListAsync(new AuditQuery(2), CancellationToken.None)).Select(r => r.Entry));
    }

    [SkippableFact]
    public async Task AuditFiltersMatchExactActorLiteralResourcePrefixAndTimeRange()
    {
        var audit = await OpenFreshAuditAsync();
        AuditEntry[] entries =
        [
            AuditAt(0, "filers/a", "CreateDeclaration", "filers/a/declarations/d1"),
            AuditAt(1, "filers/ab", "CreateDeclaration", "filers/ab/declarations/d2"),
            AuditAt(2, "officers/o", "GetDeclaration", "filers/a/declarations/d1"),
            // '%' and '_' are LIKE's wildcards: a prefix must match them as themselves.
            AuditAt(3, "officers/o", "GetDeclaration", "filers/a_b/declarations/d3"),
            AuditAt(4, "officers/o", "GetDeclaration", "filers/axb/declarations/d4"),
            AuditAt(5, "officers/o", "GetDeclaration", "filers/a%/declarations/d5"),
            AuditAt(6, "partners/BE", "DeliverMessages", "partners/BE"),
        ];
        await audit.AppendAsync(entries, CancellationToken.None);

        async Task<AuditEntry[]> Matching(AuditQuery query) =>
            (await audit.ListAsync(query, CancellationToken.None)).Select(r => r.Entry).Reverse().ToArray();

        Assert.Equal([entries[0]], await Matching(new(10, Actor: "filers/a")));
        Assert.Equal(entries[2..6], await Matching(new(10, Actor: "officers/o")));
        Assert.Empty(await Matching(new(10, Actor: "officers")));
        Assert.Equal([entries[0], entries[2]], await Matching(new(10, ResourcePrefix: "filers/a/")));
        Assert.Equal([entries[3]], await Matching(new(10, ResourcePrefix: "filers/a_")));
        Assert.Equal([entries[5]], await Matching(new(10, ResourcePrefix: "filers/a%")));
        Assert.Equal(entries[..6], await Matching(new(10, ResourcePrefix: "filers/")));
        Assert.Equal(entries, await Matching(new(10, ResourcePrefix: "")));
        Assert.Empty(await Matching(new(10, ResourcePrefix: "filers/a/declarations/d1/x")));
        // Start inclusive, end exclusive.
        Assert.Equal(entries[2..5], await Matching(new(10, Start: BaseTime.AddSeconds(2), End: BaseTime.AddSeconds(5))));
        Assert.Equal(entries[5..], await Matching(new(10, Start: BaseTime.AddSeconds(5))));
        Assert.Equal(entries[..1], await Matching(new(10, End: BaseTime.AddSeconds(1))));
        Assert.Empty(await Matching(new(10, Start: BaseTime.AddSeconds(3), End: BaseTime.AddSeconds(3))));
        // Every filter at once.
        Assert.Equal([entries[2]], await Matching(new(10, Actor: "officers/o", ResourcePrefix: "filers/a", End: BaseTime.AddSeconds(3))));
        Assert.Equal([entries[4]], await Matching(new(10, Actor: "officers/o", ResourcePrefix: "filers/a", Start: BaseTime.AddSeconds(4),
            BeforeSequence: (await audit.ListAsync(new(1, Actor: "officers/o"), CancellationToken.None))[0].Sequence)));
    }

    [SkippableFact]
    public async Task AuditPagesGoBackFromBeforeSequence()
    {
        var audit = await OpenFreshAuditAsync();
        var entries = Enumerable.Range(0, 7)
            .Select(i => AuditAt(i, i % 2 == 0 ? "officers/even" : "officers/odd", "GetDeclaration", $"filers/a/declarations/d{i}"))
            .ToArray();
        await audit.AppendAsync(entries[..3], CancellationToken.None);
        await audit.AppendAsync(entries[3..], CancellationToken.None);

        var newestFirst = entries.AsEnumerable().Reverse().ToArray();
        foreach (var limit in new[] { 1, 2, 3, 7, 8 })
        {
            Assert.Equal(newestFirst, await ReadAllAuditPagesAsync(audit, new AuditQuery(limit)));
            Assert.Equal(newestFirst.Where(e => e.Actor == "officers/even"),
                await ReadAllAuditPagesAsync(audit, new AuditQuery(limit, Actor: "officers/even")));
        }
        var all = await audit.ListAsync(new AuditQuery(10), CancellationToken.None);
        Assert.Equal(newestFirst[3..], (await audit.ListAsync(new(10, BeforeSequence: all[2].Sequence), CancellationToken.None)).Select(r => r.Entry));
        Assert.Empty(await audit.ListAsync(new(10, BeforeSequence: all[^1].Sequence), CancellationToken.None));
    }

    [SkippableFact]
    public async Task TheAuditLogRefusesUpdateAndDelete()
    {
        var audit = await OpenFreshAuditAsync();
        var entry = AuditAt(0, "filers/a", "CreateDeclaration", "filers/a/declarations/d1");
        await audit.AppendAsync([entry], CancellationToken.None);
        var sequence = (await audit.ListAsync(new(1), CancellationToken.None))[0].Sequence;

        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteSqlAsync("UPDATE audit_log SET actor = 'someone else'"));
        await Assert.ThrowsAnyAsync<DbException>(() =>
            ExecuteSqlAsync("UPDATE audit_log SET outcome = 'OK' WHERE sequence = @sequence", ("sequence", sequence)));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteSqlAsync("DELETE FROM audit_log WHERE sequence = @sequence", ("sequence", sequence)));
        await Assert.ThrowsAnyAsync<DbException>(() => ExecuteSqlAsync("DELETE FROM audit_log"));

        var rows = await audit.ListAsync(new(10), CancellationToken.None);
        Assert.Equal(new AuditRecordRow(sequence, entry), Assert.Single(rows));
        // Appending still works, after the last sequence.
        await audit.AppendAsync([entry with { Action = "UpdateDeclaration" }], CancellationToken.None);
        Assert.True((await audit.ListAsync(new(1), CancellationToken.None))[0].Sequence > sequence);
    }

    [SkippableFact]
    public async Task AuditRecordsAreThereAfterReopening()
    {
        var audit = await OpenFreshAuditAsync();
        var entry = AuditAt(0, "filers/a", "CreateDeclaration", "filers/a/declarations/d1", detail: "ünïcödé \U0001F600");
        await audit.AppendAsync([entry], CancellationToken.None);
        await CloseAsync(audit);

        var reopened = StoresOf(await OpenStoreTrackedAsync()).Audit;

        Assert.Equal(entry, Assert.Single(await reopened.ListAsync(new(10), CancellationToken.None)).Entry);
    }

    [SkippableFact]
    public async Task AuditLimitMustBePositive()
    {
        var audit = await OpenFreshAuditAsync();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => audit.ListAsync(new(0), CancellationToken.None));
    }

    /// <summary>The audit log of a store on a new, empty database: the same object as the declaration store.</summary>
    private async Task<IAuditStore> OpenFreshAuditAsync() =>
        StoresOf(await OpenFreshStoreAsync()).Audit;

    /// <summary>An audit entry <paramref name="seconds"/> after <see cref="BaseTime"/>.</summary>
    private static AuditEntry AuditAt(
        int seconds, string actor, string action, string resource, string outcome = "OK", string detail = "") =>
        new(BaseTime.AddSeconds(seconds), actor, action, resource, outcome, detail);

    private static async Task<List<AuditEntry>> ReadAllAuditPagesAsync(IAuditStore audit, AuditQuery query)
    {
        var all = new List<AuditEntry>();
        while (true)
        {
            var page = await audit.ListAsync(query, CancellationToken.None);
            all.AddRange(page.Select(r => r.Entry));
            if (page.Count < query.Limit)
            {
                return all;
            }
            query = query with { BeforeSequence = page[^1].Sequence };
        }
    }
}

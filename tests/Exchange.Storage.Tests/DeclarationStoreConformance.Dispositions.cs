using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Storage;
using static Exchange.Storage.Tests.StoreWrites;

namespace Exchange.Storage.Tests;

/// <summary>
/// The report's dispositions by type and legal basis code (<see cref="MeasureAggregate.Dispositions"/>),
/// written through the store's own measures row and counted per window and group, alike on every store.
/// </summary>
public abstract partial class DeclarationStoreConformance
{
    /// <summary>
    /// On 2026-11-30: f1 filer-a seized under ART-198; f2 filer-a seized under ART-198; f3 filer-b
    /// returned under ART-77; f4 filer-b seized by a SEIZE decision (no disposition, no code);
    /// f5 filer-a held, then abandoned under ART-5; f6 filer-a released (no disposition).
    /// On 2026-12-01: f7 filer-a seized under ART-198.
    /// </summary>
    [SkippableFact]
    public async Task DispositionsAreCountedByTypeAndLegalBasisPerWindowAndGroup()
    {
        var store = await OpenFreshStoreAsync();
        await DisposeOfAsync(store, "filer-a", "f1", Day.AddHours(1), DispositionType.Seized, "ART-198");
        await DisposeOfAsync(store, "filer-a", "f2", Day.AddHours(2), DispositionType.Seized, "ART-198");
        await DisposeOfAsync(store, "filer-b", "f3", Day.AddHours(3), DispositionType.ReturnedToSender, "ART-77");
        var f4 = await SubmitAsync(store, "filer-b", "f4", Day.AddHours(4), Channel.Postal, "CN");
        await DecideAsync(store, f4, DecisionOutcome.Seize, 10, assessment: null);
        await DisposeOfAsync(store, "filer-a", "f5", Day.AddHours(5), DispositionType.Abandoned, "ART-5");
        var f6 = await SubmitAsync(store, "filer-a", "f6", Day.AddHours(6), Channel.Postal, "CN");
        await DecideAsync(store, f6, DecisionOutcome.Release, 10, assessment: null);
        await DisposeOfAsync(store, "filer-a", "f7", Day.AddDays(1).AddHours(1), DispositionType.Seized, "ART-198");
        var reports = StoresOf(store).Reports;

        var days = await reports.AggregateAsync(new([Micros(Day), Micros(Day.AddDays(1))], Micros(Day.AddDays(2)), ReportGrouping.None), CancellationToken.None);

        Assert.Equal(2, days.Count);
        Assert.Equal(
            [((int)DispositionType.Seized, "", 1L), ((int)DispositionType.Seized, "ART-198", 2L), ((int)DispositionType.Abandoned, "ART-5", 1L),
             ((int)DispositionType.ReturnedToSender, "ART-77", 1L)],
            Tallies(days[0]));
        Assert.Equal([((int)DispositionType.Seized, "ART-198", 1L)], Tallies(days[1]));

        var byFiler = await reports.AggregateAsync(new([Micros(Day)], Micros(Day.AddDays(1)), ReportGrouping.Filer), CancellationToken.None);
        Assert.Equal(["filer-a", "filer-b"], byFiler.Select(a => a.Group));
        Assert.Equal([((int)DispositionType.Seized, "ART-198", 2L), ((int)DispositionType.Abandoned, "ART-5", 1L)], Tallies(byFiler[0]));
        Assert.Equal([((int)DispositionType.Seized, "", 1L), ((int)DispositionType.ReturnedToSender, "ART-77", 1L)], Tallies(byFiler[1]));
    }

    private static List<(int Type, string Code, long Count)> Tallies(MeasureAggregate aggregate) =>
        aggregate.Dispositions.Select(t => (t.Type, t.LegalBasisCode, t.Count)).OrderBy(t => t.Type).ThenBy(t => t.LegalBasisCode, StringComparer.Ordinal).ToList();

    /// <summary>A declaration held by the risk engine, then disposed of by an officer (a DISPOSED write, as the core makes it).</summary>
    private static async Task DisposeOfAsync(IDeclarationStore store, string filerId, string id, DateTimeOffset createTime, DispositionType type, string code)
    {
        var submitted = await SubmitAsync(store, filerId, id, createTime, Channel.Postal, "CN");
        var held = await DecideAsync(store, submitted, DecisionOutcome.Hold, 10, assessment: null);
        var write = Update(held, d =>
        {
            d.Status = Core.Enforcement.Dispositions.StatusFor(type);
            d.Disposition = new Disposition
            {
                Type = type, Reason = "Found.", DisposeTime = d.UpdateTime,
                LegalBasis = new LegalBasis { Code = code, Citation = "Article " + code },
            };
        });
        write = write with { Event = Core.Declarations.DeclarationChanges.EventFor(write.Declaration, DeclarationEventType.Disposed, "Found.", "officers/o-1") };
        Assert.Equal(WriteOutcomeKind.Written, (await store.UpdateAsync(write, CancellationToken.None)).Kind);
    }
}

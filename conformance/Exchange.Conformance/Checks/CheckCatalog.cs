using Exchange.Conformance.Runner;

namespace Exchange.Conformance.Checks;

/// <summary>Every check of the kit, in report order: one area after the other.</summary>
public static class CheckCatalog
{
    public static IReadOnlyList<Check> All { get; } =
    [
        .. SubmitChecks.All,
        .. GetAndListChecks.All,
        .. AmendAndCancelChecks.All,
        .. LifecycleChecks.All,
        .. ConsignmentChecks.All,
        .. RevenueChecks.All,
        .. DispositionChecks.All,
        .. WatchChecks.All,
        .. BulkChecks.All,
        .. RobustnessChecks.All,
    ];

    /// <summary>The checks whose id starts with one of <paramref name="prefixes"/> (all of them when there is none).</summary>
    public static IReadOnlyList<Check> Select(IReadOnlyCollection<string> prefixes) =>
        prefixes.Count == 0 ? All : All.Where(c => prefixes.Any(p => c.Id.StartsWith(p, StringComparison.Ordinal))).ToList();
}

namespace Exchange.Core.Storage;

/// <summary>
/// The aggregate queries behind the performance report, over the per-declaration measures every
/// <see cref="IDeclarationStore"/> write keeps (<see cref="Reporting.DeclarationMeasures"/>).
/// Each is a GROUP BY over a range of the index on the declarations' create time: a report costs
/// a few queries, never a read of the declarations themselves. Every implementation passes the
/// same conformance suite, with the same percentile method (linear interpolation, as
/// PostgreSQL's percentile_cont).
/// </summary>
public interface IReportStore
{
    /// <summary>
    /// The aggregates of the declarations created in each window, split by <see cref="ReportQuery.Grouping"/>:
    /// one entry per window and group that has declarations, ordered by window start, then group (ordinal).
    /// </summary>
    Task<IReadOnlyList<MeasureAggregate>> AggregateAsync(ReportQuery query, CancellationToken cancellationToken);

    /// <summary>The create time of the earliest declaration that has measures (Unix microseconds), or null when there is none.</summary>
    Task<long?> GetFirstCreateTimeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The VAT charged at sale per IOSS number, month and currency, over the declarations' duty
    /// assessments (<see cref="Reporting.DeclarationMeasures.IossNumber"/>): ordered by IOSS number,
    /// month, currency (ordinal), strictly after <paramref name="after"/>, at most
    /// <paramref name="limit"/>; only <paramref name="iossNumber"/> and <paramref name="month"/> when given.
    /// </summary>
    Task<IReadOnlyList<IossMonthlySum>> ListIossMonthlySumsAsync(
        string? iossNumber, string? month, IossMonthlySum? after, int limit, CancellationToken cancellationToken);
}

/// <summary>The VAT charged at sale under one IOSS number in one month and currency: micro-units, and how many consignments.</summary>
public sealed record IossMonthlySum(string IossNumber, string Month, string Currency, long VatMicros, long Consignments);

/// <summary>
/// Consecutive windows [WindowStarts[i], WindowStarts[i+1]), the last one ending at <see cref="End"/>
/// (Unix microseconds, ascending, each window non-empty), and how to split them.
/// </summary>
public sealed record ReportQuery(IReadOnlyList<long> WindowStarts, long End, ReportGrouping Grouping)
{
    /// <summary>The windows as (start, end) pairs; throws when they are not ascending or empty.</summary>
    public IReadOnlyList<(long Start, long End)> Windows()
    {
        ArgumentNullException.ThrowIfNull(WindowStarts);
        if (WindowStarts.Count == 0)
        {
            throw new ArgumentException("A report query needs at least one window.");
        }
        var windows = new (long, long)[WindowStarts.Count];
        for (var i = 0; i < WindowStarts.Count; i++)
        {
            var end = i + 1 < WindowStarts.Count ? WindowStarts[i + 1] : End;
            if (end <= WindowStarts[i])
            {
                throw new ArgumentException("Report windows must be ascending and non-empty.");
            }
            windows[i] = (WindowStarts[i], end);
        }
        return windows;
    }
}

/// <summary>How a report splits each window.</summary>
public enum ReportGrouping
{
    /// <summary>One group per window, named "".</summary>
    None,

    /// <summary>By channel: "POSTAL", "EXPRESS", "CARGO".</summary>
    Channel,

    /// <summary>By the country of origin of the first goods item.</summary>
    OriginCountry,

    /// <summary>By filer id.</summary>
    Filer,
}

/// <summary>
/// The counts and sums of one window and group. Decisions count once per declaration (its first
/// decision sets <see cref="Decided"/> and <see cref="HeldFirst"/>; its latest decision sets
/// <see cref="Released"/> and <see cref="Refused"/>). Times are Unix microseconds or durations in
/// microseconds; percentiles are linear interpolations (percentile_cont), 0 when there is no value.
/// The referral answers are also counted per type (requests for information, HRCM screening);
/// <see cref="PostalReceived"/> counts the POSTAL declarations received, <see cref="PostalWithoutData"/>
/// the postal items that arrived in the window with no advance data (<see cref="IPostalArrivalStore"/>).
/// </summary>
public sealed record MeasureAggregate(
    long WindowStart,
    string Group,
    long Received,
    long Assessed,
    long CompleteData,
    long Decided,
    long Released,
    long HeldFirst,
    long Refused,
    long AgencyHolds,
    long Compliant,
    IReadOnlyList<MoneySum> Duty,
    IReadOnlyList<MoneySum> Tax,
    double DecisionMedianMicros,
    double DecisionP90Micros,
    long ReferralsAnswered,
    double ReferralResponseMedianMicros,
    long InformationAnswered = 0,
    double InformationResponseMedianMicros = 0,
    long ScreeningAnswered = 0,
    double ScreeningResponseMedianMicros = 0,
    long PostalReceived = 0,
    long PostalWithoutData = 0,
    IReadOnlyList<MoneySum>? RevenueAssessed = null,
    IReadOnlyList<MoneySum>? RevenueCollected = null)
{
    /// <summary>The declarations that ended in a disposition, by type and legal basis code (any order).</summary>
    public IReadOnlyList<DispositionTally> Dispositions { get; init; } = [];
}

/// <summary>How many declarations of a window and group ended in one disposition type (a DispositionType value) on one legal basis code.</summary>
public sealed record DispositionTally(int Type, string LegalBasisCode, long Count);

/// <summary>A sum of amounts in one currency, in micro-units.</summary>
public sealed record MoneySum(string Currency, long Micros);

using Exchange.Core.Storage;

namespace Exchange.Core.Reporting;

/// <summary>
/// Assembles <see cref="MeasureAggregate"/>s from the rows of a store's report queries (the
/// counts and sums per window, group and currency pair; the percentiles per window and group),
/// so every store merges them the same way.
/// </summary>
public sealed class ReportAggregates
{
    private readonly SortedDictionary<(long WindowStart, string Group), Entry> _entries = new(KeyOrder.Instance);

    /// <summary>The count columns of one row of the counts query, in this order.</summary>
    public readonly record struct Counts(
        long Received, long Assessed, long CompleteData, long Decided, long Released, long HeldFirst, long Refused,
        long AgencyHolds, long Compliant, long Postal = 0);

    /// <summary>Adds the counts and sums of the declarations of one window and group whose estimates are in the given currencies.</summary>
    public void AddCounts(long windowStart, string group, Counts counts, string dutyCurrency, long dutyMicros, string taxCurrency, long taxMicros)
    {
        var entry = EntryOf(windowStart, group);
        var c = entry.Counts;
        entry.Counts = new Counts(
            c.Received + counts.Received, c.Assessed + counts.Assessed, c.CompleteData + counts.CompleteData,
            c.Decided + counts.Decided, c.Released + counts.Released, c.HeldFirst + counts.HeldFirst,
            c.Refused + counts.Refused, c.AgencyHolds + counts.AgencyHolds, c.Compliant + counts.Compliant,
            c.Postal + counts.Postal);
        Add(entry.Duty, dutyCurrency, dutyMicros);
        Add(entry.Tax, taxCurrency, taxMicros);
    }

    /// <summary>
    /// Adds one declaration's measures to its window and group, for a store that aggregates by
    /// reading the rows (SQLite): the counts and sums as <see cref="AddCounts"/> would have them,
    /// and its decision time for the percentiles <see cref="Build"/> computes.
    /// </summary>
    public void AddDeclaration(
        long windowStart, string group, bool? completeData, long? decisionMicros, int firstOutcome, int latestOutcome,
        bool amended, int referralCount, bool agencyHold, string dutyCurrency, long dutyMicros, string taxCurrency, long taxMicros,
        bool postal = false)
    {
        var entry = EntryOf(windowStart, group);
        var c = entry.Counts;
        entry.Counts = new Counts(
            c.Received + 1,
            c.Assessed + (completeData is null ? 0 : 1),
            c.CompleteData + (completeData == true ? 1 : 0),
            c.Decided + (decisionMicros is null ? 0 : 1),
            c.Released + (latestOutcome == (int)Contracts.Declaration.V1.DecisionOutcome.Release ? 1 : 0),
            c.HeldFirst + (firstOutcome == (int)Contracts.Declaration.V1.DecisionOutcome.Hold ? 1 : 0),
            c.Refused + (IsRefusal(latestOutcome) ? 1 : 0),
            c.AgencyHolds + (agencyHold ? 1 : 0),
            c.Compliant + (referralCount == 0 && !amended ? 1 : 0),
            c.Postal + (postal ? 1 : 0));
        Add(entry.Duty, dutyCurrency, dutyMicros);
        Add(entry.Tax, taxCurrency, taxMicros);
        if (decisionMicros is { } micros)
        {
            (entry.DecisionValues ??= []).Add(micros);
        }
    }

    /// <summary>
    /// Adds the revenue of declarations of one window and group whose duty assessments are in
    /// <paramref name="currency"/>: what they make due at importation and what was paid against it.
    /// </summary>
    public void AddRevenue(long windowStart, string group, string currency, long assessedMicros, long collectedMicros)
    {
        var entry = EntryOf(windowStart, group);
        Add(entry.RevenueAssessed, currency, assessedMicros);
        Add(entry.RevenueCollected, currency, collectedMicros);
    }

    /// <summary>
    /// Adds one answered referral's response time to its window and group, and to its type's
    /// (a ReferralType number; 0 for answers recorded before the store kept types), for the
    /// medians <see cref="Build"/> computes.
    /// </summary>
    public void AddReferralAnswer(long windowStart, string group, long responseMicros, int referralType = 0)
    {
        var entry = EntryOf(windowStart, group);
        (entry.ReferralValues ??= []).Add(responseMicros);
        switch (referralType)
        {
            case (int)Contracts.Declaration.V1.ReferralType.RequestForInformation:
                (entry.InformationValues ??= []).Add(responseMicros);
                break;
            case (int)Contracts.Declaration.V1.ReferralType.HrcmScreening:
                (entry.ScreeningValues ??= []).Add(responseMicros);
                break;
        }
    }

    /// <summary>Sets the answers of one referral type in a window and group: how many, and their median response time (microseconds).</summary>
    public void SetReferralTypeTimes(long windowStart, string group, int referralType, long answered, double medianMicros)
    {
        var entry = EntryOf(windowStart, group);
        switch (referralType)
        {
            case (int)Contracts.Declaration.V1.ReferralType.RequestForInformation:
                (entry.InformationAnswered, entry.InformationMedian) = (answered, medianMicros);
                break;
            case (int)Contracts.Declaration.V1.ReferralType.HrcmScreening:
                (entry.ScreeningAnswered, entry.ScreeningMedian) = (answered, medianMicros);
                break;
        }
    }

    /// <summary>Adds postal items that arrived with no advance data to a window and group.</summary>
    public void AddPostalWithoutData(long windowStart, string group, long items) =>
        EntryOf(windowStart, group).PostalWithoutData += items;

    /// <summary>The start of the window holding <paramref name="time"/>, which lies within the windows starting at <paramref name="starts"/> (ascending).</summary>
    public static long WindowOf(long[] starts, long time)
    {
        ArgumentNullException.ThrowIfNull(starts);
        var index = Array.BinarySearch(starts, time);
        return starts[index >= 0 ? index : ~index - 1];
    }

    /// <summary>REJECT, SEIZE and RETURN_TO_SENDER: the outcomes the report counts as refusals.</summary>
    public static bool IsRefusal(int outcome) => outcome is (int)Contracts.Declaration.V1.DecisionOutcome.Reject
        or (int)Contracts.Declaration.V1.DecisionOutcome.Seize or (int)Contracts.Declaration.V1.DecisionOutcome.ReturnToSender;

    /// <summary>Sets the first-decision time percentiles of a window and group (microseconds).</summary>
    public void SetDecisionTimes(long windowStart, string group, double medianMicros, double p90Micros)
    {
        var entry = EntryOf(windowStart, group);
        entry.DecisionMedian = medianMicros;
        entry.DecisionP90 = p90Micros;
    }

    /// <summary>Sets the referral answers of a window and group: how many, and the median response time (microseconds).</summary>
    public void SetReferralTimes(long windowStart, string group, long answered, double medianMicros)
    {
        var entry = EntryOf(windowStart, group);
        entry.ReferralsAnswered = answered;
        entry.ReferralMedian = medianMicros;
    }

    /// <summary>Ordered by window start, then group (ordinal).</summary>
    public IReadOnlyList<MeasureAggregate> Build() => _entries.Select(pair =>
    {
        var (key, e) = (pair.Key, pair.Value);
        if (e.DecisionValues is { } decisions)
        {
            decisions.Sort();
            e.DecisionMedian = Interpolate(decisions.Count, 0.5, position => decisions[(int)position]);
            e.DecisionP90 = Interpolate(decisions.Count, 0.9, position => decisions[(int)position]);
        }
        if (e.ReferralValues is { } referrals)
        {
            (e.ReferralsAnswered, e.ReferralMedian) = (referrals.Count, Median(referrals));
        }
        if (e.InformationValues is { } information)
        {
            (e.InformationAnswered, e.InformationMedian) = (information.Count, Median(information));
        }
        if (e.ScreeningValues is { } screening)
        {
            (e.ScreeningAnswered, e.ScreeningMedian) = (screening.Count, Median(screening));
        }
        var c = e.Counts;
        return new MeasureAggregate(
            key.WindowStart, key.Group, c.Received, c.Assessed, c.CompleteData, c.Decided, c.Released, c.HeldFirst, c.Refused,
            c.AgencyHolds, c.Compliant, Sums(e.Duty), Sums(e.Tax), e.DecisionMedian, e.DecisionP90, e.ReferralsAnswered, e.ReferralMedian,
            e.InformationAnswered, e.InformationMedian, e.ScreeningAnswered, e.ScreeningMedian, c.Postal, e.PostalWithoutData,
            Sums(e.RevenueAssessed), Sums(e.RevenueCollected));
    }).ToList();

    /// <summary>
    /// The <paramref name="fraction"/> percentile of <paramref name="count"/> sorted values by linear
    /// interpolation, exactly as PostgreSQL's percentile_cont: position p·(n−1), between the values at
    /// its floor and the next (0-based). <paramref name="valueAt"/> gives a value by its position.
    /// </summary>
    public static double Interpolate(long count, double fraction, Func<long, double> valueAt)
    {
        ArgumentNullException.ThrowIfNull(valueAt);
        if (count <= 0)
        {
            return 0;
        }
        var position = fraction * (count - 1);
        var lower = (long)Math.Floor(position);
        var low = valueAt(lower);
        if (lower + 1 >= count || position == lower)
        {
            return low;
        }
        return low + ((valueAt(lower + 1) - low) * (position - lower));
    }

    private static double Median(List<long> values)
    {
        values.Sort();
        return Interpolate(values.Count, 0.5, position => values[(int)position]);
    }

    private Entry EntryOf(long windowStart, string group)
    {
        if (!_entries.TryGetValue((windowStart, group), out var entry))
        {
            entry = new Entry();
            _entries.Add((windowStart, group), entry);
        }
        return entry;
    }

    private static void Add(SortedDictionary<string, long> sums, string currency, long micros)
    {
        if (currency.Length == 0)
        {
            return;
        }
        sums[currency] = checked(sums.GetValueOrDefault(currency) + micros);
    }

    private static List<MoneySum> Sums(SortedDictionary<string, long> sums) =>
        sums.Select(s => new MoneySum(s.Key, s.Value)).ToList();

    private sealed class Entry
    {
        public Counts Counts { get; set; }
        public SortedDictionary<string, long> Duty { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, long> Tax { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, long> RevenueAssessed { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, long> RevenueCollected { get; } = new(StringComparer.Ordinal);
        public double DecisionMedian { get; set; }
        public double DecisionP90 { get; set; }
        public long ReferralsAnswered { get; set; }
        public double ReferralMedian { get; set; }
        public List<long>? DecisionValues { get; set; }
        public List<long>? ReferralValues { get; set; }
        public long InformationAnswered { get; set; }
        public double InformationMedian { get; set; }
        public long ScreeningAnswered { get; set; }
        public double ScreeningMedian { get; set; }
        public List<long>? InformationValues { get; set; }
        public List<long>? ScreeningValues { get; set; }
        public long PostalWithoutData { get; set; }
    }

    private sealed class KeyOrder : IComparer<(long WindowStart, string Group)>
    {
        public static readonly KeyOrder Instance = new();

        public int Compare((long WindowStart, string Group) x, (long WindowStart, string Group) y)
        {
            var byWindow = x.WindowStart.CompareTo(y.WindowStart);
            return byWindow != 0 ? byWindow : string.CompareOrdinal(x.Group, y.Group);
        }
    }
}

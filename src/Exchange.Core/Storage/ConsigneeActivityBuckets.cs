namespace Exchange.Core.Storage;

/// <summary>
/// How both stores answer <see cref="IDeclarationStore.GetConsigneeActivityAsync"/> in time that
/// does not grow with a consignee's traffic. Each store keeps a counter row per consignee key and
/// hour (consignments not CANCELLED, their summed intrinsic value), maintained by triggers on
/// every write of a declaration row. A look-up adds the counters of the hours wholly after
/// <c>since</c> and counts the declarations of the one hour <c>since</c> falls in exactly, so the
/// answer is exact to the microsecond and reads at most one hour of rows, where summing the
/// declarations themselves read the whole window (72 hours of a busy consignee, for every batch).
/// </summary>
public static class ConsigneeActivityBuckets
{
    /// <summary>The width of a counter's hour, in microseconds (the unit of stored times).</summary>
    public const long Width = 3_600_000_000;

    /// <summary>
    /// What a look-up from <paramref name="since"/> reads: the counters of hours above
    /// <see cref="Plan.SinceBucket"/>, and the declarations with
    /// <see cref="Plan.ExactFrom"/> &lt;= create time &lt; <see cref="Plan.ExactUntil"/>.
    /// Hours are stored time / <see cref="Width"/>, truncated towards zero as SQL integer
    /// division does (monotonic, so every row of a later hour is after <c>since</c>).
    /// </summary>
    public static Plan For(DateTimeOffset since)
    {
        var from = DeclarationIndex.CeilingUnixMicroseconds(since);
        var bucket = from / Width;
        // The first time of the next hour: bucket 0 spans (-Width, Width), negative buckets end at bucket * Width.
        var until = bucket >= 0 ? (bucket + 1) * Width : bucket * Width + 1;
        return new Plan(bucket, from, until);
    }

    /// <summary>Adds one partial answer into <paramref name="activity"/>, saturating the value at long.MaxValue; returns the key's new total.</summary>
    public static ConsigneeActivity Add(Dictionary<string, ConsigneeActivity> activity, string consigneeKey, long consignments, long valueCents)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(valueCents);
        var before = activity.GetValueOrDefault(consigneeKey);
        var count = (before?.Consignments ?? 0) + consignments;
        var value = before?.ValueCents ?? 0;
        value = value > long.MaxValue - valueCents ? long.MaxValue : value + valueCents;
        return activity[consigneeKey] = new ConsigneeActivity((int)Math.Min(count, int.MaxValue), value);
    }

    /// <summary>Drops keys that have no consignment left (counters of cancelled declarations reach zero).</summary>
    public static IReadOnlyDictionary<string, ConsigneeActivity> WithoutEmpty(Dictionary<string, ConsigneeActivity> activity)
    {
        foreach (var key in activity.Where(pair => pair.Value.Consignments <= 0).Select(pair => pair.Key).ToList())
        {
            activity.Remove(key);
        }
        return activity;
    }

    /// <param name="SinceBucket">The hour <c>since</c> falls in; counters of later hours count whole.</param>
    /// <param name="ExactFrom">Inclusive lower bound of the exactly counted create times (Unix microseconds).</param>
    /// <param name="ExactUntil">Exclusive upper bound: the first time of the next hour.</param>
    public sealed record Plan(long SinceBucket, long ExactFrom, long ExactUntil);
}

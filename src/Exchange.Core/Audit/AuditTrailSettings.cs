namespace Exchange.Core.Audit;

/// <summary>How the audit trail batches and retries its writes.</summary>
public sealed record AuditTrailSettings
{
    /// <summary>The most entries written in one store transaction.</summary>
    public int BatchSize { get; init; } = 512;

    /// <summary>
    /// The longest a recorded entry waits for others to join its batch while the store is healthy
    /// (a full batch is written at once). Zero: each write takes whatever has gathered meanwhile.
    /// It is also what a crash can lose: entries recorded within the last interval.
    /// </summary>
    public TimeSpan FlushInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The most entries held in memory (queued or being written); beyond it new entries are dropped and counted.</summary>
    public int MaxQueuedEntries { get; init; } = 100_000;

    /// <summary>The wait after a first failed write; it doubles with each further failure up to <see cref="MaxRetryBackoff"/>.</summary>
    public TimeSpan InitialRetryBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>The longest wait between attempts while the store fails.</summary>
    public TimeSpan MaxRetryBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long <see cref="AuditTrail.DisposeAsync"/> keeps trying to write what is queued before it gives up on it.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The largest <see cref="BatchSize"/>: a batch is one transaction, and a long one holds the store's writer.</summary>
    public const int MaxBatchSize = 10_000;

    /// <summary>Every problem of the settings, each naming its setting after <paramref name="prefix"/>; empty when they are fine.</summary>
    public IReadOnlyList<string> Problems(string prefix = "")
    {
        var problems = new List<string>();
        if (BatchSize is < 1 or > MaxBatchSize)
        {
            problems.Add($"{prefix}BatchSize must be 1 to {MaxBatchSize}; got {BatchSize}.");
        }
        if (FlushInterval < TimeSpan.Zero || FlushInterval > TimeSpan.FromMinutes(1))
        {
            problems.Add($"{prefix}FlushInterval must be 0 to 1 minute (it is what a crash can lose); got {FlushInterval}.");
        }
        if (MaxQueuedEntries < BatchSize)
        {
            problems.Add($"{prefix}MaxQueuedEntries must be at least BatchSize ({BatchSize}); got {MaxQueuedEntries}.");
        }
        if (InitialRetryBackoff <= TimeSpan.Zero)
        {
            problems.Add($"{prefix}InitialRetryBackoff must be positive; got {InitialRetryBackoff}.");
        }
        else if (MaxRetryBackoff < InitialRetryBackoff)
        {
            problems.Add($"{prefix}MaxRetryBackoff must be at least the initial backoff ({InitialRetryBackoff}); got {MaxRetryBackoff}.");
        }
        if (DrainTimeout < TimeSpan.Zero)
        {
            problems.Add($"{prefix}DrainTimeout must not be negative; got {DrainTimeout}.");
        }
        return problems;
    }
}

namespace Exchange.Server.Hosting;

/// <summary>
/// Per-caller rate limits and stream caps (Exchange:RateLimits), so one caller cannot starve the
/// others. Each caller (filers/x, officers/y, agencies/z, partners/BE, or "anonymous" for every
/// caller the node cannot name) has its own token bucket, sized by its role. A call takes a token
/// when it starts, and a streaming call one more for each message it sends (a bulk stream of N
/// declarations costs N + 1 tokens, about what N unary submissions cost); a stream whose caller's bucket is
/// empty waits for the next token before it reads on. Health checks are never limited. See
/// docs/security.md.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>Off: no rate limit and no stream cap at all (every call is admitted).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Each filer. The volume callers: above the measured unary throughput of one node (about
    /// 3,000 calls/s on 2 cores, bench/measured) and above what its bulk streams are written at
    /// (about 4,200 declarations/s), so only a runaway client meets it; each bulk declaration counts.
    /// </summary>
    public CallerRateLimit Filers { get; set; } = new() { PermitsPerSecond = 5_000, Burst = 10_000 };

    /// <summary>Each officer: people behind the dashboard and reporting tools, with room for scripted exports.</summary>
    public CallerRateLimit Officers { get; set; } = new() { PermitsPerSecond = 500, Burst = 1_000 };

    /// <summary>Each partner government agency: systems answering referrals and placing holds.</summary>
    public CallerRateLimit Agencies { get; set; } = new() { PermitsPerSecond = 500, Burst = 1_000 };

    /// <summary>
    /// Each partner administration (another node): its outbox delivers messages in batches, many
    /// per call, and backs off when refused, so a refusal delays sharing but loses nothing.
    /// </summary>
    public CallerRateLimit Partners { get; set; } = new() { PermitsPerSecond = 500, Burst = 1_000 };

    /// <summary>
    /// All callers the node cannot name, together: one bucket for all of them. Low, as such calls
    /// are refused anyway (CALLER_UNAUTHENTICATED) or are tooling such as reflection.
    /// </summary>
    public CallerRateLimit Anonymous { get; set; } = new() { PermitsPerSecond = 20, Burst = 40 };

    /// <summary>
    /// Watches (server-streaming calls, e.g. WatchDeclarationEvents) one caller may hold open at
    /// once; one more ends with RESOURCE_EXHAUSTED (STREAM_LIMIT_EXCEEDED). A client needs one
    /// watch, a few at most (one per declaration it follows). 0: no cap.
    /// </summary>
    public int MaxConcurrentStreamsPerCaller { get; set; } = 16;

    /// <summary>
    /// Bulk streams (BulkSubmitDeclarations, any client-streaming or bidirectional call) one caller
    /// may hold open at once; one more ends with RESOURCE_EXHAUSTED (STREAM_LIMIT_EXCEEDED). Two
    /// streams already keep a node's group commit busy (bench/measured), so 16 leaves room for
    /// a client's workers without letting one filer open hundreds. 0: no cap.
    /// </summary>
    public int MaxConcurrentBulkStreamsPerCaller { get; set; } = 16;

    /// <summary>Every setting that is out of range, named by its configuration key; empty when all are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (role, limit) in Roles)
        {
            var key = $"{ExchangeOptions.Section}:RateLimits:{role}";
            if (limit.PermitsPerSecond < 0)
            {
                problems.Add($"{key}:PermitsPerSecond must be 0 (no limit) or more.");
            }
            if (limit.PermitsPerSecond > 0 && limit.Burst < 1)
            {
                problems.Add($"{key}:Burst must be at least 1 when PermitsPerSecond is set.");
            }
        }
        if (MaxConcurrentStreamsPerCaller < 0)
        {
            problems.Add($"{ExchangeOptions.Section}:RateLimits:MaxConcurrentStreamsPerCaller must be 0 (no cap) or more.");
        }
        if (MaxConcurrentBulkStreamsPerCaller < 0)
        {
            problems.Add($"{ExchangeOptions.Section}:RateLimits:MaxConcurrentBulkStreamsPerCaller must be 0 (no cap) or more.");
        }
        return problems;
    }

    private IEnumerable<(string Role, CallerRateLimit Limit)> Roles =>
        [(nameof(Filers), Filers), (nameof(Officers), Officers), (nameof(Agencies), Agencies), (nameof(Partners), Partners), (nameof(Anonymous), Anonymous)];
}

/// <summary>A token bucket: refilled at <see cref="PermitsPerSecond"/>, holding at most <see cref="Burst"/> calls.</summary>
public sealed class CallerRateLimit
{
    /// <summary>Sustained calls (and streamed messages) per second per caller; 0: no limit for this role.</summary>
    public int PermitsPerSecond { get; set; }

    /// <summary>Calls (and streamed messages) a caller may make at once after being idle (the bucket's size).</summary>
    public int Burst { get; set; }
}

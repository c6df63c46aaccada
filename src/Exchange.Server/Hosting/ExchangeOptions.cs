namespace Exchange.Server.Hosting;

/// <summary>The node's settings, bound from the "Exchange" section (appsettings.json, environment Exchange__*).</summary>
public sealed class ExchangeOptions
{
    public const string Section = "Exchange";

    public AdministrationOptions Administration { get; set; } = new();

    public StoreOptions Store { get; set; } = new();

    public LimitOptions Limits { get; set; } = new();

    public AuthenticationOptions Authentication { get; set; } = new();

    public RedisOptions Redis { get; set; } = new();

    public WatchOptions Watch { get; set; } = new();

    public AssessmentSettings Assessment { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>How the audit trail batches and retries its writes (Exchange:Audit), checked at start-up.</summary>
    public Exchange.Core.Audit.AuditTrailSettings Audit { get; set; } = new();

    public PartnerExchangeOptions PartnerExchange { get; set; } = new();
}

/// <summary>
/// How accepted declarations are assessed and decided, and the administration's own rules: the
/// risk rule set, the tariff profile and the exchange rates (each a JSON file; empty: the
/// embedded defaults). The files are validated at start-up: a node with a wrong file does not start.
/// </summary>
public sealed class AssessmentSettings
{
    /// <summary>Time after acceptance (or amendment) before assessment; the filer's window to correct or cancel. Zero: at once.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Declarations decided per store transaction.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>How often the assessor checks the store for due work it was not woken for.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The oldest copy of the known-shipper and agency registries an assessment uses. Changes
    /// made on this node, or announced by another over Redis, count at the next assessment; this
    /// bounds how late one counts while the announcements are down (no Redis, Redis unreachable).
    /// </summary>
    public TimeSpan ReferenceDataLifetime { get; set; } = Exchange.Core.Enforcement.ReferenceData.DefaultLifetime;

    /// <summary>Path of the risk rules file (see src/Exchange.Core/Risk/default-risk-rules.json).</summary>
    public string RiskRulesFile { get; set; } = "";

    /// <summary>Path of the tariff profile (see src/Exchange.Core/Duties/default-tariff-profile.json).</summary>
    public string TariffProfileFile { get; set; } = "";

    /// <summary>Path of the exchange rates file (see src/Exchange.Core/Monetary/default-exchange-rates.json).</summary>
    public string ExchangeRatesFile { get; set; } = "";

    /// <summary>
    /// A directory of data-set profile files (*.json) that add to the built-in profiles or replace
    /// one of the same id; empty: the built-in profiles only (docs/contract/standards-mapping.md).
    /// </summary>
    public string DataSetProfilesDirectory { get; set; } = "";

    /// <summary>
    /// The data-set profiles every submission and amendment must satisfy, by channel (POSTAL,
    /// EXPRESS, CARGO), e.g. Exchange:Assessment:RequiredProfiles:POSTAL:0=UPU-CN23; a profile is
    /// enforced on the declarations of its channel whose destination it applies to. Empty (the
    /// default): none, so only the contract's rules and the profiles a filer names in
    /// data_set_profiles are enforced. An unknown channel or profile, or a profile listed for a
    /// channel it does not apply to, stops the node at start-up.
    /// </summary>
    public Dictionary<string, List<string>> RequiredProfiles { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>Which administration this node serves.</summary>
public sealed class AdministrationOptions
{
    /// <summary>ISO 3166-1 alpha-2 code of the administration; prefixes the MRNs it issues.</summary>
    public string CountryCode { get; set; } = "NL";
}

/// <summary>Where declarations are recorded.</summary>
public sealed class StoreOptions
{
    /// <summary>"Sqlite" (embedded default, one file under DataDirectory) or "Postgres" (shared by several nodes).</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Directory of the SQLite file (exchange.db), created if missing. Relative paths start at the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>The PostgreSQL connection string when Provider is "Postgres".</summary>
    public string? ConnectionString { get; set; }
}

/// <summary>
/// Redis, the shared fast path of several nodes: cross-node event fan-out and the idempotency
/// cache. Optional: the store stays the system of record, and a node keeps working (slower)
/// while Redis is down.
/// </summary>
public sealed class RedisOptions
{
    /// <summary>
    /// A StackExchange.Redis configuration string, e.g. "redis1:6379,password=...,asyncTimeout=1000".
    /// Empty: no Redis (one node; in-process event signal, no cache).
    /// </summary>
    public string Configuration { get; set; } = "";

    /// <summary>Starts every Redis key and channel name, so deployments (or tests) can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "exchange:";

    /// <summary>How long an idempotent answer stays cached; retries after that are answered by the store.</summary>
    public TimeSpan IdempotencyTtl { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>How event watches are served.</summary>
public sealed class WatchOptions
{
    /// <summary>
    /// How long a watch waits for a wake-up before it reads the store anyway: the delay of an
    /// event raised on another node when there is no Redis (or Redis is down).
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>Limits that protect the node from oversized or endless input.</summary>
public sealed class LimitOptions
{
    /// <summary>Largest accepted request message; bigger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message the node sends.</summary>
    public int MaxSendMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Declarations accepted on one bulk stream before it ends with RESOURCE_EXHAUSTED.</summary>
    public int MaxDeclarationsPerBulkStream { get; set; } = 100_000;

    /// <summary>
    /// Declarations written per store transaction on the bulk stream (group commit); also the most
    /// messages one bulk stream reads ahead while the batch before them is written.
    /// </summary>
    public int BulkBatchSize { get; set; } = 256;

    /// <summary>
    /// Bytes (encoded) all bulk streams of one caller hold at once: requests read ahead or in the
    /// batch being written, and answers not yet written. A stream at the limit stops reading until
    /// its answers are out. 16 MiB: about 64 whole batches of ordinary declarations (1 KB), so it
    /// never slows an honest filer, and 4 of the largest messages a node accepts.
    /// </summary>
    public long BulkBytesPerCaller { get; set; } = 16L * 1024 * 1024;

    /// <summary>
    /// Bytes (encoded) all bulk streams of all callers hold at once; the node's memory budget for
    /// bulk. The heap holds a few times the encoded size (UTF-16 strings, objects), so the
    /// default 64 MiB stays inside a 512 MiB heap (docs/security.md).
    /// </summary>
    public long BulkBytesPerNode { get; set; } = 64L * 1024 * 1024;

    /// <summary>Every bulk-budget setting that is out of range, named by its configuration key; empty when all are valid.</summary>
    public IReadOnlyList<string> BulkBudgetProblems()
    {
        var problems = new List<string>();
        var key = $"{ExchangeOptions.Section}:Limits";
        if (BulkBytesPerCaller < 1)
        {
            problems.Add($"{key}:BulkBytesPerCaller must be positive.");
        }
        if (BulkBytesPerNode < BulkBytesPerCaller)
        {
            problems.Add($"{key}:BulkBytesPerNode must be at least {key}:BulkBytesPerCaller.");
        }
        return problems;
    }
}

/// <summary>How callers are identified.</summary>
public sealed class AuthenticationOptions
{
    public const string DevelopmentMode = "Development";
    public const string CertificateMode = "Certificate";

    /// <summary>
    /// "Certificate" (the default): mutual TLS on every endpoint, the caller is who its client
    /// certificate says (docs/security.md). "Development": the caller names itself in the
    /// x-exchange-filer header and is believed; only for local development and tests, set by
    /// appsettings.Development.json in the Development hosting environment or explicitly.
    /// </summary>
    public string Mode { get; set; } = CertificateMode;

    /// <summary>Lets a Development-mode node listen beyond loopback. Off: such a node refuses to start.</summary>
    public bool AllowDevelopmentModeOffLoopback { get; set; }

    /// <summary>The node's certificate and the authorities it trusts, for Mode "Certificate".</summary>
    public CertificateAuthenticationOptions Certificate { get; set; } = new();
}

/// <summary>Mutual TLS settings (Exchange:Authentication:Certificate).</summary>
public sealed class CertificateAuthenticationOptions
{
    /// <summary>The node's server certificate: a PFX (.pfx/.p12, no password) or a PEM certificate (key in ServerKeyPath).</summary>
    public string ServerCertificatePath { get; set; } = "";

    /// <summary>PEM private key of a PEM ServerCertificatePath; empty: the key is in the certificate file.</summary>
    public string ServerKeyPath { get; set; } = "";

    /// <summary>PEM file of the root authorities whose client certificates the node accepts (only these: not the system store).</summary>
    public string TrustedAuthorityPath { get; set; } = "";

    /// <summary>
    /// Per-role trust anchors, by collection ("filers", "officers", "agencies", "partners"): PEM
    /// files of the only authorities whose certificates may act in that role. A partner
    /// administration's own CA, say, is listed under "partners" so its certificates can call as
    /// partners/BE and as nothing else. Roles not listed use <see cref="TrustedAuthorityPath"/>;
    /// an authority listed for a role is trusted for that role only.
    /// </summary>
    public Dictionary<string, string> RoleAuthorityPaths { get; set; } = new(StringComparer.Ordinal);
}

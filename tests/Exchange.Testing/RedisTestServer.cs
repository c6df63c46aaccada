namespace Exchange.Testing;

/// <summary>
/// The Redis named by EXCHANGE_TEST_REDIS (host:port; ./scripts/test starts a throwaway one and
/// sets it). Tests share that server, so each takes its own key prefix and none sees another's
/// keys or channels. Without the variable, tests must report themselves as skipped with
/// <see cref="SkipReason"/>, never as passed.
/// </summary>
public static class RedisTestServer
{
    public const string Variable = "EXCHANGE_TEST_REDIS";

    private static readonly string? Server = Environment.GetEnvironmentVariable(Variable);

    /// <summary>Why Redis tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => string.IsNullOrWhiteSpace(Server)
        ? $"Redis tests SKIPPED: {Variable} is not set (run ./scripts/test, which starts a throwaway Redis)"
        : null;

    /// <summary>The StackExchange.Redis configuration string of the shared test server.</summary>
    public static string Configuration => SkipReason is { } reason ? throw new InvalidOperationException(reason) : Server!;

    /// <summary>A key (and channel) prefix no other test uses.</summary>
    public static string UniqueKeyPrefix() => $"exchange-test:{Guid.NewGuid():N}:";
}

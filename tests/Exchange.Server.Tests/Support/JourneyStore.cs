using Exchange.Testing;

namespace Exchange.Server.Tests.Support;

/// <summary>
/// The store a journey test runs on: the embedded SQLite store, or a fresh PostgreSQL database
/// dropped at the end (skipped, with its reason, when no PostgreSQL is configured). One journey
/// class per scenario, two one-line subclasses per store, so each store runs every assertion.
/// </summary>
public abstract class JourneyStore : IAsyncDisposable
{
    /// <summary>Why the journey cannot run on this store here; null when it can.</summary>
    public abstract string? SkipReason { get; }

    /// <summary>The node settings that select the store (creating its database first when needed).</summary>
    public abstract Task<IDictionary<string, string?>> SettingsAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    /// <summary>The embedded SQLite store, the node's default.</summary>
    public static JourneyStore Embedded() => new EmbeddedStore();

    /// <summary>A fresh PostgreSQL database.</summary>
    public static JourneyStore Postgres() => new PostgresStore();

    private sealed class EmbeddedStore : JourneyStore
    {
        public override string? SkipReason => null;

        public override Task<IDictionary<string, string?>> SettingsAsync() =>
            Task.FromResult<IDictionary<string, string?>>(new Dictionary<string, string?>());
    }

    private sealed class PostgresStore : JourneyStore
    {
        private PostgresTestDatabase? _database;

        public override string? SkipReason => PostgresTestDatabase.SkipReason;

        public override async Task<IDictionary<string, string?>> SettingsAsync()
        {
            _database = await PostgresTestDatabase.CreateAsync();
            return new Dictionary<string, string?>
            {
                ["Exchange:Store:Provider"] = "Postgres",
                ["Exchange:Store:ConnectionString"] = _database.ConnectionString,
            };
        }

        public override async ValueTask DisposeAsync()
        {
            if (_database is not null)
            {
                await _database.DisposeAsync();
            }
            await base.DisposeAsync();
        }
    }
}

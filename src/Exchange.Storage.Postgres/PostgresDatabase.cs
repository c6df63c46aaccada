using System.Data;
using System.Data.Common;
using Exchange.Storage.Schema;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The scale-out store: one PostgreSQL database shared by several stateless server nodes.
///
/// Every write is one READ COMMITTED transaction (named, not left to the server default: under
/// REPEATABLE READ a statement would not see what a racing writer committed after the
/// transaction began, and the re-checks after a lost race depend on seeing it). A declaration
/// write takes no per-filer lock: its events are positioned by its transaction id
/// (<see cref="PostgresDialect.TransactionIdQuery"/>, see DeclarationRepository), and only the
/// rows it writes are locked, so writers of one filer run side by side; only notice recipients'
/// counters are still locked first. The statements of a write are sent in batches, one round trip each.
/// </summary>
public sealed class PostgresDatabase : StoreDatabase
{
    /// <summary>
    /// Key of the transaction-level advisory lock that serializes migrations between nodes
    /// ("EXCHDECL" in ASCII, unlikely to collide with another application's key). Without it, two
    /// nodes starting at once can both run CREATE TABLE IF NOT EXISTS and one fails on the catalog's
    /// unique index, or both apply the same migration.
    /// </summary>
    private const long MigrationLockKey = 0x4558_4348_4445_434C;

    /// <summary>How often a write aborted by deadlock detection or a lost idempotency race is tried in all.</summary>
    private const int WriteAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;

    /// <summary>Where the database is, for an operator (server and database, never the password).</summary>
    private readonly string _target;

    /// <summary>
    /// The database named by <paramref name="connectionString"/>; nothing is opened until OpenAsync.
    /// Tests and tools open its stores with <c>ExchangeStores.OpenAsync(new PostgresDatabase(connectionString))</c>;
    /// a node registers <see cref="PostgresServiceCollectionExtensions.AddExchangePostgres"/>.
    /// </summary>
    public PostgresDatabase(string connectionString)
        : base(PostgresDialect.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Acknowledged means durable: commits wait for the WAL flush whatever the server's default.
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        settings.Options = $"{settings.Options} -c synchronous_commit=on".Trim();
        // Npgsql's builder knows every keyword, so ask the plain one what the string itself says.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            // The same few statements run for every declaration: prepared once per connection,
            // PostgreSQL stops parsing and planning each of them again (that was the largest
            // share of its CPU under bulk load). A connection string can set its own, 0 included
            // (for a pooler in transaction mode, which cannot keep prepared statements).
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }
        _dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        _target = $"{settings.Host}:{settings.Port}, database {settings.Database ?? settings.Username}";
    }

    /// <summary>
    /// Brings the schema to <paramref name="schemaVersion"/> in one transaction holding the
    /// migration advisory lock: concurrent nodes queue on the lock, and the later ones find the
    /// work done. Safe to call from several nodes at once.
    /// </summary>
    public override async Task OpenAsync(int schemaVersion, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAtStartAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.Add(new NpgsqlParameter<long>("key", MigrationLockKey));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await SchemaMigrator.MigrateAsync(connection, transaction, Dialect, schemaVersion, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The first connection: a server that does not answer, or refuses the credentials or the
    /// database, is a <see cref="StoreUnreachableException"/> naming where and what to fix.
    /// </summary>
    private async Task<NpgsqlConnection> ConnectAtStartAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _dataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (NpgsqlException error) when (!cancellationToken.IsCancellationRequested && IsUnreachable(error))
        {
            var reason = error is PostgresException refusal ? refusal.MessageText : (error.InnerException ?? error).Message;
            throw new StoreUnreachableException(
                $"The PostgreSQL store at {_target} cannot be reached: {reason}. Start PostgreSQL there, or fix "
                + "Exchange:Store:ConnectionString (environment variable Exchange__Store__ConnectionString), "
                + "or use the built-in SQLite store with Exchange:Store:Provider=Sqlite.", error);
        }
    }

    private static bool IsUnreachable(NpgsqlException error) => error switch
    {
        // A server answered and said no: SQLSTATE class 28 (invalid authorization), 3D000 (no such database).
        PostgresException refusal => refusal.SqlState.StartsWith("28", StringComparison.Ordinal)
            || refusal.SqlState == PostgresErrorCodes.InvalidCatalogName,
        // No server answered: connection refused, timed out, TLS failed.
        _ => true,
    };

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken);

    public override async Task<T> WriteAsync<T>(
        Func<WriteTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
                var (result, commit) = await work(new Transaction(connection, transaction), cancellationToken);
                if (commit)
                {
                    await transaction.CommitAsync(CancellationToken.None);
                }
                return result;
            }
            catch (PostgresException error) when (IsWorthRetrying(error) && attempt < WriteAttempts)
            {
                // Nothing of this transaction was written, so run it again: see IsWorthRetrying.
            }
        }
    }

    /// <summary>
    /// A deadlock: PostgreSQL rolled the transaction back to break a lock cycle (two writers
    /// updating the same declarations or consignee counters in opposite orders). A unique
    /// violation: a racing transaction recorded the same request id first (the idempotency
    /// record's primary key); run again, the write finds that record and answers from it. Ids the
    /// core assigns never collide, and the declaration and outbox inserts report a taken id
    /// without failing, so a unique violation means such a race.
    /// </summary>
    private static bool IsWorthRetrying(PostgresException error) =>
        error.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.UniqueViolation;

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>The statements of one write: each call one round trip.</summary>
    private sealed class Transaction(NpgsqlConnection connection, NpgsqlTransaction transaction) : WriteTransaction
    {
        public override async Task<DbDataReader> ReadAsync(Statement statement, CancellationToken cancellationToken)
        {
            var command = new NpgsqlCommand(statement.Sql, connection, transaction);
            command.Parameters.AddRange(statement.Parameters.ToArray());
            return await command.ExecuteReaderAsync(cancellationToken);
        }

        public override async Task ExecuteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
        {
            if (statements.Count == 0)
            {
                return;
            }
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var statement in statements)
            {
                var command = new NpgsqlBatchCommand(statement.Sql);
                command.Parameters.AddRange(statement.Parameters.ToArray());
                batch.BatchCommands.Add(command);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < statements.Count; i++)
            {
                statements[i].RecordsAffected = batch.BatchCommands[i].RecordsAffected;
            }
        }
    }
}

using System.Data.Common;
using System.Globalization;
using Exchange.Storage.Schema;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file, for a single node.
///
/// SQLite runs one writer at a time, so every write goes through one dedicated connection behind
/// a semaphore, inside BEGIN IMMEDIATE (which also takes the file's write lock up front, so
/// another process on the same file waits instead of failing half-way). With the writer
/// serialized, event sequence order is commit order and the idempotency check cannot race.
/// Reads use pooled connections and run concurrently with the writer thanks to WAL.
///
/// Durability: WAL with synchronous=FULL flushes the log on every commit, so an acknowledged
/// write survives a power loss, not only a process crash.
/// </summary>
public sealed class SqliteDatabase : StoreDatabase
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _writerStatements = new(StringComparer.Ordinal);
    private SqliteConnection? _writer;
    private WriterStatements? _writes;
    private bool _disposed;

    /// <summary>
    /// The database file at <paramref name="databasePath"/>; nothing is opened until OpenAsync.
    /// Tests and tools open its stores with <c>ExchangeStores.OpenAsync(new SqliteDatabase(path))</c>;
    /// a node registers <see cref="SqliteServiceCollectionExtensions.AddExchangeSqlite"/>.
    /// </summary>
    public SqliteDatabase(string databasePath)
        : base(SqliteDialect.Instance)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        _path = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();
    }

    /// <summary>Opens (creating if needed, directory included) the file and brings its schema to <paramref name="schemaVersion"/>.</summary>
    public override async Task OpenAsync(int schemaVersion, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            throw new InvalidOperationException($"The SQLite database {_path} is already open.");
        }
        var directory = Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
        var writer = new SqliteConnection(_connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            // journal_mode is stored in the file; synchronous and busy_timeout belong to the
            // connection, and this connection does every write. busy_timeout comes first because
            // switching to WAL needs a lock another process may hold.
            await ScalarAsync(writer, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}", cancellationToken);
            var journalMode = await ScalarAsync(writer, "PRAGMA journal_mode = WAL", cancellationToken);
            if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for {_path} (got '{journalMode}').");
            }
            await ScalarAsync(writer, "PRAGMA synchronous = FULL", cancellationToken);
            // BEGIN IMMEDIATE takes the write lock first, so processes opening the same file at
            // once apply each migration exactly once.
            using (var transaction = writer.BeginTransaction(deferred: false))
            {
                await SchemaMigrator.MigrateAsync(writer, transaction, Dialect, schemaVersion, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
            _writer = writer;
            _writes = new WriterStatements(writer);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    public override async Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Pooled: opening is cheap after the first time. A reader never waits on the writer in
        // WAL mode; Microsoft.Data.Sqlite retries the rare SQLITE_BUSY (e.g. during a
        // checkpoint) until the command timeout.
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public override async Task<T> WriteAsync<T>(
        Func<WriteTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer ?? throw new InvalidOperationException($"The SQLite database {_path} is not open yet.");
            // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, so the idempotency
            // and revision checks see the last committed state of every process.
            await using var transaction = writer.BeginTransaction(deferred: false);
            var (result, commit) = await work(new Transaction(this, transaction), cancellationToken);
            if (commit)
            {
                await transaction.CommitAsync(CancellationToken.None);
            }
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        // Wait for a write in flight to finish rather than closing the connection under it.
        await _writeGate.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var statement in _writerStatements.Values)
            {
                await statement.DisposeAsync();
            }
            _writes?.Dispose();
            if (_writer is not null)
            {
                await _writer.DisposeAsync();
            }
            // Pooled reader connections keep the file open; release them with the store.
            using var pooled = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(pooled);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// A statement on the writer connection, prepared once and reused: SQLite otherwise parses
    /// and plans the same SQL again for every row, which dominated bulk ingest. Only one write
    /// runs at a time (the write gate), so one cached command per SQL text is safe. Callers do
    /// not dispose it; the database does, with the connection.
    /// </summary>
    private SqliteCommand Command(SqliteTransaction transaction, Statement statement)
    {
        if (!_writerStatements.TryGetValue(statement.Sql, out var command))
        {
            command = _writer!.CreateCommand();
            command.CommandText = statement.Sql;
            _writerStatements.Add(statement.Sql, command);
        }
        command.Parameters.Clear();
        foreach (var parameter in statement.Parameters)
        {
            command.Parameters.Add(parameter);
        }
        command.Transaction = transaction;
        return command;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// The statements of one write, run one by one on the writer's compiled statements
    /// (<see cref="WriterStatements"/>; queries and the rare statement it cannot bind on prepared commands).
    /// </summary>
    private sealed class Transaction(SqliteDatabase database, SqliteTransaction transaction) : WriteTransaction
    {
        public override async Task<DbDataReader> ReadAsync(Statement statement, CancellationToken cancellationToken) =>
            await database.Command(transaction, statement).ExecuteReaderAsync(cancellationToken);

        public override async Task ExecuteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken)
        {
            foreach (var statement in statements)
            {
                // SQLite runs a statement synchronously whichever way it is called; the check
                // between statements is what cancellation could interrupt before, too.
                cancellationToken.ThrowIfCancellationRequested();
                if (!database._writes!.TryExecute(statement))
                {
                    statement.RecordsAffected = await database.Command(transaction, statement).ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }
    }
}

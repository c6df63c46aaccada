using System.Data.Common;
using Exchange.Storage.Schema;

namespace Exchange.Storage;

/// <summary>
/// One database of the node, as a provider reaches it: readers on pooled connections, and write
/// transactions under the provider's own locking (SQLite: one writer connection, BEGIN
/// IMMEDIATE; PostgreSQL: READ COMMITTED with row locks on counters, retried on deadlock). The
/// repositories run every statement through it. Opened and migrated once, by
/// <see cref="OpenAsync(CancellationToken)"/> (the node's start-up step, <see cref="StoreStartup"/>), before the
/// first read or write.
/// </summary>
public abstract class StoreDatabase(SqlDialect dialect) : IAsyncDisposable
{
    public SqlDialect Dialect { get; } = dialect;

    /// <summary>Connects, creating the database where that is the provider's job, and brings the schema up to date.</summary>
    public Task OpenAsync(CancellationToken cancellationToken) => OpenAsync(SchemaMigrations.LatestVersion, cancellationToken);

    /// <summary>
    /// Connects and brings the schema to <paramref name="schemaVersion"/>; a version below the
    /// latest is how tests make a database as an earlier release left it.
    /// </summary>
    public abstract Task OpenAsync(int schemaVersion, CancellationToken cancellationToken);

    /// <summary>An open connection for reads; the caller disposes it.</summary>
    public abstract Task<DbConnection> OpenReaderAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction. It returns its result and whether it
    /// wrote anything: only then is the transaction committed, otherwise it is rolled back (a
    /// replay or a conflict changes nothing). The commit is not cancellable: once it starts, the
    /// caller must learn its outcome, and "threw" has to mean "changed nothing".
    /// </summary>
    public abstract Task<T> WriteAsync<T>(
        Func<WriteTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>A statement in this database's dialect.</summary>
    public Statement Statement(string sql) => new(Dialect, sql);

    /// <summary>Runs a query on a reader connection and maps each row.</summary>
    public async Task<List<T>> QueryAsync<T>(Statement statement, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = statement.CreateCommand(connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(map(reader));
        }
        return rows;
    }

    /// <summary>Runs a query on a reader connection; the first column of its first row, or null.</summary>
    public async Task<object?> ScalarAsync(Statement statement, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = statement.CreateCommand(connection);
        return await command.ExecuteScalarAsync(cancellationToken);
    }
}

/// <summary>The statements of one write transaction (see <see cref="StoreDatabase.WriteAsync"/>).</summary>
public abstract class WriteTransaction
{
    /// <summary>Runs a query inside the transaction; the caller disposes the reader before the next statement.</summary>
    public abstract Task<DbDataReader> ReadAsync(Statement statement, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="statements"/> in order, each seeing the ones before, and sets each one's
    /// <see cref="Statement.RecordsAffected"/> (PostgreSQL sends them in one round trip).
    /// </summary>
    public abstract Task ExecuteAsync(IReadOnlyList<Statement> statements, CancellationToken cancellationToken);

    /// <summary>Runs one statement; the rows it changed.</summary>
    public async Task<int> ExecuteAsync(Statement statement, CancellationToken cancellationToken)
    {
        await ExecuteAsync([statement], cancellationToken);
        return statement.RecordsAffected;
    }
}

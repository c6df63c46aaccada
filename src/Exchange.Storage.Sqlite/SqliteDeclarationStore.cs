using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Protobuf;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The embedded default store: one SQLite file, for a single node.
///
/// SQLite runs one writer at a time, so every write of this store goes through one dedicated
/// connection behind a semaphore, inside BEGIN IMMEDIATE (which also takes the file's write lock
/// up front, so another process on the same file waits instead of failing half-way). With the
/// writer serialized, event sequence order is commit order and the idempotency check cannot race.
/// Reads use pooled connections and run concurrently with the writer thanks to WAL.
///
/// Durability: WAL with synchronous=FULL flushes the log on every commit, so an acknowledged
/// write survives a power loss, not only a process crash.
/// </summary>
public sealed class SqliteDeclarationStore : IDeclarationStore, IAsyncDisposable
{
    private const int BusyTimeoutMilliseconds = 30_000;

    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly Dictionary<string, SqliteCommand> _writerStatements = new(StringComparer.Ordinal);
    private bool _disposed;

    private SqliteDeclarationStore(string connectionString, SqliteConnection writer)
    {
        _connectionString = connectionString;
        _writer = writer;
    }

    /// <summary>
    /// Opens (creating if needed, directory included) the database file at
    /// <paramref name="databasePath"/> and brings its schema up to date.
    /// </summary>
    public static async Task<SqliteDeclarationStore> OpenAsync(string databasePath, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        var fullPath = Path.GetFullPath(databasePath);
        var directory = Path.GetDirectoryName(fullPath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = fullPath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
        }.ToString();

        var writer = new SqliteConnection(connectionString);
        try
        {
            await writer.OpenAsync(ct);
            // journal_mode is stored in the file; synchronous and busy_timeout belong to the
            // connection, and this connection does every write. busy_timeout comes first because
            // switching to WAL needs a lock another process may hold.
            await ScalarAsync(writer, $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}", ct);
            var journalMode = await ScalarAsync(writer, "PRAGMA journal_mode = WAL", ct);
            if (!string.Equals(journalMode as string, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for {fullPath} (got '{journalMode}').");
            }
            await ScalarAsync(writer, "PRAGMA synchronous = FULL", ct);
            await SqliteSchema.MigrateAsync(writer, ct);
            return new SqliteDeclarationStore(connectionString, writer);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }
    }

    public async Task<WriteOutcome> InsertAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var outcomes = await InsertManyAsync([write], cancellationToken);
        return outcomes[0];
    }

    public Task<IReadOnlyList<WriteOutcome>> InsertManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var indexes = writes.Select(DeclarationIndex.ForWrite).ToArray();
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (transaction, ct) =>
        {
            var outcomes = new WriteOutcome[writes.Count];
            var written = false;
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                // Looking up inside the transaction also finds an earlier item of this batch.
                if (await AnswerFromIdempotencyAsync(transaction, write, ct) is { } answer)
                {
                    outcomes[i] = answer;
                    continue;
                }
                if (!await InsertDeclarationAsync(transaction, write, indexes[i], ct))
                {
                    // Ids are assigned by the core, so a taken one is a bug upstream; throwing
                    // rolls the whole batch back.
                    throw new InvalidOperationException($"Declaration {write.Key.Name} already exists.");
                }
                outcomes[i] = await AppendEventAndRecordAsync(transaction, write, ct);
                written = true;
            }
            return (outcomes, written);
        }, cancellationToken);
    }

    public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var index = DeclarationIndex.ForWrite(write);
        return WriteAsync(async (transaction, ct) =>
        {
            // The idempotency check comes first: a retry of an update that succeeded must be
            // answered as before, not as a revision conflict.
            if (await AnswerFromIdempotencyAsync(transaction, write, ct) is { } answer)
            {
                return (answer, false);
            }

            var update = Command(transaction, """
                UPDATE declarations SET
                    status = @status, revision = @revision, create_time = @create_time, update_time = @update_time,
                    local_reference_number = @local_reference_number,
                    unique_consignment_reference = @unique_consignment_reference,
                    item_identifier = @item_identifier, house_waybill = @house_waybill,
                    master_waybill = @master_waybill, customs_reference = @customs_reference,
                    declaration = @declaration
                WHERE filer_id = @filer_id AND declaration_id = @declaration_id AND revision = @expected_revision
                """);
            AddDeclarationParameters(update, write, index);
            update.Parameters.AddWithValue("@expected_revision", write.ExpectedRevision);
            if (await update.ExecuteNonQueryAsync(ct) == 0)
            {
                var exists = Command(transaction,
                    "SELECT 1 FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
                exists.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
                exists.Parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
                var kind = await exists.ExecuteScalarAsync(ct) is null ? WriteOutcomeKind.NotFound : WriteOutcomeKind.RevisionConflict;
                return (WriteOutcome.Of(kind), false);
            }
            return (await AppendEventAndRecordAsync(transaction, write, ct), true);
        }, cancellationToken);
    }

    public async Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT declaration FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
        command.Parameters.AddWithValue("@filer_id", key.FilerId);
        command.Parameters.AddWithValue("@declaration_id", key.DeclarationId);
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes ? Declaration.Parser.ParseFrom(bytes) : null;
    }

    public async Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();

        // Only the filters given become SQL, so each query shape can use its index.
        var sql = new StringBuilder("SELECT declaration FROM ");
        command.Parameters.AddWithValue("@filer_id", query.FilerId);
        if (!string.IsNullOrEmpty(query.Reference))
        {
            // The rows matching the reference (one index search per reference column) drive the
            // query; CROSS JOIN fixes that join order. Left to itself, SQLite without statistics
            // walks the whole filer in list order and tests each row, because an OR across
            // columns looks no more selective to it than the ordered scan. An empty reference
            // would match every declaration lacking one of the columns, so it means "no filter".
            sql.Append("""
                (SELECT rowid AS match_rowid FROM declarations WHERE filer_id = @filer_id AND local_reference_number = @reference
                 UNION SELECT rowid FROM declarations WHERE filer_id = @filer_id AND unique_consignment_reference = @reference
                 UNION SELECT rowid FROM declarations WHERE filer_id = @filer_id AND item_identifier = @reference
                 UNION SELECT rowid FROM declarations WHERE filer_id = @filer_id AND house_waybill = @reference
                 UNION SELECT rowid FROM declarations WHERE filer_id = @filer_id AND master_waybill = @reference
                 UNION SELECT rowid FROM declarations WHERE filer_id = @filer_id AND customs_reference = @reference) AS matches
                CROSS JOIN declarations ON declarations.rowid = matches.match_rowid
                """);
            command.Parameters.AddWithValue("@reference", query.Reference);
        }
        else
        {
            sql.Append("declarations");
        }
        sql.Append(" WHERE declarations.filer_id = @filer_id");
        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.Parameters.AddWithValue("@status", (int)status);
        }
        if (query.CreatedAtOrAfter is { } from)
        {
            sql.Append(" AND create_time >= @created_from");
            command.Parameters.AddWithValue("@created_from", DeclarationIndex.CeilingUnixMicroseconds(from));
        }
        if (query.CreatedBefore is { } before)
        {
            sql.Append(" AND create_time < @created_before");
            command.Parameters.AddWithValue("@created_before", DeclarationIndex.CeilingUnixMicroseconds(before));
        }
        if (query.After is { } after)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (create_time, declaration_id) < (@after_time, @after_id)");
            command.Parameters.AddWithValue("@after_time", afterTime);
            command.Parameters.AddWithValue("@after_id", afterId);
        }
        sql.Append(" ORDER BY create_time DESC, declaration_id DESC LIMIT @limit");
        command.Parameters.AddWithValue("@limit", query.Limit);
        command.CommandText = sql.ToString();

        var declarations = new List<Declaration>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            declarations.Add(Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        }
        return declarations;
    }

    public async Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        ArgumentNullException.ThrowIfNull(requestId);
        await using var connection = await OpenReaderAsync(cancellationToken);
        return await FindIdempotencyRecordAsync(connection, null, filerId, requestId, cancellationToken);
    }

    public async Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, long afterSequence, int limit, string? declarationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, declarationId is null
            ? "SELECT seq, event FROM declaration_events WHERE filer_id = @filer_id AND seq > @after ORDER BY seq LIMIT @limit"
            : "SELECT seq, event FROM declaration_events WHERE filer_id = @filer_id AND declaration_id = @declaration_id AND seq > @after ORDER BY seq LIMIT @limit");
        command.Parameters.AddWithValue("@filer_id", filerId);
        command.Parameters.AddWithValue("@after", afterSequence);
        command.Parameters.AddWithValue("@limit", limit);
        if (declarationId is not null)
        {
            command.Parameters.AddWithValue("@declaration_id", declarationId);
        }

        var events = new List<DeclarationEvent>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var stored = DeclarationEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1));
            stored.Cursor = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
            events.Add(stored);
        }
        return events;
    }

    public async Task<long> GetLastEventSequenceAsync(string filerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, "SELECT last_seq FROM filer_event_sequences WHERE filer_id = @filer_id");
        command.Parameters.AddWithValue("@filer_id", filerId);
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    public async ValueTask DisposeAsync()
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
            await _writer.DisposeAsync();
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
    /// Runs <paramref name="work"/> in one write transaction on the writer connection. It returns
    /// its result and whether it wrote anything: only then is the transaction committed, otherwise
    /// it is rolled back (a replay or a conflict changes nothing).
    /// </summary>
    private async Task<T> WriteAsync<T>(
        Func<SqliteTransaction, CancellationToken, Task<(T Result, bool Commit)>> work, CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, so the idempotency
            // and revision checks below see the last committed state of every process.
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var (result, commit) = await work(transaction, cancellationToken);
            if (commit)
            {
                // Not cancellable: once the commit starts, the caller must learn its outcome, and
                // "threw" has to mean "changed nothing".
                await transaction.CommitAsync(CancellationToken.None);
            }
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<WriteOutcome?> AnswerFromIdempotencyAsync(SqliteTransaction transaction, DeclarationWrite write, CancellationToken ct)
    {
        if (write.RequestId is null)
        {
            return null;
        }
        var lookup = Command(transaction, IdempotencyLookupSql);
        var record = await ReadIdempotencyRecordAsync(lookup, write.Key.FilerId, write.RequestId, ct);
        return record?.AnswerTo(write.RequestHash);
    }

    private static async Task<IdempotencyRecord?> FindIdempotencyRecordAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string filerId, string requestId, CancellationToken ct)
    {
        await using var command = Command(connection, IdempotencyLookupSql);
        command.Transaction = transaction;
        return await ReadIdempotencyRecordAsync(command, filerId, requestId, ct);
    }

    private const string IdempotencyLookupSql =
        "SELECT request_hash, response FROM idempotency_records WHERE filer_id = @filer_id AND request_id = @request_id";

    private static async Task<IdempotencyRecord?> ReadIdempotencyRecordAsync(
        SqliteCommand command, string filerId, string requestId, CancellationToken ct)
    {
        command.Parameters.AddWithValue("@filer_id", filerId);
        command.Parameters.AddWithValue("@request_id", requestId);
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }
        return new IdempotencyRecord(
            requestId, reader.GetFieldValue<byte[]>(0), Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)));
    }

    /// <summary>Inserts the declaration row; false when the key is already taken.</summary>
    private async Task<bool> InsertDeclarationAsync(SqliteTransaction transaction, DeclarationWrite write, DeclarationIndex index, CancellationToken ct)
    {
        var insert = Command(transaction, """
            INSERT INTO declarations (
                filer_id, declaration_id, status, revision, create_time, update_time,
                local_reference_number, unique_consignment_reference, item_identifier,
                house_waybill, master_waybill, customs_reference, declaration)
            VALUES (
                @filer_id, @declaration_id, @status, @revision, @create_time, @update_time,
                @local_reference_number, @unique_consignment_reference, @item_identifier,
                @house_waybill, @master_waybill, @customs_reference, @declaration)
            ON CONFLICT (filer_id, declaration_id) DO NOTHING
            """);
        AddDeclarationParameters(insert, write, index);
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// Appends the write's event under the filer's next sequence number and, when the request
    /// carried one, records the idempotency answer (the declaration as written).
    /// </summary>
    private async Task<WriteOutcome> AppendEventAndRecordAsync(SqliteTransaction transaction, DeclarationWrite write, CancellationToken ct)
    {
        var next = Command(transaction, """
            INSERT INTO filer_event_sequences (filer_id, last_seq) VALUES (@filer_id, 1)
            ON CONFLICT (filer_id) DO UPDATE SET last_seq = last_seq + 1
            RETURNING last_seq
            """);
        next.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
        var sequence = (long)(await next.ExecuteScalarAsync(ct))!;

        // The stored event carries no cursor: the cursor is the row's sequence, set on reading.
        var appended = write.Event.Clone();
        appended.Cursor = "";
        var insertEvent = Command(transaction, """
            INSERT INTO declaration_events (filer_id, seq, declaration_id, event)
            VALUES (@filer_id, @seq, @declaration_id, @event)
            """);
        insertEvent.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
        insertEvent.Parameters.AddWithValue("@seq", sequence);
        insertEvent.Parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
        insertEvent.Parameters.AddWithValue("@event", appended.ToByteArray());
        await insertEvent.ExecuteNonQueryAsync(ct);

        if (write.RequestId is not null)
        {
            var record = Command(transaction, """
                INSERT INTO idempotency_records (filer_id, request_id, request_hash, response)
                VALUES (@filer_id, @request_id, @request_hash, @response)
                """);
            record.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
            record.Parameters.AddWithValue("@request_id", write.RequestId);
            record.Parameters.AddWithValue("@request_hash", write.RequestHash!);
            record.Parameters.AddWithValue("@response", write.Declaration.ToByteArray());
            await record.ExecuteNonQueryAsync(ct);
        }

        appended.Cursor = sequence.ToString(CultureInfo.InvariantCulture);
        return new WriteOutcome(WriteOutcomeKind.Written, write.Declaration, appended);
    }

    private static void AddDeclarationParameters(SqliteCommand command, DeclarationWrite write, DeclarationIndex index)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@filer_id", write.Key.FilerId);
        parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
        parameters.AddWithValue("@status", index.Status);
        parameters.AddWithValue("@revision", index.Revision);
        parameters.AddWithValue("@create_time", index.CreateTime);
        parameters.AddWithValue("@update_time", index.UpdateTime);
        parameters.AddWithValue("@local_reference_number", index.LocalReferenceNumber);
        parameters.AddWithValue("@unique_consignment_reference", index.UniqueConsignmentReference);
        parameters.AddWithValue("@item_identifier", index.ItemIdentifier);
        parameters.AddWithValue("@house_waybill", index.HouseWaybill);
        parameters.AddWithValue("@master_waybill", index.MasterWaybill);
        parameters.AddWithValue("@customs_reference", index.CustomsReference);
        parameters.AddWithValue("@declaration", write.Declaration.ToByteArray());
    }

    private async Task<SqliteConnection> OpenReaderAsync(CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Pooled: opening is cheap after the first time. A reader never waits on the writer in
        // WAL mode; Microsoft.Data.Sqlite retries the rare SQLITE_BUSY (e.g. during a
        // checkpoint) until the command timeout.
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A statement on the writer connection, prepared once and reused: SQLite otherwise parses
    /// and plans the same SQL again for every row, which dominated bulk ingest. Only one write
    /// runs at a time (the write gate), so one cached command per SQL text is safe. Callers do
    /// not dispose it; the store does, with the connection.
    /// </summary>
    private SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        if (!_writerStatements.TryGetValue(sql, out var command))
        {
            command = Command(_writer, sql);
            _writerStatements.Add(sql, command);
        }
        command.Parameters.Clear();
        command.Transaction = transaction;
        return command;
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        return command;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = Command(connection, sql);
        return await command.ExecuteScalarAsync(ct);
    }
}

using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
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
///
/// The registries (<see cref="IRegistryStore"/>) live in the same file and share the writer. The
/// report's measures (<see cref="IReportStore"/>), the outbox entries to partner administrations
/// (<see cref="IOutboxStore"/>) and the notices to other parties (<see cref="INoticeStore"/>) are
/// written with each declaration write, in its transaction (SqliteDeclarationStore.Reporting.cs,
/// SqliteDeclarationStore.Outbox.cs, SqliteDeclarationStore.Notices.cs); the audit log
/// (<see cref="IAuditStore"/>, SqliteDeclarationStore.Audit.cs) shares the writer too.
/// </summary>
public sealed partial class SqliteDeclarationStore
    : IDeclarationStore, IRegistryStore, IReportStore, IOutboxStore, INoticeStore, IAuditStore, IAsyncDisposable
{
    /// <summary>Keys per IN list of the consignee look-up: far below SQLite's limit of 32,766 parameters.</summary>
    private const int ConsigneeKeysPerQuery = 100;

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
        var facts = writes.Select(StoredFacts.ForInsert).ToArray();
        var measures = writes.Select(write => DeclarationMeasures.ForWrite(write, previous: null)).ToArray();
        var outbox = writes.Select(OutboxOf).ToArray();
        var notices = writes.Select(PartyNotice.Of).ToArray();
        var serialized = writes.Select(SerializedWrite.Of).ToArray();
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (transaction, ct) =>
        {
            var outcomes = new WriteOutcome[writes.Count];
            var written = false;
            var batch = new BatchState(this, transaction);
            await batch.LoadAnswersAsync(writes, ct);
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (batch.AnswerTo(write) is { } answer)
                {
                    outcomes[i] = answer;
                    continue;
                }
                if (!await InsertDeclarationAsync(transaction, write, indexes[i], facts[i], serialized[i], ct))
                {
                    // Ids are assigned by the core, so a taken one is a bug upstream; throwing
                    // rolls the whole batch back.
                    throw new InvalidOperationException($"Declaration {write.Key.Name} already exists.");
                }
                await AddAgencyFlagsAsync(transaction, write, indexes[i], ct);
                await WriteMeasuresAsync(transaction, write.Key, measures[i], ct);
                outcomes[i] = await AppendEventAndRecordAsync(transaction, batch, write, serialized[i], ct);
                await AppendOutboxAsync(transaction, outbox[i], ct);
                await AppendNoticesAsync(transaction, batch, notices[i], ct);
                written = true;
            }
            await batch.SaveSequencesAsync(ct);
            return (outcomes, written);
        }, cancellationToken);
    }

    public async Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var outcomes = await UpdateManyAsync([write], cancellationToken);
        return outcomes[0];
    }

    public Task<IReadOnlyList<WriteOutcome>> UpdateManyAsync(IReadOnlyList<DeclarationWrite> writes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        var indexes = writes.Select(DeclarationIndex.ForWrite).ToArray();
        var facts = writes.Select(StoredFacts.ForUpdate).ToArray();
        var outbox = writes.Select(OutboxOf).ToArray();
        var notices = writes.Select(PartyNotice.Of).ToArray();
        var serialized = writes.Select(SerializedWrite.Of).ToArray();
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (transaction, ct) =>
        {
            var outcomes = new WriteOutcome[writes.Count];
            var written = false;
            var batch = new BatchState(this, transaction);
            await batch.LoadAnswersAsync(writes, ct);
            for (var i = 0; i < writes.Count; i++)
            {
                // Each item sees the items before it: a second update of one declaration expects
                // the revision the first wrote, a repeated request id is answered from the first.
                outcomes[i] = await UpdateDeclarationAsync(
                    transaction, batch, writes[i], indexes[i], facts[i], serialized[i], outbox[i], notices[i], ct);
                written |= outcomes[i].Kind == WriteOutcomeKind.Written;
            }
            await batch.SaveSequencesAsync(ct);
            return (outcomes, written);
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
        return await ReadDeclarationsAsync(command, cancellationToken);
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

    public async Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(
        DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, $"""
            SELECT declaration FROM declarations
            WHERE status = {(int)DeclarationStatus.Accepted} AND update_time <= @updated_at_or_before
            ORDER BY update_time LIMIT @limit
            """);
        command.Parameters.AddWithValue("@updated_at_or_before", FloorUnixMicroseconds(updatedAtOrBefore));
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT assessment FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
        command.Parameters.AddWithValue("@filer_id", key.FilerId);
        command.Parameters.AddWithValue("@declaration_id", key.DeclarationId);
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes ? RiskAssessment.Parser.ParseFrom(bytes) : null;
    }

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        ListOldestFirstAsync(filerId is null ? "status = @status" : "status = @status AND filer_id = @filer_id", parameters =>
        {
            parameters.AddWithValue("@status", (int)status);
            if (filerId is not null)
            {
                parameters.AddWithValue("@filer_id", filerId);
            }
        }, after, limit, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(masterDocument);
        // "<> ''" repeats the partial index's condition, so the planner may use it.
        return ListOldestFirstAsync("master_waybill = @document AND master_waybill <> ''",
            parameters => parameters.AddWithValue("@document", masterDocument), after, limit, cancellationToken);
    }

    /// <summary>Declarations matching <paramref name="where"/>, oldest first (create time, then id), strictly after <paramref name="after"/>.</summary>
    private async Task<IReadOnlyList<Declaration>> ListOldestFirstAsync(
        string where, Action<SqliteParameterCollection> bind, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder("SELECT declaration FROM declarations WHERE ").Append(where);
        bind(command.Parameters);
        if (after is not null)
        {
            sql.Append(AscendingAfter(after, command.Parameters));
        }
        sql.Append(" ORDER BY create_time, declaration_id LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Declaration>> ListFlaggedAsync(
        string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // CROSS JOIN fixes the join order: the agency's flags, in list order, drive the query.
        var sql = new StringBuilder("""
            SELECT declarations.declaration FROM declaration_agency_flags AS flags
            CROSS JOIN declarations
                ON declarations.filer_id = flags.filer_id AND declarations.declaration_id = flags.declaration_id
            WHERE flags.agency_id = @agency_id
            """);
        command.Parameters.AddWithValue("@agency_id", agencyId);
        if (after is not null)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (flags.create_time, flags.declaration_id) < (@after_time, @after_id)");
            command.Parameters.AddWithValue("@after_time", afterTime);
            command.Parameters.AddWithValue("@after_id", afterId);
        }
        sql.Append(" ORDER BY flags.create_time DESC, flags.declaration_id DESC LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT 1 FROM declaration_agency_flags
            WHERE agency_id = @agency_id AND filer_id = @filer_id AND declaration_id = @declaration_id
            """);
        command.Parameters.AddWithValue("@agency_id", agencyId);
        command.Parameters.AddWithValue("@filer_id", key.FilerId);
        command.Parameters.AddWithValue("@declaration_id", key.DeclarationId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consigneeKeys);
        var activity = new Dictionary<string, ConsigneeActivity>(StringComparer.Ordinal);
        var keys = consigneeKeys.Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return activity;
        }
        var plan = ConsigneeActivityBuckets.For(since);
        await using var connection = await OpenReaderAsync(cancellationToken);
        // Per chunk of keys, one statement (so one snapshot): the counters of the hours after
        // since's hour (at most the window's hours per key, added up here so the value saturates
        // instead of overflowing), and the declarations of since's own hour, counted exactly.
        foreach (var chunk in keys.Chunk(ConsigneeKeysPerQuery))
        {
            var placeholders = string.Join(", ", chunk.Select((_, i) => "@key" + i.ToString(CultureInfo.InvariantCulture)));
            await using var command = connection.CreateCommand();
            command.CommandText = $"""
                SELECT consignee_key, consignments, value_cents FROM consignee_activity
                WHERE consignee_key IN ({placeholders}) AND hour > @since_bucket
                UNION ALL
                SELECT consignee_key, COUNT(*), CAST(MIN(TOTAL(intrinsic_value_cents), 9223372036854775807.0) AS INTEGER)
                FROM declarations
                WHERE consignee_key IN ({placeholders}) AND create_time >= @exact_from AND create_time < @exact_until
                  AND status <> {(int)DeclarationStatus.Cancelled}
                GROUP BY consignee_key
                """;
            for (var i = 0; i < chunk.Length; i++)
            {
                command.Parameters.AddWithValue("@key" + i.ToString(CultureInfo.InvariantCulture), chunk[i]);
            }
            command.Parameters.AddWithValue("@since_bucket", plan.SinceBucket);
            command.Parameters.AddWithValue("@exact_from", plan.ExactFrom);
            command.Parameters.AddWithValue("@exact_until", plan.ExactUntil);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ConsigneeActivityBuckets.Add(activity, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
            }
        }
        return ConsigneeActivityBuckets.WithoutEmpty(activity);
    }

    // ---- IRegistryStore ----

    public Task<bool> TryInsertAsync(RegistryRecord record, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        return WriteAsync(async (transaction, ct) =>
        {
            var insert = Command(transaction, """
                INSERT INTO registry_records (kind, id, revision, payload) VALUES (@kind, @id, 1, @payload)
                ON CONFLICT (kind, id) DO NOTHING
                """);
            insert.Parameters.AddWithValue("@kind", record.Kind);
            insert.Parameters.AddWithValue("@id", record.Id);
            insert.Parameters.AddWithValue("@payload", record.Payload);
            var inserted = await insert.ExecuteNonQueryAsync(ct) == 1;
            return (inserted, inserted);
        }, cancellationToken);
    }

    public Task<bool> TryReplaceAsync(RegistryRecord record, long expectedRevision, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        return WriteAsync(async (transaction, ct) =>
        {
            var replace = Command(transaction, """
                UPDATE registry_records SET revision = @revision, payload = @payload
                WHERE kind = @kind AND id = @id AND revision = @expected_revision
                """);
            replace.Parameters.AddWithValue("@kind", record.Kind);
            replace.Parameters.AddWithValue("@id", record.Id);
            replace.Parameters.AddWithValue("@revision", record.Revision);
            replace.Parameters.AddWithValue("@payload", record.Payload);
            replace.Parameters.AddWithValue("@expected_revision", expectedRevision);
            var replaced = await replace.ExecuteNonQueryAsync(ct) == 1;
            return (replaced, replaced);
        }, cancellationToken);
    }

    public Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        return WriteAsync(async (transaction, ct) =>
        {
            var delete = Command(transaction, "DELETE FROM registry_records WHERE kind = @kind AND id = @id");
            delete.Parameters.AddWithValue("@kind", kind);
            delete.Parameters.AddWithValue("@id", id);
            var deleted = await delete.ExecuteNonQueryAsync(ct) == 1;
            return (deleted, deleted);
        }, cancellationToken);
    }

    public async Task<RegistryRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            "SELECT kind, id, revision, payload FROM registry_records WHERE kind = @kind AND id = @id");
        command.Parameters.AddWithValue("@kind", kind);
        command.Parameters.AddWithValue("@id", id);
        var records = await ReadRecordsAsync(command, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async Task<IReadOnlyList<RegistryRecord>> ListAsync(
        string kind, string idPrefix, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(idPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // The prefix is a range of the primary key, [prefix, end of prefix): no LIKE, so '%' and
        // '_' in ids are plain characters. BINARY collation orders UTF-8 bytes, i.e. code points.
        var sql = new StringBuilder("SELECT kind, id, revision, payload FROM registry_records WHERE kind = @kind AND id >= @prefix");
        command.Parameters.AddWithValue("@kind", kind);
        command.Parameters.AddWithValue("@prefix", idPrefix);
        if (RegistryRules.PrefixEnd(idPrefix) is { } end)
        {
            sql.Append(" AND id < @prefix_end");
            command.Parameters.AddWithValue("@prefix_end", end);
        }
        if (afterId is not null)
        {
            sql.Append(" AND id > @after_id");
            command.Parameters.AddWithValue("@after_id", afterId);
        }
        sql.Append(" ORDER BY id LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadRecordsAsync(command, cancellationToken);
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
        return IdempotencyRecord.FromStored(requestId, reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
    }

    /// <summary>Inserts the declaration row with its facts; false when the key is already taken.</summary>
    private async Task<bool> InsertDeclarationAsync(
        SqliteTransaction transaction, DeclarationWrite write, DeclarationIndex index, StoredFacts facts, SerializedWrite serialized, CancellationToken ct)
    {
        var insert = Command(transaction, """
            INSERT INTO declarations (
                filer_id, declaration_id, status, revision, create_time, update_time,
                local_reference_number, unique_consignment_reference, item_identifier,
                house_waybill, master_waybill, customs_reference, declaration,
                consignee_key, intrinsic_value_cents, assessment)
            VALUES (
                @filer_id, @declaration_id, @status, @revision, @create_time, @update_time,
                @local_reference_number, @unique_consignment_reference, @item_identifier,
                @house_waybill, @master_waybill, @customs_reference, @declaration,
                @consignee_key, @intrinsic_value_cents, @assessment)
            ON CONFLICT (filer_id, declaration_id) DO NOTHING
            """);
        AddDeclarationParameters(insert, write, index, serialized);
        AddFactsParameters(insert, facts);
        return await insert.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>
    /// One compare-and-set update inside the batch's transaction: the idempotency answer when the
    /// request was seen before, otherwise the new state (and facts, when given) if the stored
    /// revision is the expected one, with its event, idempotency record, agency flags, outbox
    /// entries and notices.
    /// </summary>
    private async Task<WriteOutcome> UpdateDeclarationAsync(
        SqliteTransaction transaction, BatchState batch, DeclarationWrite write, DeclarationIndex index, StoredFacts? facts,
        SerializedWrite serialized, IReadOnlyList<OutboxEntry> outbox, IReadOnlyList<PartyNotice> notices, CancellationToken ct)
    {
        // The idempotency check comes first: a retry of an update that succeeded must be
        // answered as before, not as a revision conflict.
        if (batch.AnswerTo(write) is { } answer)
        {
            return answer;
        }

        var update = Command(transaction, facts is null ? UpdateSql : UpdateWithFactsSql);
        AddDeclarationParameters(update, write, index, serialized);
        if (facts is not null)
        {
            AddFactsParameters(update, facts);
        }
        update.Parameters.AddWithValue("@expected_revision", write.ExpectedRevision);
        if (await update.ExecuteNonQueryAsync(ct) == 0)
        {
            var exists = Command(transaction,
                "SELECT 1 FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
            exists.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
            exists.Parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
            return WriteOutcome.Of(await exists.ExecuteScalarAsync(ct) is null ? WriteOutcomeKind.NotFound : WriteOutcomeKind.RevisionConflict);
        }
        await AddAgencyFlagsAsync(transaction, write, index, ct);
        // A declaration written before the store kept measures has none, and gets none: its
        // earlier history (first decision, amendments) is not in the write (docs/reporting.md).
        if (await ReadMeasuresAsync(transaction, write.Key, ct) is { } previous)
        {
            await WriteMeasuresAsync(transaction, write.Key, DeclarationMeasures.ForWrite(write, previous), ct);
        }
        var outcome = await AppendEventAndRecordAsync(transaction, batch, write, serialized, ct);
        await AppendOutboxAsync(transaction, outbox, ct);
        await AppendNoticesAsync(transaction, batch, notices, ct);
        return outcome;
    }

    private const string UpdateSetClause = """
        UPDATE declarations SET
            status = @status, revision = @revision, create_time = @create_time, update_time = @update_time,
            local_reference_number = @local_reference_number,
            unique_consignment_reference = @unique_consignment_reference,
            item_identifier = @item_identifier, house_waybill = @house_waybill,
            master_waybill = @master_waybill, customs_reference = @customs_reference,
            declaration = @declaration
        """;

    private const string UpdateWhereClause =
        "\nWHERE filer_id = @filer_id AND declaration_id = @declaration_id AND revision = @expected_revision";

    /// <summary>The update that keeps the stored facts.</summary>
    private const string UpdateSql = UpdateSetClause + UpdateWhereClause;

    /// <summary>The update that replaces the facts (agency flags are added separately).</summary>
    private const string UpdateWithFactsSql = UpdateSetClause
        + ",\n    consignee_key = @consignee_key, intrinsic_value_cents = @intrinsic_value_cents, assessment = @assessment"
        + UpdateWhereClause;

    /// <summary>
    /// Adds the write's agency flags (kept if already there: flags only accumulate), under the
    /// declaration's create time, which orders an agency's list. Nothing to do, no statement run,
    /// for a write without facts or flags: the common case on the ingest path.
    /// </summary>
    private async Task AddAgencyFlagsAsync(SqliteTransaction transaction, DeclarationWrite write, DeclarationIndex index, CancellationToken ct)
    {
        if (write.Facts is not { FlaggedAgencies.Count: > 0 } facts)
        {
            return;
        }
        foreach (var agencyId in facts.FlaggedAgencies)
        {
            var flag = Command(transaction, """
                INSERT INTO declaration_agency_flags (agency_id, filer_id, declaration_id, create_time)
                VALUES (@agency_id, @filer_id, @declaration_id, @create_time)
                ON CONFLICT (agency_id, filer_id, declaration_id) DO NOTHING
                """);
            flag.Parameters.AddWithValue("@agency_id", agencyId);
            flag.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
            flag.Parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
            flag.Parameters.AddWithValue("@create_time", index.CreateTime);
            await flag.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Appends the write's events under the filer's next sequence numbers, in order, and, when the
    /// request carried one, records the idempotency answer (the declaration as written).
    /// </summary>
    private async Task<WriteOutcome> AppendEventAndRecordAsync(
        SqliteTransaction transaction, BatchState batch, DeclarationWrite write, SerializedWrite serialized, CancellationToken ct)
    {
        var events = serialized.Events;
        var sequence = await batch.ReserveSequencesAsync(write.Key.FilerId, events.Count, ct);

        foreach (var @event in events)
        {
            var insertEvent = Command(transaction, """
                INSERT INTO declaration_events (filer_id, seq, declaration_id, event)
                VALUES (@filer_id, @seq, @declaration_id, @event)
                """);
            insertEvent.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
            insertEvent.Parameters.AddWithValue("@seq", ++sequence);
            insertEvent.Parameters.AddWithValue("@declaration_id", write.Key.DeclarationId);
            insertEvent.Parameters.AddWithValue("@event", @event);
            await insertEvent.ExecuteNonQueryAsync(ct);
        }

        if (write.RequestId is not null)
        {
            var record = Command(transaction, """
                INSERT INTO idempotency_records (filer_id, request_id, request_hash, response)
                VALUES (@filer_id, @request_id, @request_hash, @response)
                """);
            record.Parameters.AddWithValue("@filer_id", write.Key.FilerId);
            record.Parameters.AddWithValue("@request_id", write.RequestId);
            record.Parameters.AddWithValue("@request_hash", write.RequestHash!);
            record.Parameters.AddWithValue("@response", serialized.Declaration);
            await record.ExecuteNonQueryAsync(ct);
            batch.Remember(write, serialized.Declaration);
        }

        var appended = write.Event.Clone();
        appended.Cursor = sequence.ToString(CultureInfo.InvariantCulture);
        return new WriteOutcome(WriteOutcomeKind.Written, write.Declaration, appended);
    }

    private static void AddDeclarationParameters(SqliteCommand command, DeclarationWrite write, DeclarationIndex index, SerializedWrite serialized)
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
        parameters.AddWithValue("@declaration", serialized.Declaration);
    }

    private static void AddFactsParameters(SqliteCommand command, StoredFacts facts)
    {
        var parameters = command.Parameters;
        parameters.AddWithValue("@consignee_key", facts.ConsigneeKey);
        parameters.AddWithValue("@intrinsic_value_cents", facts.IntrinsicValueCents);
        parameters.AddWithValue("@assessment", (object?)facts.Assessment ?? DBNull.Value);
    }

    /// <summary>
    /// The condition "after <paramref name="position"/>" in the ascending (create time, declaration
    /// id) order. A position that is not a whole microsecond lies between stored times, so every
    /// row from its ceiling on comes after it.
    /// </summary>
    private static string AscendingAfter(ListPosition position, SqliteParameterCollection parameters)
    {
        parameters.AddWithValue("@after_time", DeclarationIndex.CeilingUnixMicroseconds(position.CreateTime));
        if (!IsWholeMicrosecond(position.CreateTime))
        {
            return " AND create_time >= @after_time";
        }
        parameters.AddWithValue("@after_id", position.DeclarationId);
        return " AND (create_time, declaration_id) > (@after_time, @after_id)";
    }

    /// <summary>The largest whole microsecond at or before <paramref name="time"/>.</summary>
    private static long FloorUnixMicroseconds(DateTimeOffset time)
    {
        var ceiling = DeclarationIndex.CeilingUnixMicroseconds(time);
        return IsWholeMicrosecond(time) ? ceiling : ceiling - 1;
    }

    private static bool IsWholeMicrosecond(DateTimeOffset time) =>
        (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) % TimeSpan.TicksPerMicrosecond == 0;

    private static async Task<IReadOnlyList<Declaration>> ReadDeclarationsAsync(SqliteCommand command, CancellationToken ct)
    {
        var declarations = new List<Declaration>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            declarations.Add(Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        }
        return declarations;
    }

    private static async Task<IReadOnlyList<RegistryRecord>> ReadRecordsAsync(SqliteCommand command, CancellationToken ct)
    {
        var records = new List<RegistryRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            records.Add(new RegistryRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
        }
        return records;
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

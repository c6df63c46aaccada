using System.Data;
using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Core.Identity;
using Exchange.Core.Storage;
using Google.Protobuf;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The scale-out store: one PostgreSQL database shared by several stateless server nodes.
///
/// Every write transaction first locks the counter row of each filer it writes for (in ordinal
/// filer order), and holds that lock until it commits. That single rule gives:
/// - event sequences in commit order: the next sequence is handed out only after the previous
///   holder committed, so a reader that saw sequence N never later finds a new event below N.
///   A SERIAL or SEQUENCE column would not: it hands out numbers at insert time, so a transaction
///   that took 7 may commit after the one that took 8, and a reader that already moved past 8
///   would never see 7;
/// - race-free idempotency and compare-and-set: the checks run after the lock, under READ
///   COMMITTED, so they see every earlier committed write of the filer; a concurrent duplicate
///   request id waits for the first one and then finds its idempotency record (Replayed or
///   RequestIdConflict), never a unique-key violation;
/// - no deadlocks between writers: the counter rows are the first locks taken, always in the
///   same order, and every later row a transaction touches belongs to a filer it already holds.
/// Writers of different filers never wait for each other.
/// </summary>
public sealed class PostgresDeclarationStore : IDeclarationStore, IAsyncDisposable
{
    private const string DeclarationColumns = """
        filer_id, declaration_id, status, revision, create_time, update_time,
        local_reference_number, unique_consignment_reference, item_identifier,
        house_waybill, master_waybill, customs_reference, declaration
        """;

    private readonly NpgsqlDataSource _dataSource;

    private PostgresDeclarationStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    /// <summary>
    /// Connects to the database named by <paramref name="connectionString"/> and brings its
    /// schema up to date. Safe to call from several nodes at once.
    /// </summary>
    public static async Task<PostgresDeclarationStore> OpenAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Acknowledged means durable: commits wait for the WAL flush whatever the server's default.
        var settings = new NpgsqlConnectionStringBuilder(connectionString);
        settings.Options = $"{settings.Options} -c synchronous_commit=on".Trim();
        var dataSource = NpgsqlDataSource.Create(settings.ConnectionString);
        try
        {
            await PostgresSchema.MigrateAsync(dataSource, ct);
            return new PostgresDeclarationStore(dataSource);
        }
        catch
        {
            await dataSource.DisposeAsync();
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
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (connection, transaction, ct) =>
        {
            var lastSequences = await LockFilerSequencesAsync(
                connection, transaction, writes.Select(write => write.Key.FilerId), ct);
            var answers = await FindAnswersAsync(connection, transaction, writes, ct);

            // All rows of the batch go in one round trip; the outcomes are decided up front
            // because the lock guarantees nobody else changes this filer's rows meanwhile.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var declarationInserts = new List<(NpgsqlBatchCommand Command, DeclarationKey Key)>();
            var outcomes = new WriteOutcome[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (write.RequestId is { } requestId
                    && answers.TryGetValue((write.Key.FilerId, requestId), out var earlier))
                {
                    outcomes[i] = Answer(earlier, write);
                    continue;
                }
                var declarationBytes = write.Declaration.ToByteArray();
                var insert = new NpgsqlBatchCommand($"""
                    INSERT INTO declarations ({DeclarationColumns})
                    VALUES (@filer_id, @declaration_id, @status, @revision, @create_time, @update_time,
                        @local_reference_number, @unique_consignment_reference, @item_identifier,
                        @house_waybill, @master_waybill, @customs_reference, @declaration)
                    ON CONFLICT (filer_id, declaration_id) DO NOTHING
                    """);
                AddDeclarationParameters(insert.Parameters, write.Key, indexes[i], declarationBytes);
                batch.BatchCommands.Add(insert);
                declarationInserts.Add((insert, write.Key));

                var sequence = ++lastSequences[write.Key.FilerId];
                outcomes[i] = AddAppend(batch, write, sequence, declarationBytes);
                if (write.RequestId is not null)
                {
                    // A later item of this batch with the same request id is answered from here.
                    answers[(write.Key.FilerId, write.RequestId)] = (write.RequestHash!, declarationBytes);
                }
            }
            if (declarationInserts.Count == 0)
            {
                return (outcomes, false);
            }

            AddSequenceUpdates(batch, lastSequences);
            await batch.ExecuteNonQueryAsync(ct);
            foreach (var (command, key) in declarationInserts)
            {
                if (command.RecordsAffected != 1)
                {
                    // Ids are assigned by the core, so a taken one is a bug upstream; throwing
                    // rolls the whole batch back.
                    throw new InvalidOperationException($"Declaration {key.Name} already exists.");
                }
            }
            return (outcomes, true);
        }, cancellationToken);
    }

    public Task<WriteOutcome> UpdateAsync(DeclarationWrite write, CancellationToken cancellationToken)
    {
        var index = DeclarationIndex.ForWrite(write);
        return WriteAsync(async (connection, transaction, ct) =>
        {
            var lastSequences = await LockFilerSequencesAsync(connection, transaction, [write.Key.FilerId], ct);

            // The idempotency check comes first: a retry of an update that succeeded must be
            // answered as before, not as a revision conflict.
            var answers = await FindAnswersAsync(connection, transaction, [write], ct);
            if (write.RequestId is { } requestId && answers.TryGetValue((write.Key.FilerId, requestId), out var earlier))
            {
                return (Answer(earlier, write), false);
            }

            var declarationBytes = write.Declaration.ToByteArray();
            await using (var update = new NpgsqlCommand("""
                UPDATE declarations SET
                    status = @status, revision = @revision, create_time = @create_time, update_time = @update_time,
                    local_reference_number = @local_reference_number,
                    unique_consignment_reference = @unique_consignment_reference,
                    item_identifier = @item_identifier, house_waybill = @house_waybill,
                    master_waybill = @master_waybill, customs_reference = @customs_reference,
                    declaration = @declaration
                WHERE filer_id = @filer_id AND declaration_id = @declaration_id AND revision = @expected_revision
                """, connection, transaction))
            {
                AddDeclarationParameters(update.Parameters, write.Key, index, declarationBytes);
                update.Parameters.Add(Parameter("expected_revision", write.ExpectedRevision));
                if (await update.ExecuteNonQueryAsync(ct) == 0)
                {
                    await using var exists = new NpgsqlCommand(
                        "SELECT 1 FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id",
                        connection, transaction);
                    exists.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
                    exists.Parameters.Add(Parameter("declaration_id", write.Key.DeclarationId));
                    var kind = await exists.ExecuteScalarAsync(ct) is null ? WriteOutcomeKind.NotFound : WriteOutcomeKind.RevisionConflict;
                    return (WriteOutcome.Of(kind), false);
                }
            }

            await using var batch = new NpgsqlBatch(connection, transaction);
            var outcome = AddAppend(batch, write, ++lastSequences[write.Key.FilerId], declarationBytes);
            AddSequenceUpdates(batch, lastSequences);
            await batch.ExecuteNonQueryAsync(ct);
            return (outcome, true);
        }, cancellationToken);
    }

    public async Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand(
            "SELECT declaration FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
        command.Parameters.Add(Parameter("filer_id", key.FilerId));
        command.Parameters.Add(Parameter("declaration_id", key.DeclarationId));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes ? Declaration.Parser.ParseFrom(bytes) : null;
    }

    public async Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        await using var command = _dataSource.CreateCommand();

        // Only the filters given become SQL, so the planner sees a shape it can match to an index.
        var sql = new StringBuilder("SELECT declaration FROM declarations WHERE filer_id = @filer_id");
        command.Parameters.Add(Parameter("filer_id", query.FilerId));
        if (query.Status is { } status)
        {
            sql.Append(" AND status = @status");
            command.Parameters.Add(Parameter("status", (int)status));
        }
        if (query.CreatedAtOrAfter is { } from)
        {
            sql.Append(" AND create_time >= @created_from");
            command.Parameters.Add(Parameter("created_from", DeclarationIndex.CeilingUnixMicroseconds(from)));
        }
        if (query.CreatedBefore is { } before)
        {
            sql.Append(" AND create_time < @created_before");
            command.Parameters.Add(Parameter("created_before", DeclarationIndex.CeilingUnixMicroseconds(before)));
        }
        if (!string.IsNullOrEmpty(query.Reference))
        {
            // An empty reference would match every declaration lacking one of the columns, so it
            // means "no filter".
            sql.Append("""
                 AND (local_reference_number = @reference OR unique_consignment_reference = @reference
                   OR item_identifier = @reference OR house_waybill = @reference
                   OR master_waybill = @reference OR customs_reference = @reference)
                """);
            command.Parameters.Add(Parameter("reference", query.Reference));
        }
        if (query.After is { } after)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (create_time, declaration_id) < (@after_time, @after_id)");
            command.Parameters.Add(Parameter("after_time", afterTime));
            command.Parameters.Add(Parameter("after_id", afterId));
        }
        sql.Append(" ORDER BY create_time DESC, declaration_id DESC LIMIT @limit");
        command.Parameters.Add(Parameter("limit", query.Limit));
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
        await using var command = _dataSource.CreateCommand(
            "SELECT request_hash, response FROM idempotency_records WHERE filer_id = @filer_id AND request_id = @request_id");
        command.Parameters.Add(Parameter("filer_id", filerId));
        command.Parameters.Add(Parameter("request_id", requestId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }
        return new IdempotencyRecord(
            requestId, reader.GetFieldValue<byte[]>(0), Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(1)));
    }

    public async Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, long afterSequence, int limit, string? declarationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand(declarationId is null
            ? "SELECT seq, event FROM declaration_events WHERE filer_id = @filer_id AND seq > @after ORDER BY seq LIMIT @limit"
            : "SELECT seq, event FROM declaration_events WHERE filer_id = @filer_id AND declaration_id = @declaration_id AND seq > @after ORDER BY seq LIMIT @limit");
        command.Parameters.Add(Parameter("filer_id", filerId));
        command.Parameters.Add(Parameter("after", afterSequence));
        command.Parameters.Add(Parameter("limit", limit));
        if (declarationId is not null)
        {
            command.Parameters.Add(Parameter("declaration_id", declarationId));
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
        await using var command = _dataSource.CreateCommand("SELECT last_seq FROM filer_event_sequences WHERE filer_id = @filer_id");
        command.Parameters.Add(Parameter("filer_id", filerId));
        return await command.ExecuteScalarAsync(cancellationToken) is long last ? last : 0;
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    /// <summary>
    /// Runs <paramref name="work"/> in one READ COMMITTED transaction (named, not left to the
    /// server default: under REPEATABLE READ the checks after the lock would read a snapshot older
    /// than the lock). It returns its result and whether it wrote anything: only then is the
    /// transaction committed, otherwise it is rolled back (a replay or a conflict changes nothing).
    /// </summary>
    private async Task<T> WriteAsync<T>(
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<(T Result, bool Commit)>> work,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        var (result, commit) = await work(connection, transaction, cancellationToken);
        if (commit)
        {
            // Not cancellable: once the commit starts, the caller must learn its outcome, and
            // "threw" has to mean "changed nothing".
            await transaction.CommitAsync(CancellationToken.None);
        }
        return result;
    }

    /// <summary>
    /// Locks the counter row of each filer (creating it on first use) and reads its last
    /// sequence. The lock is held until commit and serializes the filer's writers; see the class
    /// comment. The no-op DO UPDATE is what takes the row lock when the row already exists.
    /// </summary>
    private static async Task<Dictionary<string, long>> LockFilerSequencesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> filerIds, CancellationToken ct)
    {
        var lastSequences = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var filerId in filerIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO filer_event_sequences (filer_id, last_seq) VALUES (@filer_id, 0)
                ON CONFLICT (filer_id) DO UPDATE SET last_seq = filer_event_sequences.last_seq
                RETURNING last_seq
                """, connection, transaction);
            command.Parameters.Add(Parameter("filer_id", filerId));
            lastSequences[filerId] = (long)(await command.ExecuteScalarAsync(ct))!;
        }
        return lastSequences;
    }

    /// <summary>The recorded answers to the request ids of <paramref name="writes"/>, by (filer, request id).</summary>
    private static async Task<Dictionary<(string FilerId, string RequestId), (byte[] Hash, byte[] Response)>> FindAnswersAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<DeclarationWrite> writes, CancellationToken ct)
    {
        var answers = new Dictionary<(string, string), (byte[], byte[])>();
        var requestIdsByFiler = writes
            .Where(write => write.RequestId is not null)
            .GroupBy(write => write.Key.FilerId, StringComparer.Ordinal);
        foreach (var group in requestIdsByFiler)
        {
            await using var command = new NpgsqlCommand("""
                SELECT request_id, request_hash, response FROM idempotency_records
                WHERE filer_id = @filer_id AND request_id = ANY(@request_ids)
                """, connection, transaction);
            command.Parameters.Add(Parameter("filer_id", group.Key));
            command.Parameters.Add(Parameter("request_ids", group.Select(write => write.RequestId!).Distinct(StringComparer.Ordinal).ToArray()));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                answers[(group.Key, reader.GetString(0))] = (reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2));
            }
        }
        return answers;
    }

    /// <summary>Same request hash: the earlier answer; another hash: a conflict.</summary>
    private static WriteOutcome Answer((byte[] Hash, byte[] Response) earlier, DeclarationWrite write) =>
        new IdempotencyRecord(write.RequestId!, earlier.Hash, Declaration.Parser.ParseFrom(earlier.Response)).AnswerTo(write.RequestHash);

    /// <summary>
    /// Adds the event row and, when the request carried one, the idempotency record (the
    /// declaration as written) to <paramref name="batch"/>; returns the Written outcome.
    /// </summary>
    private static WriteOutcome AddAppend(NpgsqlBatch batch, DeclarationWrite write, long sequence, byte[] declarationBytes)
    {
        // The stored event carries no cursor: the cursor is the row's sequence, set on reading.
        var appended = write.Event.Clone();
        appended.Cursor = "";
        var insertEvent = new NpgsqlBatchCommand("""
            INSERT INTO declaration_events (filer_id, seq, declaration_id, event)
            VALUES (@filer_id, @seq, @declaration_id, @event)
            """);
        insertEvent.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
        insertEvent.Parameters.Add(Parameter("seq", sequence));
        insertEvent.Parameters.Add(Parameter("declaration_id", write.Key.DeclarationId));
        insertEvent.Parameters.Add(Parameter("event", appended.ToByteArray()));
        batch.BatchCommands.Add(insertEvent);

        if (write.RequestId is not null)
        {
            var record = new NpgsqlBatchCommand("""
                INSERT INTO idempotency_records (filer_id, request_id, request_hash, response)
                VALUES (@filer_id, @request_id, @request_hash, @response)
                """);
            record.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
            record.Parameters.Add(Parameter("request_id", write.RequestId));
            record.Parameters.Add(Parameter("request_hash", write.RequestHash!));
            record.Parameters.Add(Parameter("response", declarationBytes));
            batch.BatchCommands.Add(record);
        }

        appended.Cursor = sequence.ToString(CultureInfo.InvariantCulture);
        return new WriteOutcome(WriteOutcomeKind.Written, write.Declaration, appended);
    }

    private static void AddSequenceUpdates(NpgsqlBatch batch, Dictionary<string, long> lastSequences)
    {
        foreach (var (filerId, lastSequence) in lastSequences)
        {
            var update = new NpgsqlBatchCommand("UPDATE filer_event_sequences SET last_seq = @last_seq WHERE filer_id = @filer_id");
            update.Parameters.Add(Parameter("filer_id", filerId));
            update.Parameters.Add(Parameter("last_seq", lastSequence));
            batch.BatchCommands.Add(update);
        }
    }

    private static void AddDeclarationParameters(
        NpgsqlParameterCollection parameters, DeclarationKey key, DeclarationIndex index, byte[] declarationBytes)
    {
        parameters.Add(Parameter("filer_id", key.FilerId));
        parameters.Add(Parameter("declaration_id", key.DeclarationId));
        parameters.Add(Parameter("status", index.Status));
        parameters.Add(Parameter("revision", index.Revision));
        parameters.Add(Parameter("create_time", index.CreateTime));
        parameters.Add(Parameter("update_time", index.UpdateTime));
        parameters.Add(Parameter("local_reference_number", index.LocalReferenceNumber));
        parameters.Add(Parameter("unique_consignment_reference", index.UniqueConsignmentReference));
        parameters.Add(Parameter("item_identifier", index.ItemIdentifier));
        parameters.Add(Parameter("house_waybill", index.HouseWaybill));
        parameters.Add(Parameter("master_waybill", index.MasterWaybill));
        parameters.Add(Parameter("customs_reference", index.CustomsReference));
        parameters.Add(Parameter("declaration", declarationBytes));
    }

    // Typed parameters: no boxing, and the PostgreSQL type follows from the CLR type.
    private static NpgsqlParameter<T> Parameter<T>(string name, T value) => new(name, value);
}

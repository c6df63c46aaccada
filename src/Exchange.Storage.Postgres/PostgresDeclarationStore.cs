using System.Data;
using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;
using Google.Protobuf;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The scale-out store: one PostgreSQL database shared by several stateless server nodes.
///
/// Every write transaction first locks the counter row of each filer it writes for (in byte-wise
/// filer order, in one statement), and holds that lock until it commits. That single rule gives:
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
/// Writers of different filers never wait for each other, except on a notice recipient they
/// share: the notices to other parties (<see cref="INoticeStore"/>) are numbered per recipient
/// under a counter row of the same kind, locked right after the filers' ones, again in byte-wise
/// order and before anything else is written (PostgresDeclarationStore.Notices.cs).
///
/// The registries (<see cref="IRegistryStore"/>) live in the same database; each of their writes
/// is one statement, its own transaction. The report's measures (<see cref="IReportStore"/>), the
/// outbox entries to partner administrations (<see cref="IOutboxStore"/>) and the notices to other
/// parties (<see cref="INoticeStore"/>) are written with each declaration write, in its transaction
/// (PostgresDeclarationStore.Reporting.cs, PostgresDeclarationStore.Outbox.cs,
/// PostgresDeclarationStore.Notices.cs). The audit log (<see cref="IAuditStore"/>) is append-only
/// (PostgresDeclarationStore.Audit.cs).
/// </summary>
public sealed partial class PostgresDeclarationStore
    : IDeclarationStore, IRegistryStore, IReportStore, IOutboxStore, INoticeStore, IAuditStore, IAsyncDisposable
{
    private const string InsertDeclarationSql = """
        INSERT INTO declarations (
            filer_id, declaration_id, status, revision, create_time, update_time,
            local_reference_number, unique_consignment_reference, item_identifier,
            house_waybill, master_waybill, customs_reference, declaration,
            consignee_key, intrinsic_value_cents, assessment)
        VALUES (@filer_id, @declaration_id, @status, @revision, @create_time, @update_time,
            @local_reference_number, @unique_consignment_reference, @item_identifier,
            @house_waybill, @master_waybill, @customs_reference, @declaration,
            @consignee_key, @intrinsic_value_cents, @assessment)
        ON CONFLICT (filer_id, declaration_id) DO NOTHING
        """;

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

    /// <summary>The compare-and-set update that keeps the stored facts.</summary>
    private const string UpdateSql = UpdateSetClause + UpdateWhereClause;

    /// <summary>The compare-and-set update that replaces the facts (agency flags are added separately).</summary>
    private const string UpdateWithFactsSql = UpdateSetClause
        + ",\n    consignee_key = @consignee_key, intrinsic_value_cents = @intrinsic_value_cents, assessment = @assessment"
        + UpdateWhereClause;

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
        // Npgsql's builder knows every keyword, so ask the plain one what the string itself says.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            // The same few statements run for every declaration: prepared once per connection,
            // PostgreSQL stops parsing and planning each of them again (that was the largest
            // share of its CPU under bulk load). A connection string can set its own, 0 included
            // (for a pooler in transaction mode, which cannot keep prepared statements).
            settings.MaxAutoPrepare = 64;
            settings.AutoPrepareMinUsages = 2;
        }
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
        var facts = writes.Select(StoredFacts.ForInsert).ToArray();
        var measures = writes.Select(write => DeclarationMeasures.ForWrite(write, previous: null)).ToArray();
        var outbox = writes.Select(OutboxOf).ToArray();
        var notices = writes.Select(PartyNotice.Of).ToArray();
        var serialized = writes.Select(SerializedWrite.Of).ToArray();
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (connection, transaction, ct) =>
        {
            var lastSequences = await LockFilerSequencesAsync(
                connection, transaction, writes.Select(write => write.Key.FilerId), ct);
            var answers = await FindAnswersAsync(connection, transaction, writes, ct);

            // All rows of the batch go in one round trip; the outcomes are decided up front
            // because the lock guarantees nobody else changes this filer's rows meanwhile.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var declarationInserts = new List<(NpgsqlBatchCommand Command, DeclarationKey Key)>();
            var outboxInserts = new List<NpgsqlBatchCommand>();
            var writtenNotices = new List<IReadOnlyList<PartyNotice>>();
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
                var declarationBytes = serialized[i].Declaration;
                var insert = new NpgsqlBatchCommand(InsertDeclarationSql);
                AddDeclarationParameters(insert.Parameters, write.Key, indexes[i], declarationBytes);
                AddFactsParameters(insert.Parameters, facts[i]);
                batch.BatchCommands.Add(insert);
                declarationInserts.Add((insert, write.Key));
                AddAgencyFlags(batch, write, indexes[i]);
                AddMeasures(batch, write.Key, measures[i]);

                outcomes[i] = AddAppend(batch, write, lastSequences, serialized[i]);
                AddOutbox(batch, outbox[i], outboxInserts);
                writtenNotices.Add(notices[i]);
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

            // The recipients' locks before the batch runs: its declaration rows lock consignee
            // counters (triggers), which come after the recipients (LockNoticeSequencesAsync).
            var noticeSequences = await LockNoticeSequencesAsync(connection, transaction, writtenNotices.SelectMany(item => item), ct);
            foreach (var item in writtenNotices)
            {
                noticeSequences.AddNotices(batch, item);
            }
            noticeSequences.AddSequenceUpdates(batch);
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
            ThrowIfOutboxConflicted(outboxInserts);
            return (outcomes, true);
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
        return WriteAsync<IReadOnlyList<WriteOutcome>>(async (connection, transaction, ct) =>
        {
            var lastSequences = await LockFilerSequencesAsync(
                connection, transaction, writes.Select(write => write.Key.FilerId), ct);

            // The idempotency check comes first: a retry of an update that succeeded must be
            // answered as before, not as a revision conflict.
            var answers = await FindAnswersAsync(connection, transaction, writes, ct);

            // The recipients' locks next, before the compare-and-sets (whose triggers lock
            // consignee counters): see LockNoticeSequencesAsync. Whether an item is written is
            // known only after them, so every item that may be is covered; a retry of a request
            // answered before never writes, so it locks nothing.
            var noticeSequences = await LockNoticeSequencesAsync(connection, transaction,
                Enumerable.Range(0, writes.Count)
                    .Where(item => writes[item].RequestId is not { } requestId || !answers.ContainsKey((writes[item].Key.FilerId, requestId)))
                    .SelectMany(item => notices[item]),
                ct);
            var outcomes = new WriteOutcome[writes.Count];
            var updated = new List<int>(writes.Count);
            var missed = new List<int>();

            // The compare-and-sets go in rounds, each one batch (one round trip). The statements
            // of a batch run in order, each seeing the ones before, so a round acts exactly like
            // its updates one by one: a second update of a declaration expects the revision the
            // first wrote. Only a request id repeated within the batch ends a round, since whether
            // the later item is a replay depends on whether the earlier one was written.
            var next = 0;
            while (next < writes.Count)
            {
                await using var round = new NpgsqlBatch(connection, transaction);
                var updates = new List<(int Item, NpgsqlBatchCommand Command)>();
                var roundRequestIds = new HashSet<(string FilerId, string RequestId)>();
                for (; next < writes.Count; next++)
                {
                    var write = writes[next];
                    if (write.RequestId is { } requestId)
                    {
                        if (answers.TryGetValue((write.Key.FilerId, requestId), out var earlier))
                        {
                            outcomes[next] = Answer(earlier, write);
                            continue;
                        }
                        if (!roundRequestIds.Add((write.Key.FilerId, requestId)))
                        {
                            break;
                        }
                    }
                    var update = new NpgsqlBatchCommand(facts[next] is null ? UpdateSql : UpdateWithFactsSql);
                    AddDeclarationParameters(update.Parameters, write.Key, indexes[next], serialized[next].Declaration);
                    if (facts[next] is { } replacement)
                    {
                        AddFactsParameters(update.Parameters, replacement);
                    }
                    update.Parameters.Add(Parameter("expected_revision", write.ExpectedRevision));
                    round.BatchCommands.Add(update);
                    updates.Add((next, update));
                }
                if (updates.Count == 0)
                {
                    continue;
                }
                await round.ExecuteNonQueryAsync(ct);
                foreach (var (item, command) in updates)
                {
                    if (command.RecordsAffected == 0)
                    {
                        missed.Add(item);
                        continue;
                    }
                    updated.Add(item);
                    if (writes[item].RequestId is { } requestId)
                    {
                        // A later item with the same request id is answered from here.
                        answers[(writes[item].Key.FilerId, requestId)] = (writes[item].RequestHash!, serialized[item].Declaration);
                    }
                }
            }

            if (missed.Count > 0)
            {
                // Nothing inserts or deletes the filers' declarations meanwhile (their locks are
                // held), so whether a key exists is the same now as at its turn.
                var existing = await FindExistingAsync(connection, transaction, missed.Select(item => writes[item].Key), ct);
                foreach (var item in missed)
                {
                    outcomes[item] = WriteOutcome.Of(
                        existing.Contains(writes[item].Key) ? WriteOutcomeKind.RevisionConflict : WriteOutcomeKind.NotFound);
                }
            }
            if (updated.Count == 0)
            {
                return (outcomes, false);
            }

            // The measures follow the writes in order, each from the one before: a declaration
            // written before the store kept measures has none, and gets none (docs/reporting.md).
            var measures = await ReadMeasuresAsync(connection, transaction, updated.Select(item => writes[item].Key), ct);

            // Events in the order of the writes (the rounds kept it), with flags, records, measures,
            // outbox entries and notices, in one round trip.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var outboxInserts = new List<NpgsqlBatchCommand>();
            foreach (var item in updated)
            {
                var write = writes[item];
                AddAgencyFlags(batch, write, indexes[item]);
                if (measures.TryGetValue(write.Key, out var previous))
                {
                    var change = DeclarationMeasures.ForWrite(write, previous);
                    measures[write.Key] = change.Row;
                    AddMeasures(batch, write.Key, change);
                }
                outcomes[item] = AddAppend(batch, write, lastSequences, serialized[item]);
                AddOutbox(batch, outbox[item], outboxInserts);
                noticeSequences.AddNotices(batch, notices[item]);
            }
            noticeSequences.AddSequenceUpdates(batch);
            AddSequenceUpdates(batch, lastSequences);
            await batch.ExecuteNonQueryAsync(ct);
            ThrowIfOutboxConflicted(outboxInserts);
            return (outcomes, true);
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
        return await ReadDeclarationsAsync(command, cancellationToken);
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
        return IdempotencyRecord.FromStored(requestId, reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1));
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

    public async Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(
        DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand($"""
            SELECT declaration FROM declarations
            WHERE status = {(int)DeclarationStatus.Accepted} AND update_time <= @updated_at_or_before
            ORDER BY update_time LIMIT @limit
            """);
        command.Parameters.Add(Parameter("updated_at_or_before", FloorUnixMicroseconds(updatedAtOrBefore)));
        command.Parameters.Add(Parameter("limit", limit));
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand(
            "SELECT assessment FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id");
        command.Parameters.Add(Parameter("filer_id", key.FilerId));
        command.Parameters.Add(Parameter("declaration_id", key.DeclarationId));
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] bytes ? RiskAssessment.Parser.ParseFrom(bytes) : null;
    }

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken) =>
        ListOldestFirstAsync(filerId is null ? "status = @status" : "status = @status AND filer_id = @filer_id", parameters =>
        {
            parameters.Add(Parameter("status", (int)status));
            if (filerId is not null)
            {
                parameters.Add(Parameter("filer_id", filerId));
            }
        }, after, limit, cancellationToken);

    public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(masterDocument);
        // "<> ''" repeats the partial index's condition, so the planner may use it.
        return ListOldestFirstAsync("master_waybill = @document AND master_waybill <> ''",
            parameters => parameters.Add(Parameter("document", masterDocument)), after, limit, cancellationToken);
    }

    /// <summary>Declarations matching <paramref name="where"/>, oldest first (create time, then id), strictly after <paramref name="after"/>.</summary>
    private async Task<IReadOnlyList<Declaration>> ListOldestFirstAsync(
        string where, Action<NpgsqlParameterCollection> bind, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder("SELECT declaration FROM declarations WHERE ").Append(where);
        bind(command.Parameters);
        if (after is not null)
        {
            sql.Append(AscendingAfter(after, command.Parameters));
        }
        sql.Append(" ORDER BY create_time, declaration_id LIMIT @limit");
        command.Parameters.Add(Parameter("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<Declaration>> ListFlaggedAsync(
        string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder("""
            SELECT declarations.declaration FROM declaration_agency_flags AS flags
            JOIN declarations
                ON declarations.filer_id = flags.filer_id AND declarations.declaration_id = flags.declaration_id
            WHERE flags.agency_id = @agency_id
            """);
        command.Parameters.Add(Parameter("agency_id", agencyId));
        if (after is not null)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (flags.create_time, flags.declaration_id) < (@after_time, @after_id)");
            command.Parameters.Add(Parameter("after_time", afterTime));
            command.Parameters.Add(Parameter("after_id", afterId));
        }
        sql.Append(" ORDER BY flags.create_time DESC, flags.declaration_id DESC LIMIT @limit");
        command.Parameters.Add(Parameter("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadDeclarationsAsync(command, cancellationToken);
    }

    public async Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _dataSource.CreateCommand("""
            SELECT 1 FROM declaration_agency_flags
            WHERE agency_id = @agency_id AND filer_id = @filer_id AND declaration_id = @declaration_id
            """);
        command.Parameters.Add(Parameter("agency_id", agencyId));
        command.Parameters.Add(Parameter("filer_id", key.FilerId));
        command.Parameters.Add(Parameter("declaration_id", key.DeclarationId));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyDictionary<string, ConsigneeActivity>> GetConsigneeActivityAsync(
        IReadOnlyCollection<string> consigneeKeys, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(consigneeKeys);
        var activity = new Dictionary<string, ConsigneeActivity>(StringComparer.Ordinal);
        if (consigneeKeys.Count == 0)
        {
            return activity;
        }
        // One statement (so one snapshot) for every key: the counters of the hours after since's
        // hour (at most the window's hours per key, added up here so the value saturates instead
        // of overflowing), and the declarations of since's own hour, counted exactly.
        var plan = ConsigneeActivityBuckets.For(since);
        await using var command = _dataSource.CreateCommand($"""
            SELECT consignee_key, consignments::bigint, value_cents FROM consignee_activity
            WHERE consignee_key = ANY(@consignee_keys) AND hour > @since_bucket
            UNION ALL
            SELECT consignee_key, count(*), LEAST(sum(intrinsic_value_cents), 9223372036854775807)::bigint FROM declarations
            WHERE consignee_key = ANY(@consignee_keys) AND create_time >= @exact_from AND create_time < @exact_until
              AND status <> {(int)DeclarationStatus.Cancelled}
            GROUP BY consignee_key
            """);
        command.Parameters.Add(Parameter("consignee_keys", consigneeKeys.Distinct(StringComparer.Ordinal).ToArray()));
        command.Parameters.Add(Parameter("since_bucket", plan.SinceBucket));
        command.Parameters.Add(Parameter("exact_from", plan.ExactFrom));
        command.Parameters.Add(Parameter("exact_until", plan.ExactUntil));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ConsigneeActivityBuckets.Add(activity, reader.GetString(0), reader.GetInt64(1), reader.GetInt64(2));
        }
        return ConsigneeActivityBuckets.WithoutEmpty(activity);
    }

    // ---- IRegistryStore ----

    public async Task<bool> TryInsertAsync(RegistryRecord record, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        await using var command = _dataSource.CreateCommand("""
            INSERT INTO registry_records (kind, id, revision, payload) VALUES (@kind, @id, 1, @payload)
            ON CONFLICT (kind, id) DO NOTHING
            """);
        command.Parameters.Add(Parameter("kind", record.Kind));
        command.Parameters.Add(Parameter("id", record.Id));
        command.Parameters.Add(Parameter("payload", record.Payload));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> TryReplaceAsync(RegistryRecord record, long expectedRevision, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        await using var command = _dataSource.CreateCommand("""
            UPDATE registry_records SET revision = @revision, payload = @payload
            WHERE kind = @kind AND id = @id AND revision = @expected_revision
            """);
        command.Parameters.Add(Parameter("kind", record.Kind));
        command.Parameters.Add(Parameter("id", record.Id));
        command.Parameters.Add(Parameter("revision", record.Revision));
        command.Parameters.Add(Parameter("payload", record.Payload));
        command.Parameters.Add(Parameter("expected_revision", expectedRevision));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand("DELETE FROM registry_records WHERE kind = @kind AND id = @id");
        command.Parameters.Add(Parameter("kind", kind));
        command.Parameters.Add(Parameter("id", id));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<RegistryRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        await using var command = _dataSource.CreateCommand(
            "SELECT kind, id, revision, payload FROM registry_records WHERE kind = @kind AND id = @id");
        command.Parameters.Add(Parameter("kind", kind));
        command.Parameters.Add(Parameter("id", id));
        var records = await ReadRecordsAsync(command, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async Task<IReadOnlyList<RegistryRecord>> ListAsync(
        string kind, string idPrefix, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(idPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand();
        // The prefix is a range of the primary key, [prefix, end of prefix): no LIKE, so '%' and
        // '_' in ids are plain characters. The "C" collation of the column orders UTF-8 bytes,
        // i.e. code points, as in SQLite.
        var sql = new StringBuilder("SELECT kind, id, revision, payload FROM registry_records WHERE kind = @kind AND id >= @prefix");
        command.Parameters.Add(Parameter("kind", kind));
        command.Parameters.Add(Parameter("prefix", idPrefix));
        if (RegistryRules.PrefixEnd(idPrefix) is { } end)
        {
            sql.Append(" AND id < @prefix_end");
            command.Parameters.Add(Parameter("prefix_end", end));
        }
        if (afterId is not null)
        {
            sql.Append(" AND id > @after_id");
            command.Parameters.Add(Parameter("after_id", afterId));
        }
        sql.Append(" ORDER BY id LIMIT @limit");
        command.Parameters.Add(Parameter("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadRecordsAsync(command, cancellationToken);
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
        for (var attempt = 1; ; attempt++)
        {
            try
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
            catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.DeadlockDetected && attempt < DeadlockAttempts)
            {
                // PostgreSQL rolled this transaction back to break a lock cycle (two writers counting
                // the same consignees in opposite orders): nothing of it was written, so run it again.
            }
        }
    }

    /// <summary>How often a write aborted by deadlock detection is tried in all.</summary>
    private const int DeadlockAttempts = 3;

    /// <summary>
    /// Locks the counter row of each filer (creating it on first use) and reads its last
    /// sequence, in one statement. The lock is held until commit and serializes the filer's
    /// writers; see the class comment. The rows are inserted, and so locked, in the order of the
    /// sorted SELECT: byte-wise filer order, the same for every transaction, so two transactions
    /// never each hold a filer the other waits for. The no-op DO UPDATE is what takes the row lock
    /// when the row already exists.
    /// </summary>
    private static async Task<Dictionary<string, long>> LockFilerSequencesAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<string> filerIds, CancellationToken ct)
    {
        var lastSequences = new Dictionary<string, long>(StringComparer.Ordinal);
        // Distinct: one INSERT .. ON CONFLICT DO UPDATE may not touch a row twice.
        var distinct = filerIds.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length == 0)
        {
            return lastSequences;
        }
        await using var command = new NpgsqlCommand("""
            INSERT INTO filer_event_sequences (filer_id, last_seq)
            SELECT filer_id, 0 FROM unnest(@filer_ids) AS filer_id ORDER BY filer_id COLLATE "C"
            ON CONFLICT (filer_id) DO UPDATE SET last_seq = filer_event_sequences.last_seq
            RETURNING filer_id, last_seq
            """, connection, transaction);
        command.Parameters.Add(Parameter("filer_ids", distinct));
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            lastSequences[reader.GetString(0)] = reader.GetInt64(1);
        }
        return lastSequences;
    }

    /// <summary>Which of <paramref name="keys"/> name a stored declaration.</summary>
    private static async Task<HashSet<DeclarationKey>> FindExistingAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<DeclarationKey> keys, CancellationToken ct)
    {
        var wanted = keys.Distinct().ToArray();
        await using var command = new NpgsqlCommand("""
            SELECT filer_id, declaration_id FROM declarations
            WHERE (filer_id, declaration_id) IN (SELECT * FROM unnest(@filer_ids, @declaration_ids))
            """, connection, transaction);
        command.Parameters.Add(Parameter("filer_ids", wanted.Select(key => key.FilerId).ToArray()));
        command.Parameters.Add(Parameter("declaration_ids", wanted.Select(key => key.DeclarationId).ToArray()));
        var existing = new HashSet<DeclarationKey>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            existing.Add(new DeclarationKey(reader.GetString(0), reader.GetString(1)));
        }
        return existing;
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
        IdempotencyRecord.FromStored(write.RequestId!, earlier.Hash, earlier.Response).AnswerTo(write.RequestHash);

    /// <summary>
    /// Adds the write's event rows, numbered in order after the filer's last sequence (which moves
    /// on in <paramref name="lastSequences"/>), and, when the request carried one, the idempotency
    /// record (the declaration as written) to <paramref name="batch"/>; returns the Written outcome.
    /// </summary>
    private static WriteOutcome AddAppend(
        NpgsqlBatch batch, DeclarationWrite write, Dictionary<string, long> lastSequences, SerializedWrite serialized)
    {
        var sequence = lastSequences[write.Key.FilerId];
        foreach (var @event in serialized.Events)
        {
            var insertEvent = new NpgsqlBatchCommand("""
                INSERT INTO declaration_events (filer_id, seq, declaration_id, event)
                VALUES (@filer_id, @seq, @declaration_id, @event)
                """);
            insertEvent.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
            insertEvent.Parameters.Add(Parameter("seq", ++sequence));
            insertEvent.Parameters.Add(Parameter("declaration_id", write.Key.DeclarationId));
            insertEvent.Parameters.Add(Parameter("event", @event));
            batch.BatchCommands.Add(insertEvent);
        }

        if (write.RequestId is not null)
        {
            var record = new NpgsqlBatchCommand("""
                INSERT INTO idempotency_records (filer_id, request_id, request_hash, response)
                VALUES (@filer_id, @request_id, @request_hash, @response)
                """);
            record.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
            record.Parameters.Add(Parameter("request_id", write.RequestId));
            record.Parameters.Add(Parameter("request_hash", write.RequestHash!));
            record.Parameters.Add(Parameter("response", serialized.Declaration));
            batch.BatchCommands.Add(record);
        }

        lastSequences[write.Key.FilerId] = sequence;
        var appended = write.Event.Clone();
        appended.Cursor = sequence.ToString(CultureInfo.InvariantCulture);
        return new WriteOutcome(WriteOutcomeKind.Written, write.Declaration, appended);
    }

    /// <summary>
    /// Adds the write's agency flags (kept if already there: flags only accumulate), under the
    /// declaration's create time, which orders an agency's list. No statement at all for a write
    /// without facts or flags: the common case on the ingest path.
    /// </summary>
    private static void AddAgencyFlags(NpgsqlBatch batch, DeclarationWrite write, DeclarationIndex index)
    {
        if (write.Facts is not { FlaggedAgencies.Count: > 0 } facts)
        {
            return;
        }
        var flags = new NpgsqlBatchCommand("""
            INSERT INTO declaration_agency_flags (agency_id, filer_id, declaration_id, create_time)
            SELECT agency_id, @filer_id, @declaration_id, @create_time FROM unnest(@agency_ids) AS agency_id
            ON CONFLICT (agency_id, filer_id, declaration_id) DO NOTHING
            """);
        flags.Parameters.Add(Parameter("agency_ids", facts.FlaggedAgencies.ToArray()));
        flags.Parameters.Add(Parameter("filer_id", write.Key.FilerId));
        flags.Parameters.Add(Parameter("declaration_id", write.Key.DeclarationId));
        flags.Parameters.Add(Parameter("create_time", index.CreateTime));
        batch.BatchCommands.Add(flags);
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

    private static void AddFactsParameters(NpgsqlParameterCollection parameters, StoredFacts facts)
    {
        parameters.Add(Parameter("consignee_key", facts.ConsigneeKey));
        parameters.Add(Parameter("intrinsic_value_cents", facts.IntrinsicValueCents));
        parameters.Add(new NpgsqlParameter("assessment", NpgsqlDbType.Bytea) { Value = (object?)facts.Assessment ?? DBNull.Value });
    }

    /// <summary>
    /// The condition "after <paramref name="position"/>" in the ascending (create time, declaration
    /// id) order. A position that is not a whole microsecond lies between stored times, so every
    /// row from its ceiling on comes after it.
    /// </summary>
    private static string AscendingAfter(ListPosition position, NpgsqlParameterCollection parameters)
    {
        parameters.Add(Parameter("after_time", DeclarationIndex.CeilingUnixMicroseconds(position.CreateTime)));
        if (!IsWholeMicrosecond(position.CreateTime))
        {
            return " AND create_time >= @after_time";
        }
        parameters.Add(Parameter("after_id", position.DeclarationId));
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

    private static async Task<IReadOnlyList<Declaration>> ReadDeclarationsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var declarations = new List<Declaration>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            declarations.Add(Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0)));
        }
        return declarations;
    }

    private static async Task<IReadOnlyList<RegistryRecord>> ReadRecordsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var records = new List<RegistryRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            records.Add(new RegistryRecord(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3)));
        }
        return records;
    }

    // Typed parameters: no boxing, and the PostgreSQL type follows from the CLR type.
    private static NpgsqlParameter<T> Parameter<T>(string name, T value) => new(name, value);
}

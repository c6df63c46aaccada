using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Exchange.Contracts.Declaration.V1;
using Exchange.Contracts.Enforcement.V1;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The declarations and their events (<see cref="IDeclarationStore"/>): each declaration's
/// canonical bytes with its index columns and facts, its events numbered per filer, the
/// idempotency records, the agency flags and the split-shipment counters' queries. A declaration
/// write also writes, in its own transaction, the report's measures (<see cref="ReportRepository"/>),
/// the outbox entries (<see cref="OutboxRepository"/>) and the notices (<see cref="NoticeRepository"/>)
/// it carries, so no change is ever durable without them.
///
/// A write's events get their positions from <see cref="SequenceCounters"/>: on PostgreSQL the
/// writing transaction's id and its own count, with no lock, so writers of one filer run side by
/// side and readers order the log behind a watermark (<see cref="SqlDialect.LogAfter"/>); on
/// SQLite the filer's counter, under the single writer that already serializes every write.
/// Without a filer lock the races are settled row by row, under READ COMMITTED:
/// <list type="bullet">
/// <item>Idempotency: two racing requests with one request id both find no record; the second
/// insert of the record waits for the first and fails on the primary key (unique_violation), and
/// the store runs the whole write again, which now finds the record and answers from it
/// (PostgresDatabase.WriteAsync). An update that lost its compare-and-set to a racing request with
/// its own request id is answered from that request's record (<see cref="AnswerMissed"/>).</item>
/// <item>Compare-and-set: UPDATE .. WHERE revision = @expected waits for a concurrent update of the
/// row and then re-checks the condition on the new row, so exactly one of two racers wins.</item>
/// <item>Deadlocks: notice counters are still locked first, in key order; rows locked later
/// (declarations, consignee counters) can meet in opposite orders, and PostgreSQL aborts one of
/// the two, which the store runs again.</item>
/// </list>
/// </summary>
public sealed class DeclarationRepository(StoreDatabase database) : IDeclarationStore
{
    private const string InsertSql = """
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

    /// <summary>
    /// Request id, hash and answer of idempotency records (alias records): the record's own copy,
    /// or, when it holds none (<see cref="Append"/>), the row of the declaration it names.
    /// </summary>
    private const string AnswerSql = """
        SELECT records.request_id, records.request_hash,
            CASE WHEN length(records.response) = 0 THEN declarations.declaration ELSE records.response END
        FROM idempotency_records AS records
        LEFT JOIN declarations
            ON declarations.filer_id = records.filer_id AND declarations.declaration_id = records.declaration_id
        """;

    /// <summary>
    /// The reference filter of a list: the side table's entries of the reference drive the query,
    /// and the row is checked again, so an entry of a reference an amendment dropped matches nothing.
    /// </summary>
    private const string ReferenceCondition = """
         AND refs.filer_id = @filer_id AND refs.reference = @reference
         AND (declarations.local_reference_number = @reference OR declarations.unique_consignment_reference = @reference
           OR declarations.item_identifier = @reference OR declarations.house_waybill = @reference
           OR declarations.master_waybill = @reference OR declarations.customs_reference = @reference)
        """;

    private readonly SqlDialect _dialect = database.Dialect;

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
        var outbox = writes.Select(OutboxRepository.Of).ToArray();
        var notices = writes.Select(PartyNotice.Of).ToArray();
        var serialized = writes.Select(SerializedWrite.Of).ToArray();
        return database.WriteAsync<IReadOnlyList<WriteOutcome>>(async (transaction, ct) =>
        {
            var events = await SequenceCounters.BeginEventsAsync(database, transaction, writes.Select(write => write.Key.FilerId), ct);
            var answers = await FindAnswersAsync(transaction, writes, ct);

            // The outcomes are decided up front: a request id another transaction records meanwhile
            // fails this one on the record's key, and the write runs again (see the class comment).
            // All statements then run together (one round trip on PostgreSQL).
            var statements = new List<Statement>();
            var declarationInserts = new List<(Statement Insert, DeclarationKey Key)>();
            var outboxInserts = new List<(Statement Insert, OutboxEntry Entry)>();
            var written = new List<int>();
            var outcomes = new WriteOutcome[writes.Count];
            for (var i = 0; i < writes.Count; i++)
            {
                var write = writes[i];
                if (write.RequestId is { } requestId && answers.TryGetValue((write.Key.FilerId, requestId), out var earlier))
                {
                    outcomes[i] = Answer(earlier, write);
                    continue;
                }
                var insert = AddDeclarationParameters(database.Statement(InsertSql), write.Key, indexes[i], serialized[i].Declaration);
                AddFactsParameters(insert, facts[i]);
                statements.Add(insert);
                declarationInserts.Add((insert, write.Key));
                statements.AddRange(References(write.Key, indexes[i]));
                statements.AddRange(AgencyFlags(write, indexes[i]));
                statements.AddRange(ReportRepository.Writes(database, write.Key, measures[i]));
                outcomes[i] = Append(statements, write, events, serialized[i], answerIsTheRow: true);
                AddOutbox(statements, outboxInserts, outbox[i]);
                written.Add(i);
                if (write.RequestId is not null)
                {
                    // A later item of this batch with the same request id is answered from here.
                    answers[(write.Key.FilerId, write.RequestId)] = (write.RequestHash!, serialized[i].Declaration);
                }
            }
            if (written.Count == 0)
            {
                return (outcomes, false);
            }

            // The recipients' locks before the statements run: the declaration rows lock consignee
            // counters (triggers), which come after the recipients.
            var noticeSequences = await SequenceCounters.LockNoticesAsync(
                database, transaction, written.SelectMany(item => notices[item]).Select(notice => notice.Recipient), ct);
            foreach (var item in written)
            {
                statements.AddRange(NoticeRepository.Inserts(database, noticeSequences, notices[item]));
            }
            statements.AddRange(noticeSequences.Saves(database));
            statements.AddRange(events.Saves(database));
            await transaction.ExecuteAsync(statements, ct);
            foreach (var (insert, key) in declarationInserts)
            {
                if (insert.RecordsAffected != 1)
                {
                    // Ids are assigned by the core, so a taken one is a bug upstream; throwing
                    // rolls the whole batch back.
                    throw new InvalidOperationException($"Declaration {key.Name} already exists.");
                }
            }
            OutboxRepository.ThrowIfConflicted(outboxInserts);
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
        var outbox = writes.Select(OutboxRepository.Of).ToArray();
        var notices = writes.Select(PartyNotice.Of).ToArray();
        var serialized = writes.Select(SerializedWrite.Of).ToArray();
        return database.WriteAsync<IReadOnlyList<WriteOutcome>>(async (transaction, ct) =>
        {
            var events = await SequenceCounters.BeginEventsAsync(database, transaction, writes.Select(write => write.Key.FilerId), ct);

            // The idempotency check comes first: a retry of an update that succeeded must be
            // answered as before, not as a revision conflict.
            var answers = await FindAnswersAsync(transaction, writes, ct);

            // The recipients' locks next, before the compare-and-sets (whose triggers lock
            // consignee counters). Whether an item is written is known only after them, so every
            // item that may be is covered; a retry of a request answered before never writes, so
            // it locks nothing.
            var noticeSequences = await SequenceCounters.LockNoticesAsync(database, transaction,
                Enumerable.Range(0, writes.Count)
                    .Where(item => writes[item].RequestId is not { } requestId || !answers.ContainsKey((writes[item].Key.FilerId, requestId)))
                    .SelectMany(item => notices[item])
                    .Select(notice => notice.Recipient),
                ct);
            var outcomes = new WriteOutcome[writes.Count];
            var updated = new List<int>(writes.Count);
            var missed = new List<int>();

            // The compare-and-sets go in rounds (each one round trip on PostgreSQL). The statements
            // of a round run in order, each seeing the ones before, so a round acts exactly like
            // its updates one by one: a second update of a declaration expects the revision the
            // first wrote. Only a request id repeated within the batch ends a round, since whether
            // the later item is a replay depends on whether the earlier one was written.
            var next = 0;
            while (next < writes.Count)
            {
                var round = new List<(int Item, Statement Update)>();
                var roundStatements = new List<Statement>();
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
                    // The records answered by the row as it is keep it before it changes.
                    roundStatements.Add(KeepAnswers(write.Key));
                    var update = AddDeclarationParameters(
                        database.Statement(facts[next] is null ? UpdateSql : UpdateWithFactsSql), write.Key, indexes[next], serialized[next].Declaration);
                    if (facts[next] is { } replacement)
                    {
                        AddFactsParameters(update, replacement);
                    }
                    update.With("expected_revision", write.ExpectedRevision);
                    roundStatements.Add(update);
                    round.Add((next, update));
                }
                if (round.Count == 0)
                {
                    continue;
                }
                await transaction.ExecuteAsync(roundStatements, ct);
                foreach (var (item, update) in round)
                {
                    if (update.RecordsAffected == 0)
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
                missed = await AnswerMissed(transaction, writes, missed, outcomes, ct);
                // Declarations are never deleted, so a key that exists now existed at its turn.
                var existing = await FindExistingAsync(transaction, missed.Select(item => writes[item].Key), ct);
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
            var measures = await ReportRepository.ReadAsync(database, transaction, updated.Select(item => writes[item].Key), ct);

            // Events in the order of the writes (the rounds kept it), with flags, records, measures,
            // outbox entries and notices, run together.
            var statements = new List<Statement>();
            var outboxInserts = new List<(Statement Insert, OutboxEntry Entry)>();
            // The rows' records are inserted after every round ran, so only the last update of a
            // declaration in this batch leaves the row as its answer; an earlier one keeps its bytes.
            var lastUpdate = new Dictionary<DeclarationKey, int>();
            foreach (var item in updated)
            {
                lastUpdate[writes[item].Key] = item;
            }
            foreach (var item in updated)
            {
                var write = writes[item];
                statements.AddRange(References(write.Key, indexes[item]));
                statements.AddRange(AgencyFlags(write, indexes[item]));
                if (measures.TryGetValue(write.Key, out var previous))
                {
                    var change = DeclarationMeasures.ForWrite(write, previous);
                    measures[write.Key] = change.Row;
                    statements.AddRange(ReportRepository.Writes(database, write.Key, change));
                }
                outcomes[item] = Append(statements, write, events, serialized[item], answerIsTheRow: lastUpdate[write.Key] == item);
                AddOutbox(statements, outboxInserts, outbox[item]);
                statements.AddRange(NoticeRepository.Inserts(database, noticeSequences, notices[item]));
            }
            statements.AddRange(noticeSequences.Saves(database));
            statements.AddRange(events.Saves(database));
            await transaction.ExecuteAsync(statements, ct);
            OutboxRepository.ThrowIfConflicted(outboxInserts);
            return (outcomes, true);
        }, cancellationToken);
    }

    public async Task<Declaration?> GetAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var query = database.Statement("SELECT declaration FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id")
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId);
        return await database.ScalarAsync(query, cancellationToken) is byte[] bytes ? Declaration.Parser.ParseFrom(bytes) : null;
    }

    public async Task<IReadOnlyList<Declaration>> ListAsync(DeclarationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));

        // Only the filters given become SQL, so each query shape can use its index.
        var sql = new StringBuilder("SELECT declarations.declaration FROM ");
        var statement = database.Statement("").With("filer_id", query.FilerId);
        // An empty reference would match every declaration lacking one of the columns, so it
        // means "no filter".
        var byReference = !string.IsNullOrEmpty(query.Reference);
        var (from, referenceCondition) = byReference
            ? ($"""
                declaration_references AS refs {_dialect.OrderedJoin} declarations
                    ON declarations.filer_id = refs.filer_id AND declarations.declaration_id = refs.declaration_id
                """, ReferenceCondition)
            : ("declarations", "");
        sql.Append(from).Append(" WHERE declarations.filer_id = @filer_id").Append(referenceCondition);
        if (byReference)
        {
            statement.With("reference", query.Reference!);
        }
        if (query.Status is { } status)
        {
            sql.Append(" AND declarations.status = @status");
            statement.With("status", (int)status);
        }
        if (query.CreatedAtOrAfter is { } createdFrom)
        {
            sql.Append(" AND declarations.create_time >= @created_from");
            statement.With("created_from", DeclarationIndex.CeilingUnixMicroseconds(createdFrom));
        }
        if (query.CreatedBefore is { } before)
        {
            sql.Append(" AND declarations.create_time < @created_before");
            statement.With("created_before", DeclarationIndex.CeilingUnixMicroseconds(before));
        }
        if (query.After is { } after)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (declarations.create_time, declarations.declaration_id) < (@after_time, @after_id)");
            statement.With("after_time", afterTime).With("after_id", afterId);
        }
        sql.Append(" ORDER BY declarations.create_time DESC, declarations.declaration_id DESC LIMIT @limit");
        statement.With("limit", query.Limit).Sql = sql.ToString();
        return await database.QueryAsync(statement, ReadDeclaration, cancellationToken);
    }

    public async Task<IdempotencyRecord?> FindIdempotencyRecordAsync(string filerId, string requestId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        ArgumentNullException.ThrowIfNull(requestId);
        var query = database.Statement(
                AnswerSql + " WHERE records.filer_id = @filer_id AND records.request_id = @request_id")
            .With("filer_id", filerId)
            .With("request_id", requestId);
        var records = await database.QueryAsync(query,
            reader => IdempotencyRecord.FromStored(requestId, reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2)),
            cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async Task<IReadOnlyList<DeclarationEvent>> ReadEventsAsync(
        string filerId, EventPosition after, int limit, string? declarationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = EventsAfter(filerId, after, declarationId is null ? "" : " AND declaration_id = @declaration_id", descending: false)
            .With("limit", limit);
        if (declarationId is not null)
        {
            query.With("declaration_id", declarationId);
        }
        return await database.QueryAsync(query, reader =>
        {
            var stored = DeclarationEvent.Parser.ParseFrom(reader.GetFieldValue<byte[]>(2));
            stored.Cursor = new EventPosition(reader.GetInt64(0), reader.GetInt64(1)).ToString();
            return stored;
        }, cancellationToken);
    }

    public async Task<EventPosition> GetLastEventPositionAsync(string filerId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filerId);
        var query = EventsAfter(filerId, EventPosition.Start, "", descending: true).With("limit", 1);
        var last = await database.QueryAsync(query, reader => new EventPosition(reader.GetInt64(0), reader.GetInt64(1)), cancellationToken);
        return last.Count == 0 ? EventPosition.Start : last[0];
    }

    /// <summary>
    /// The filer's events after <paramref name="after"/> that readers may be given now, with
    /// <paramref name="condition"/>, in log order (the other way round when <paramref name="descending"/>),
    /// up to @limit: columns xid, seq, event.
    /// </summary>
    private Statement EventsAfter(string filerId, EventPosition after, string condition, bool descending) =>
        database.Statement($"""
                SELECT xid, seq, event FROM declaration_events
                WHERE filer_id = @filer_id{condition} AND {_dialect.LogAfter}
                ORDER BY {_dialect.LogOrder(descending)} LIMIT @limit
                """)
            .With("filer_id", filerId)
            .With("after_xid", after.Transaction)
            .With("after_seq", after.Sequence);

    public async Task<IReadOnlyList<Declaration>> ListDueForAssessmentAsync(
        DateTimeOffset updatedAtOrBefore, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The status is a literal, so the partial index of ACCEPTED declarations is used.
        var query = database.Statement($"""
                SELECT declaration FROM declarations
                WHERE status = {(int)DeclarationStatus.Accepted} AND update_time <= @updated_at_or_before
                ORDER BY update_time LIMIT @limit
                """)
            .With("updated_at_or_before", StoredTimes.FloorUnixMicroseconds(updatedAtOrBefore))
            .With("limit", limit);
        return await database.QueryAsync(query, ReadDeclaration, cancellationToken);
    }

    public async Task<RiskAssessment?> GetAssessmentAsync(DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var query = database.Statement("SELECT assessment FROM declarations WHERE filer_id = @filer_id AND declaration_id = @declaration_id")
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId);
        return await database.ScalarAsync(query, cancellationToken) is byte[] bytes ? RiskAssessment.Parser.ParseFrom(bytes) : null;
    }

    public Task<IReadOnlyList<Declaration>> ListByStatusAsync(
        DeclarationStatus status, string? filerId, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        var statement = database.Statement("").With("status", (int)status);
        if (filerId is not null)
        {
            statement.With("filer_id", filerId);
        }
        return ListOldestFirstAsync(filerId is null ? "status = @status" : "status = @status AND filer_id = @filer_id",
            statement, after, limit, cancellationToken);
    }

    public Task<IReadOnlyList<Declaration>> ListByMasterDocumentAsync(
        string masterDocument, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(masterDocument);
        // "<> ''" repeats the partial index's condition, so the planner may use it.
        return ListOldestFirstAsync("master_waybill = @document AND master_waybill <> ''",
            database.Statement("").With("document", masterDocument), after, limit, cancellationToken);
    }

    public async Task<IReadOnlyList<Declaration>> ListFlaggedAsync(
        string agencyId, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The agency's flags, in list order, drive the query.
        var sql = new StringBuilder($"""
            SELECT declarations.declaration FROM declaration_agency_flags AS flags
            {_dialect.OrderedJoin} declarations
                ON declarations.filer_id = flags.filer_id AND declarations.declaration_id = flags.declaration_id
            WHERE flags.agency_id = @agency_id
            """);
        var statement = database.Statement("").With("agency_id", agencyId);
        if (after is not null)
        {
            var (afterTime, afterId) = DeclarationIndex.KeysetBound(after);
            sql.Append(" AND (flags.create_time, flags.declaration_id) < (@after_time, @after_id)");
            statement.With("after_time", afterTime).With("after_id", afterId);
        }
        sql.Append(" ORDER BY flags.create_time DESC, flags.declaration_id DESC LIMIT @limit");
        statement.With("limit", limit).Sql = sql.ToString();
        return await database.QueryAsync(statement, ReadDeclaration, cancellationToken);
    }

    public async Task<bool> IsFlaggedAsync(string agencyId, DeclarationKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agencyId);
        ArgumentNullException.ThrowIfNull(key);
        var query = database.Statement("""
                SELECT 1 FROM declaration_agency_flags
                WHERE agency_id = @agency_id AND filer_id = @filer_id AND declaration_id = @declaration_id
                """)
            .With("agency_id", agencyId)
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId);
        return await database.ScalarAsync(query, cancellationToken) is not null;
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
        // One statement (so one snapshot) for every key: the counters of the hours after since's
        // hour (at most the window's hours per key, added up here so the value saturates instead
        // of overflowing), and the declarations of since's own hour, counted exactly.
        var plan = ConsigneeActivityBuckets.For(since);
        var query = database.Statement($"""
                SELECT consignee_key, consignments, value_cents FROM consignee_activity
                WHERE consignee_key {_dialect.InList("consignee_keys")} AND hour > @since_bucket
                UNION ALL
                SELECT consignee_key, COUNT(*), {_dialect.SaturatingSum("intrinsic_value_cents")} FROM declarations
                WHERE consignee_key {_dialect.InList("consignee_keys")} AND create_time >= @exact_from AND create_time < @exact_until
                  AND status <> {(int)DeclarationStatus.Cancelled}
                GROUP BY consignee_key
                """)
            .WithList("consignee_keys", keys)
            .With("since_bucket", plan.SinceBucket)
            .With("exact_from", plan.ExactFrom)
            .With("exact_until", plan.ExactUntil);
        var rows = await database.QueryAsync(query, reader => (Key: reader.GetString(0), Count: reader.GetInt64(1), Value: reader.GetInt64(2)), cancellationToken);
        foreach (var (key, count, value) in rows)
        {
            ConsigneeActivityBuckets.Add(activity, key, count, value);
        }
        return ConsigneeActivityBuckets.WithoutEmpty(activity);
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> FindByLocalReferenceNumbersAsync(
        string filerId, IReadOnlyCollection<string> localReferenceNumbers, DateTimeOffset since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(localReferenceNumbers);
        var found = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var lrns = localReferenceNumbers.Where(lrn => lrn.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
        if (lrns.Length == 0)
        {
            return found;
        }
        // Grouped, so a filer that reused one LRN thousands of times still costs one row per LRN.
        // The narrow reference table finds the candidates (the main row has no LRN index since
        // schema 9: without it this scanned the filer's whole window, per batch); the row confirms
        // that the reference is the LRN and not another of its references.
        var query = database.Statement($"""
                SELECT declarations.local_reference_number, MIN(declarations.declaration_id), MAX(declarations.declaration_id)
                FROM declaration_references AS refs {_dialect.OrderedJoin} declarations
                    ON declarations.filer_id = refs.filer_id AND declarations.declaration_id = refs.declaration_id
                WHERE refs.filer_id = @filer_id AND refs.reference {_dialect.InList("lrns")}
                    AND declarations.local_reference_number = refs.reference AND declarations.create_time >= @created_from
                GROUP BY declarations.local_reference_number
                """)
            .With("filer_id", filerId)
            .WithList("lrns", lrns)
            .With("created_from", DeclarationIndex.CeilingUnixMicroseconds(since));
        var rows = await database.QueryAsync(query, reader => (Lrn: reader.GetString(0), First: reader.GetString(1), Last: reader.GetString(2)), cancellationToken);
        foreach (var (lrn, first, last) in rows)
        {
            found[lrn] = first == last
                ? [ResourceNames.Declaration(filerId, first)]
                : [ResourceNames.Declaration(filerId, first), ResourceNames.Declaration(filerId, last)];
        }
        return found;
    }

    /// <summary>Declarations matching <paramref name="where"/>, oldest first (create time, then id), strictly after <paramref name="after"/>.</summary>
    private async Task<IReadOnlyList<Declaration>> ListOldestFirstAsync(
        string where, Statement statement, ListPosition? after, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var sql = new StringBuilder("SELECT declaration FROM declarations WHERE ").Append(where);
        if (after is not null)
        {
            // A position that is not a whole microsecond lies between stored times, so every row
            // from its ceiling on comes after it.
            statement.With("after_time", DeclarationIndex.CeilingUnixMicroseconds(after.CreateTime));
            if (StoredTimes.IsWholeMicrosecond(after.CreateTime))
            {
                sql.Append(" AND (create_time, declaration_id) > (@after_time, @after_id)");
                statement.With("after_id", after.DeclarationId);
            }
            else
            {
                sql.Append(" AND create_time >= @after_time");
            }
        }
        sql.Append(" ORDER BY create_time, declaration_id LIMIT @limit");
        statement.With("limit", limit).Sql = sql.ToString();
        return await database.QueryAsync(statement, ReadDeclaration, cancellationToken);
    }

    /// <summary>The recorded answers to the request ids of <paramref name="writes"/>, by (filer, request id): one query per filer.</summary>
    private async Task<Dictionary<(string FilerId, string RequestId), (byte[] Hash, byte[] Response)>> FindAnswersAsync(
        WriteTransaction transaction, IReadOnlyList<DeclarationWrite> writes, CancellationToken ct)
    {
        var answers = new Dictionary<(string, string), (byte[], byte[])>();
        foreach (var filer in writes.Where(write => write.RequestId is not null).GroupBy(write => write.Key.FilerId, StringComparer.Ordinal))
        {
            var lookup = database.Statement($"""
                    {AnswerSql}
                    WHERE records.filer_id = @filer_id AND records.request_id {_dialect.InList("request_ids")}
                    """)
                .With("filer_id", filer.Key)
                .WithList("request_ids", filer.Select(write => write.RequestId!).Distinct(StringComparer.Ordinal).ToArray());
            await using var reader = await transaction.ReadAsync(lookup, ct);
            while (await reader.ReadAsync(ct))
            {
                answers[(filer.Key, reader.GetString(0))] = (reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2));
            }
        }
        return answers;
    }

    /// <summary>
    /// Answers the updates of <paramref name="missed"/> whose request id was recorded by a racing
    /// transaction that won the compare-and-set (committed by the time the update found the row
    /// changed, so this statement sees its record); returns the items still unanswered. Under a
    /// single writer nothing races, and the look-up finds nothing new.
    /// </summary>
    private async Task<List<int>> AnswerMissed(
        WriteTransaction transaction, IReadOnlyList<DeclarationWrite> writes, List<int> missed, WriteOutcome[] outcomes, CancellationToken ct)
    {
        var withRequestIds = missed.Where(item => writes[item].RequestId is not null).Select(item => writes[item]).ToArray();
        if (withRequestIds.Length == 0)
        {
            return missed;
        }
        var answers = await FindAnswersAsync(transaction, withRequestIds, ct);
        var unanswered = new List<int>(missed.Count);
        foreach (var item in missed)
        {
            if (writes[item].RequestId is { } requestId && answers.TryGetValue((writes[item].Key.FilerId, requestId), out var earlier))
            {
                outcomes[item] = Answer(earlier, writes[item]);
            }
            else
            {
                unanswered.Add(item);
            }
        }
        return unanswered;
    }

    /// <summary>Which of <paramref name="keys"/> name a stored declaration.</summary>
    private async Task<HashSet<DeclarationKey>> FindExistingAsync(
        WriteTransaction transaction, IEnumerable<DeclarationKey> keys, CancellationToken ct)
    {
        var query = database.Statement(
                $"SELECT filer_id, declaration_id FROM declarations WHERE (filer_id, declaration_id) IN ({_dialect.KeyList("keys")})")
            .WithKeys("keys", keys.Distinct().ToArray());
        var existing = new HashSet<DeclarationKey>();
        await using var reader = await transaction.ReadAsync(query, ct);
        while (await reader.ReadAsync(ct))
        {
            existing.Add(new DeclarationKey(reader.GetString(0), reader.GetString(1)));
        }
        return existing;
    }

    /// <summary>Same request hash: the earlier answer; another hash: a conflict.</summary>
    private static WriteOutcome Answer((byte[] Hash, byte[] Response) earlier, DeclarationWrite write) =>
        IdempotencyRecord.FromStored(write.RequestId!, earlier.Hash, earlier.Response).AnswerTo(write.RequestHash);

    /// <summary>
    /// Adds the write's event rows at the next positions of its filer's log (in order), and, when
    /// the request carried one, the idempotency record (the declaration as written); returns the
    /// Written outcome. With <paramref name="answerIsTheRow"/> the record holds no copy of the
    /// declaration but names its row, which is the answer until it next changes (then
    /// <see cref="KeepAnswers"/> copies it in): one copy of the declaration's bytes per write.
    /// </summary>
    private WriteOutcome Append(
        List<Statement> statements, DeclarationWrite write, SequenceCounters events, SerializedWrite serialized, bool answerIsTheRow)
    {
        var position = EventPosition.Start;
        foreach (var @event in serialized.Events)
        {
            position = events.Next(write.Key.FilerId);
            statements.Add(database.Statement("""
                    INSERT INTO declaration_events (filer_id, xid, seq, declaration_id, event)
                    VALUES (@filer_id, @xid, @seq, @declaration_id, @event)
                    """)
                .With("filer_id", write.Key.FilerId)
                .With("xid", position.Transaction)
                .With("seq", position.Sequence)
                .With("declaration_id", write.Key.DeclarationId)
                .With("event", @event));
        }

        if (write.RequestId is not null)
        {
            statements.Add(database.Statement("""
                    INSERT INTO idempotency_records (filer_id, request_id, request_hash, response, declaration_id)
                    VALUES (@filer_id, @request_id, @request_hash, @response, @declaration_id)
                    """)
                .With("filer_id", write.Key.FilerId)
                .With("request_id", write.RequestId)
                .With("request_hash", write.RequestHash!)
                .With("response", answerIsTheRow ? Array.Empty<byte>() : serialized.Declaration)
                .With("declaration_id", write.Key.DeclarationId));
        }

        var appended = write.Event.Clone();
        appended.Cursor = position.ToString();
        return new WriteOutcome(WriteOutcomeKind.Written, write.Declaration, appended);
    }

    /// <summary>
    /// Copies the row of <paramref name="key"/> into the idempotency records it answers (an empty
    /// response, <see cref="Append"/>), to run before the row changes: each keeps the answer it
    /// was given. Found by the partial index, which holds such records only.
    /// </summary>
    private Statement KeepAnswers(DeclarationKey key) =>
        database.Statement("""
                UPDATE idempotency_records SET response = (
                    SELECT declaration FROM declarations
                    WHERE declarations.filer_id = idempotency_records.filer_id
                      AND declarations.declaration_id = idempotency_records.declaration_id)
                WHERE filer_id = @filer_id AND declaration_id = @declaration_id AND length(response) = 0
                """)
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId);

    /// <summary>
    /// The insert of the declaration's distinct non-empty references into the side table the
    /// reference filter reads (kept if already there; one a later change dropped is never matched,
    /// since the filter re-checks the row). No statement for a declaration without any.
    /// </summary>
    private IEnumerable<Statement> References(DeclarationKey key, DeclarationIndex index)
    {
        var references = new[]
            {
                index.LocalReferenceNumber, index.UniqueConsignmentReference, index.ItemIdentifier,
                index.HouseWaybill, index.MasterWaybill, index.CustomsReference,
            }
            .Where(reference => reference.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .ToArray();
        if (references.Length == 0)
        {
            yield break;
        }
        // One statement per count of references (at most six texts, each prepared once).
        var rows = string.Join(", ", references.Select((_, i) => $"(@filer_id, @reference_{i}, @declaration_id)"));
        var statement = database.Statement($"""
                INSERT INTO declaration_references (filer_id, reference, declaration_id) VALUES {rows}
                ON CONFLICT DO NOTHING
                """)
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId);
        for (var i = 0; i < references.Length; i++)
        {
            statement.With($"reference_{i}", references[i]);
        }
        yield return statement;
    }

    /// <summary>
    /// The insert of the write's agency flags (kept if already there: flags only accumulate), under
    /// the declaration's create time, which orders an agency's list. No statement at all for a
    /// write without facts or flags: the common case on the ingest path.
    /// </summary>
    private IEnumerable<Statement> AgencyFlags(DeclarationWrite write, DeclarationIndex index)
    {
        if (write.Facts is not { FlaggedAgencies.Count: > 0 } facts)
        {
            yield break;
        }
        // "WHERE 1 = 1" lets SQLite parse the upsert after a SELECT.
        yield return database.Statement($"""
                INSERT INTO declaration_agency_flags (agency_id, filer_id, declaration_id, create_time)
                SELECT value, @filer_id, @declaration_id, @create_time FROM {_dialect.ListValues("agency_ids")} WHERE 1 = 1
                ON CONFLICT (agency_id, filer_id, declaration_id) DO NOTHING
                """)
            .WithList("agency_ids", facts.FlaggedAgencies.ToArray())
            .With("filer_id", write.Key.FilerId)
            .With("declaration_id", write.Key.DeclarationId)
            .With("create_time", index.CreateTime);
    }

    private void AddOutbox(List<Statement> statements, List<(Statement Insert, OutboxEntry Entry)> inserts, IReadOnlyList<OutboxEntry> entries)
    {
        foreach (var (insert, entry) in OutboxRepository.Inserts(database, entries).Zip(entries))
        {
            statements.Add(insert);
            inserts.Add((insert, entry));
        }
    }

    private static Statement AddDeclarationParameters(Statement statement, DeclarationKey key, DeclarationIndex index, byte[] declarationBytes) =>
        statement
            .With("filer_id", key.FilerId)
            .With("declaration_id", key.DeclarationId)
            .With("status", index.Status)
            .With("revision", index.Revision)
            .With("create_time", index.CreateTime)
            .With("update_time", index.UpdateTime)
            .With("local_reference_number", index.LocalReferenceNumber)
            .With("unique_consignment_reference", index.UniqueConsignmentReference)
            .With("item_identifier", index.ItemIdentifier)
            .With("house_waybill", index.HouseWaybill)
            .With("master_waybill", index.MasterWaybill)
            .With("customs_reference", index.CustomsReference)
            .With("declaration", declarationBytes);

    private static void AddFactsParameters(Statement statement, StoredFacts facts) =>
        statement
            .With("consignee_key", facts.ConsigneeKey)
            .With("intrinsic_value_cents", facts.IntrinsicValueCents)
            .WithNullable("assessment", facts.Assessment, DbType.Binary);

    private static Declaration ReadDeclaration(DbDataReader reader) => Declaration.Parser.ParseFrom(reader.GetFieldValue<byte[]>(0));
}

using System.Data;
using System.Data.Common;
using System.Text;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The outbox to partner administrations (<see cref="IOutboxStore"/>). A write's entries are
/// inserted by the declaration write itself, in its transaction and only when it is written
/// (<see cref="Inserts"/>). Several nodes may work one partner's queue at once (PostgreSQL): an
/// acknowledgement or a failed attempt changes a message only while it is still pending, which
/// the row lock makes exact (the later of two updates re-reads the row the earlier committed).
/// Times are whole Unix microseconds, as the declarations' are: a time with finer ticks is truncated.
/// </summary>
public sealed class OutboxRepository(StoreDatabase database) : IOutboxStore
{
    private const string Columns = """
        sequence, message_id, partner, declaration_name, kind, payload, create_time, state, attempts,
        next_attempt_time, last_error, acknowledge_time, rejection
        """;

    private const int PendingState = (int)OutboxMessageState.Pending;

    // A new message is pending, untried, and due at once.
    private static readonly string InsertSql = $"""
        INSERT INTO outbox (
            message_id, partner, declaration_name, kind, payload, create_time, state, attempts, next_attempt_time, last_error)
        VALUES (@message_id, @partner, @declaration_name, @kind, @payload, @create_time, {PendingState}, 0, @create_time, '')
        ON CONFLICT (message_id) DO NOTHING
        """;

    private static readonly string AcknowledgeSql = $"""
        UPDATE outbox SET state = @state, acknowledge_time = @acknowledge_time, rejection = @rejection
        WHERE message_id = @message_id AND state = {PendingState}
        """;

    private static readonly string FailedAttemptSql = $"""
        UPDATE outbox SET attempts = attempts + 1, last_error = @last_error, next_attempt_time = @next_attempt_time
        WHERE message_id = @message_id AND state = {PendingState}
        """;

    // One statement, so the counts and the head come from one snapshot.
    private static readonly string BacklogSql = $"""
        SELECT
            (SELECT COUNT(*) FROM outbox WHERE partner = @partner AND state = {PendingState}),
            (SELECT COUNT(*) FROM outbox WHERE partner = @partner AND state = {(int)OutboxMessageState.Delivered}),
            (SELECT COUNT(*) FROM outbox WHERE partner = @partner AND state = {(int)OutboxMessageState.Rejected}),
            (SELECT MIN(create_time) FROM outbox WHERE partner = @partner AND state = {PendingState}),
            (SELECT last_error FROM outbox WHERE partner = @partner AND state = {PendingState} ORDER BY sequence LIMIT 1),
            (SELECT next_attempt_time FROM outbox WHERE partner = @partner AND state = {PendingState} ORDER BY sequence LIMIT 1)
        """;

    public async Task<IReadOnlyList<OutboxRecord>> ListPendingAsync(string partner, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var query = database.Statement(
                $"SELECT {Columns} FROM outbox WHERE partner = @partner AND state = {PendingState} ORDER BY sequence LIMIT @limit")
            .With("partner", partner)
            .With("limit", limit);
        return await database.QueryAsync(query, ReadRecord, cancellationToken);
    }

    public async Task AcknowledgeAsync(IReadOnlyList<OutboxAcknowledgement> acknowledgements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledgements);
        foreach (var acknowledgement in acknowledgements)
        {
            ArgumentNullException.ThrowIfNull(acknowledgement, nameof(acknowledgements));
            ArgumentNullException.ThrowIfNull(acknowledgement.MessageId, nameof(acknowledgements));
        }
        if (acknowledgements.Count == 0)
        {
            return;
        }
        await database.WriteAsync(async (transaction, ct) =>
        {
            // The rows are locked in message id order, the same in every transaction, so nodes
            // acknowledging overlapping messages at once never deadlock; the sort is stable and
            // the statements run in order, so of two answers to one message the first counts.
            var updates = acknowledgements
                .OrderBy(a => a.MessageId, StringComparer.Ordinal)
                .Select(acknowledgement => database.Statement(AcknowledgeSql)
                    .With("message_id", acknowledgement.MessageId)
                    .With("state", (int)(acknowledgement.Rejected ? OutboxMessageState.Rejected : OutboxMessageState.Delivered))
                    .With("acknowledge_time", StoredTimes.FloorUnixMicroseconds(acknowledgement.Time))
                    // Only a rejection has a status to keep.
                    .WithNullable("rejection", acknowledgement is { Rejected: true, Rejection: { } rejection } ? rejection : null, DbType.Binary))
                .ToList();
            await transaction.ExecuteAsync(updates, ct);
            var changed = updates.Sum(update => update.RecordsAffected);
            return (changed, changed > 0);
        }, cancellationToken);
    }

    public async Task RecordFailedAttemptAsync(string messageId, string error, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(error);
        await database.WriteAsync(async (transaction, ct) =>
        {
            var changed = await transaction.ExecuteAsync(database.Statement(FailedAttemptSql)
                .With("message_id", messageId)
                .With("last_error", error)
                .With("next_attempt_time", StoredTimes.FloorUnixMicroseconds(nextAttemptTime)), ct);
            return (changed, changed > 0);
        }, cancellationToken);
    }

    public async Task<OutboxBacklogRow> GetBacklogAsync(string partner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        var rows = await database.QueryAsync(database.Statement(BacklogSql).With("partner", partner), reader => new OutboxBacklogRow(
            Pending: reader.GetInt64(0),
            Delivered: reader.GetInt64(1),
            Rejected: reader.GetInt64(2),
            OldestPendingCreateTime: reader.IsDBNull(3) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(3)),
            LastError: reader.IsDBNull(4) ? "" : reader.GetString(4),
            NextAttemptTime: reader.IsDBNull(5) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(5))), cancellationToken);
        return rows[0];
    }

    public async Task<IReadOnlyList<OutboxRecord>> ListAsync(
        string partner, OutboxMessageState? state, long? afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var sql = new StringBuilder($"SELECT {Columns} FROM outbox WHERE partner = @partner");
        var query = database.Statement("").With("partner", partner);
        if (state is { } wanted)
        {
            sql.Append(" AND state = @state");
            query.With("state", (int)wanted);
        }
        if (afterSequence is { } after)
        {
            sql.Append(" AND sequence > @after");
            query.With("after", after);
        }
        sql.Append(" ORDER BY sequence LIMIT @limit");
        query.With("limit", limit).Sql = sql.ToString();
        return await database.QueryAsync(query, ReadRecord, cancellationToken);
    }

    /// <summary>The outbox entries of a write, checked before any lock is taken; empty when it has none.</summary>
    internal static IReadOnlyList<OutboxEntry> Of(DeclarationWrite write)
    {
        if (write.Outbox is not { } entries)
        {
            return [];
        }
        foreach (var entry in entries)
        {
            ArgumentNullException.ThrowIfNull(entry, nameof(write));
            ArgumentException.ThrowIfNullOrEmpty(entry.MessageId, nameof(write));
            ArgumentNullException.ThrowIfNull(entry.Partner, nameof(write));
            ArgumentNullException.ThrowIfNull(entry.DeclarationName, nameof(write));
            ArgumentNullException.ThrowIfNull(entry.Payload, nameof(write));
        }
        return entries;
    }

    /// <summary>The inserts of a written change's outbox entries, in their order, for its transaction.</summary>
    internal static IEnumerable<Statement> Inserts(StoreDatabase database, IReadOnlyList<OutboxEntry> entries) =>
        entries.Select(entry => database.Statement(InsertSql)
            .With("message_id", entry.MessageId)
            .With("partner", entry.Partner)
            .With("declaration_name", entry.DeclarationName)
            .With("kind", (int)entry.Kind)
            .With("payload", entry.Payload)
            .With("create_time", StoredTimes.FloorUnixMicroseconds(entry.CreateTime)));

    /// <summary>
    /// Message ids are unique (the core makes them): a taken one is a bug upstream, and throwing
    /// rolls the whole write back, so no change is ever durable without its messages.
    /// </summary>
    internal static void ThrowIfConflicted(IEnumerable<(Statement Insert, OutboxEntry Entry)> inserts)
    {
        foreach (var (insert, entry) in inserts)
        {
            if (insert.RecordsAffected != 1)
            {
                throw new InvalidOperationException($"Outbox message {entry.MessageId} already exists.");
            }
        }
    }

    private static OutboxRecord ReadRecord(DbDataReader reader)
    {
        var entry = new OutboxEntry(
            MessageId: reader.GetString(1),
            Partner: reader.GetString(2),
            DeclarationName: reader.GetString(3),
            Kind: (MessageKind)reader.GetInt32(4),
            Payload: reader.GetFieldValue<byte[]>(5),
            CreateTime: Timestamps.FromUnixMicroseconds(reader.GetInt64(6)));
        return new OutboxRecord(
            Sequence: reader.GetInt64(0),
            Entry: entry,
            State: (OutboxMessageState)reader.GetInt32(7),
            Attempts: reader.GetInt32(8),
            NextAttemptTime: Timestamps.FromUnixMicroseconds(reader.GetInt64(9)),
            LastError: reader.GetString(10),
            AcknowledgeTime: reader.IsDBNull(11) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(11)),
            Rejection: reader.IsDBNull(12) ? null : reader.GetFieldValue<byte[]>(12));
    }
}

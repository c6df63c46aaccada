using System.Text;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The outbox to partner administrations (<see cref="IOutboxStore"/>). A write's entries go in the
/// declaration write's own batch, so they commit with it, and only when it is written
/// (<see cref="AddOutbox"/>). Several nodes may work one partner's queue at once: an
/// acknowledgement or a failed attempt changes a message only while it is still pending, which
/// the row lock makes exact (the later of two updates re-reads the row the earlier committed).
/// Times are whole Unix microseconds, as the declarations' are: a time with finer ticks is truncated.
/// </summary>
public sealed partial class PostgresDeclarationStore
{
    private const string OutboxColumns = """
        sequence, message_id, partner, declaration_name, kind, payload, create_time, state, attempts,
        next_attempt_time, last_error, acknowledge_time, rejection
        """;

    private const int PendingState = (int)OutboxMessageState.Pending;

    // A new message is pending, untried, and due at once.
    private static readonly string InsertOutboxSql = $"""
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
        await using var command = _dataSource.CreateCommand(
            $"SELECT {OutboxColumns} FROM outbox WHERE partner = @partner AND state = {PendingState} ORDER BY sequence LIMIT @limit");
        command.Parameters.Add(Parameter("partner", partner));
        command.Parameters.Add(Parameter("limit", limit));
        return await ReadOutboxRecordsAsync(command, cancellationToken);
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
        await WriteAsync(async (connection, transaction, ct) =>
        {
            // One round trip. The rows are locked in message id order, the same in every
            // transaction, so nodes acknowledging overlapping messages at once never deadlock; the
            // sort is stable and the statements run in order, so of two answers to one message the
            // first counts.
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var acknowledgement in acknowledgements.OrderBy(a => a.MessageId, StringComparer.Ordinal))
            {
                var update = new NpgsqlBatchCommand(AcknowledgeSql);
                update.Parameters.Add(Parameter("message_id", acknowledgement.MessageId));
                update.Parameters.Add(Parameter("state", (int)(acknowledgement.Rejected ? OutboxMessageState.Rejected : OutboxMessageState.Delivered)));
                update.Parameters.Add(Parameter("acknowledge_time", FloorUnixMicroseconds(acknowledgement.Time)));
                // Only a rejection has a status to keep.
                update.Parameters.Add(new NpgsqlParameter("rejection", NpgsqlDbType.Bytea)
                {
                    Value = acknowledgement is { Rejected: true, Rejection: { } rejection } ? (object)rejection : DBNull.Value,
                });
                batch.BatchCommands.Add(update);
            }
            var changed = await batch.ExecuteNonQueryAsync(ct);
            return (changed, changed > 0);
        }, cancellationToken);
    }

    public async Task RecordFailedAttemptAsync(string messageId, string error, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(error);
        await using var command = _dataSource.CreateCommand(FailedAttemptSql);
        command.Parameters.Add(Parameter("message_id", messageId));
        command.Parameters.Add(Parameter("last_error", error));
        command.Parameters.Add(Parameter("next_attempt_time", FloorUnixMicroseconds(nextAttemptTime)));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<OutboxBacklogRow> GetBacklogAsync(string partner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        await using var command = _dataSource.CreateCommand(BacklogSql);
        command.Parameters.Add(Parameter("partner", partner));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new OutboxBacklogRow(
            Pending: reader.GetInt64(0),
            Delivered: reader.GetInt64(1),
            Rejected: reader.GetInt64(2),
            OldestPendingCreateTime: reader.IsDBNull(3) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(3)),
            LastError: reader.IsDBNull(4) ? "" : reader.GetString(4),
            NextAttemptTime: reader.IsDBNull(5) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(5)));
    }

    public async Task<IReadOnlyList<OutboxRecord>> ListAsync(
        string partner, OutboxMessageState? state, long? afterSequence, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        await using var command = _dataSource.CreateCommand();
        var sql = new StringBuilder($"SELECT {OutboxColumns} FROM outbox WHERE partner = @partner");
        command.Parameters.Add(Parameter("partner", partner));
        if (state is { } wanted)
        {
            sql.Append(" AND state = @state");
            command.Parameters.Add(Parameter("state", (int)wanted));
        }
        if (afterSequence is { } after)
        {
            sql.Append(" AND sequence > @after");
            command.Parameters.Add(Parameter("after", after));
        }
        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.Parameters.Add(Parameter("limit", limit));
        command.CommandText = sql.ToString();
        return await ReadOutboxRecordsAsync(command, cancellationToken);
    }

    /// <summary>The outbox entries of a write, checked before any lock is taken; empty when it has none.</summary>
    private static IReadOnlyList<OutboxEntry> OutboxOf(DeclarationWrite write)
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

    /// <summary>
    /// Adds a written change's outbox entries, in their order, to its batch, and their commands to
    /// <paramref name="inserts"/>, for <see cref="ThrowIfOutboxConflicted"/> once the batch has run.
    /// </summary>
    private static void AddOutbox(NpgsqlBatch batch, IReadOnlyList<OutboxEntry> entries, List<NpgsqlBatchCommand> inserts)
    {
        foreach (var entry in entries)
        {
            var insert = new NpgsqlBatchCommand(InsertOutboxSql);
            insert.Parameters.Add(Parameter("message_id", entry.MessageId));
            insert.Parameters.Add(Parameter("partner", entry.Partner));
            insert.Parameters.Add(Parameter("declaration_name", entry.DeclarationName));
            insert.Parameters.Add(Parameter("kind", (int)entry.Kind));
            insert.Parameters.Add(Parameter("payload", entry.Payload));
            insert.Parameters.Add(Parameter("create_time", FloorUnixMicroseconds(entry.CreateTime)));
            batch.BatchCommands.Add(insert);
            inserts.Add(insert);
        }
    }

    /// <summary>
    /// Message ids are unique (the core makes them): a taken one is a bug upstream, and throwing
    /// rolls the whole write back, so no change is ever durable without its messages.
    /// </summary>
    private static void ThrowIfOutboxConflicted(IEnumerable<NpgsqlBatchCommand> inserts)
    {
        foreach (var insert in inserts)
        {
            if (insert.RecordsAffected != 1)
            {
                throw new InvalidOperationException($"Outbox message {insert.Parameters["message_id"].Value} already exists.");
            }
        }
    }

    private static async Task<IReadOnlyList<OutboxRecord>> ReadOutboxRecordsAsync(NpgsqlCommand command, CancellationToken ct)
    {
        var records = new List<OutboxRecord>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var entry = new OutboxEntry(
                MessageId: reader.GetString(1),
                Partner: reader.GetString(2),
                DeclarationName: reader.GetString(3),
                Kind: (MessageKind)reader.GetInt32(4),
                Payload: reader.GetFieldValue<byte[]>(5),
                CreateTime: Timestamps.FromUnixMicroseconds(reader.GetInt64(6)));
            records.Add(new OutboxRecord(
                Sequence: reader.GetInt64(0),
                Entry: entry,
                State: (OutboxMessageState)reader.GetInt32(7),
                Attempts: reader.GetInt32(8),
                NextAttemptTime: Timestamps.FromUnixMicroseconds(reader.GetInt64(9)),
                LastError: reader.GetString(10),
                AcknowledgeTime: reader.IsDBNull(11) ? null : Timestamps.FromUnixMicroseconds(reader.GetInt64(11)),
                Rejection: reader.IsDBNull(12) ? null : reader.GetFieldValue<byte[]>(12)));
        }
        return records;
    }

}

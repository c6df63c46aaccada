using System.Text;
using Exchange.Contracts.Partner.V1;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The outbox to partner administrations (<see cref="IOutboxStore"/>). A write's entries are
/// inserted by the declaration write itself, in its transaction and only when it is written
/// (<see cref="AppendOutboxAsync"/>); the changes of state here go through the same writer.
/// Times are whole Unix microseconds, as the declarations' are: a time with finer ticks is
/// truncated.
/// </summary>
public sealed partial class SqliteDeclarationStore
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
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection,
            $"SELECT {OutboxColumns} FROM outbox WHERE partner = @partner AND state = {PendingState} ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("@partner", partner);
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadOutboxRecordsAsync(command, cancellationToken);
    }

    public Task AcknowledgeAsync(IReadOnlyList<OutboxAcknowledgement> acknowledgements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(acknowledgements);
        foreach (var acknowledgement in acknowledgements)
        {
            ArgumentNullException.ThrowIfNull(acknowledgement, nameof(acknowledgements));
            ArgumentNullException.ThrowIfNull(acknowledgement.MessageId, nameof(acknowledgements));
        }
        if (acknowledgements.Count == 0)
        {
            return Task.CompletedTask;
        }
        return WriteAsync(async (transaction, ct) =>
        {
            var changed = 0;
            // In order: of two answers to one message, the first one counts.
            foreach (var acknowledgement in acknowledgements)
            {
                var update = Command(transaction, AcknowledgeSql);
                AddAcknowledgementParameters(update.Parameters, acknowledgement);
                changed += await update.ExecuteNonQueryAsync(ct);
            }
            return (changed, changed > 0);
        }, cancellationToken);
    }

    public Task RecordFailedAttemptAsync(string messageId, string error, DateTimeOffset nextAttemptTime, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        ArgumentNullException.ThrowIfNull(error);
        return WriteAsync(async (transaction, ct) =>
        {
            var update = Command(transaction, FailedAttemptSql);
            update.Parameters.AddWithValue("@message_id", messageId);
            update.Parameters.AddWithValue("@last_error", error);
            update.Parameters.AddWithValue("@next_attempt_time", FloorUnixMicroseconds(nextAttemptTime));
            var changed = await update.ExecuteNonQueryAsync(ct);
            return (changed, changed > 0);
        }, cancellationToken);
    }

    public async Task<OutboxBacklogRow> GetBacklogAsync(string partner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partner);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = Command(connection, BacklogSql);
        command.Parameters.AddWithValue("@partner", partner);
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
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var sql = new StringBuilder($"SELECT {OutboxColumns} FROM outbox WHERE partner = @partner");
        command.Parameters.AddWithValue("@partner", partner);
        if (state is { } wanted)
        {
            sql.Append(" AND state = @state");
            command.Parameters.AddWithValue("@state", (int)wanted);
        }
        if (afterSequence is { } after)
        {
            sql.Append(" AND sequence > @after");
            command.Parameters.AddWithValue("@after", after);
        }
        sql.Append(" ORDER BY sequence LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit);
        command.CommandText = sql.ToString();
        return await ReadOutboxRecordsAsync(command, cancellationToken);
    }

    /// <summary>The outbox entries of a write, checked before the write lock is taken; empty when it has none.</summary>
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
    /// Inserts a written change's outbox entries, in their order, inside its transaction. Message
    /// ids are unique (the core makes them): a taken one is a bug upstream, and throwing rolls
    /// the whole write back, so no change is ever durable without its messages.
    /// </summary>
    private async Task AppendOutboxAsync(SqliteTransaction transaction, IReadOnlyList<OutboxEntry> entries, CancellationToken ct)
    {
        foreach (var entry in entries)
        {
            var insert = Command(transaction, InsertOutboxSql);
            var parameters = insert.Parameters;
            parameters.AddWithValue("@message_id", entry.MessageId);
            parameters.AddWithValue("@partner", entry.Partner);
            parameters.AddWithValue("@declaration_name", entry.DeclarationName);
            parameters.AddWithValue("@kind", (int)entry.Kind);
            parameters.AddWithValue("@payload", entry.Payload);
            parameters.AddWithValue("@create_time", FloorUnixMicroseconds(entry.CreateTime));
            if (await insert.ExecuteNonQueryAsync(ct) != 1)
            {
                throw new InvalidOperationException($"Outbox message {entry.MessageId} already exists.");
            }
        }
    }

    private static void AddAcknowledgementParameters(SqliteParameterCollection parameters, OutboxAcknowledgement acknowledgement)
    {
        parameters.AddWithValue("@message_id", acknowledgement.MessageId);
        parameters.AddWithValue("@state", (int)(acknowledgement.Rejected ? OutboxMessageState.Rejected : OutboxMessageState.Delivered));
        parameters.AddWithValue("@acknowledge_time", FloorUnixMicroseconds(acknowledgement.Time));
        // Only a rejection has a status to keep.
        parameters.AddWithValue("@rejection", acknowledgement is { Rejected: true, Rejection: { } rejection } ? (object)rejection : DBNull.Value);
    }

    private static async Task<IReadOnlyList<OutboxRecord>> ReadOutboxRecordsAsync(SqliteCommand command, CancellationToken ct)
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

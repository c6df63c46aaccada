using System.Text;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;
using Npgsql;

namespace Exchange.Storage.Postgres;

/// <summary>
/// The append-only audit log (<see cref="IAuditStore"/>); the table's trigger refuses UPDATE,
/// DELETE and TRUNCATE (PostgresSchema, version 5). Times are whole Unix microseconds, as the
/// declarations' are: a time with finer ticks is truncated.
/// </summary>
public sealed partial class PostgresDeclarationStore
{
    private const string AppendAuditSql = """
        INSERT INTO audit_log (time, actor, action, resource, outcome, detail)
        VALUES (@time, @actor, @action, @resource, @outcome, @detail)
        """;

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            CheckAuditEntry(entry, nameof(entries));
        }
        if (entries.Count == 0)
        {
            return;
        }
        await WriteAsync(async (connection, transaction, ct) =>
        {
            // One statement per entry, run in order in one round trip: the identity hands out the
            // sequences in the order given (a multi-row INSERT would not promise that).
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var entry in entries)
            {
                var insert = new NpgsqlBatchCommand(AppendAuditSql);
                insert.Parameters.Add(Parameter("time", FloorUnixMicroseconds(entry.Time)));
                insert.Parameters.Add(Parameter("actor", entry.Actor));
                insert.Parameters.Add(Parameter("action", entry.Action));
                insert.Parameters.Add(Parameter("resource", entry.Resource));
                insert.Parameters.Add(Parameter("outcome", entry.Outcome));
                insert.Parameters.Add(Parameter("detail", entry.Detail));
                batch.BatchCommands.Add(insert);
            }
            await batch.ExecuteNonQueryAsync(ct);
            return (entries.Count, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecordRow>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        await using var command = _dataSource.CreateCommand();
        // Only the filters given become SQL, so the planner sees a shape it can match to an index.
        var sql = new StringBuilder("SELECT sequence, time, actor, action, resource, outcome, detail FROM audit_log WHERE TRUE");
        var parameters = command.Parameters;
        if (query.Actor is { } actor)
        {
            sql.Append(" AND actor = @actor");
            parameters.Add(Parameter("actor", actor));
        }
        if (query.ResourcePrefix is { } prefix)
        {
            // A range, [prefix, end of prefix), not LIKE: '%' and '_' are plain characters. The
            // "C" collation of the column orders code points, as RegistryRules.PrefixEnd assumes.
            sql.Append(" AND resource >= @prefix");
            parameters.Add(Parameter("prefix", prefix));
            if (RegistryRules.PrefixEnd(prefix) is { } prefixEnd)
            {
                sql.Append(" AND resource < @prefix_end");
                parameters.Add(Parameter("prefix_end", prefixEnd));
            }
        }
        // Stored times are whole microseconds, so comparing with the ceiling is exact (DeclarationIndex).
        if (query.Start is { } start)
        {
            sql.Append(" AND time >= @start");
            parameters.Add(Parameter("start", DeclarationIndex.CeilingUnixMicroseconds(start)));
        }
        if (query.End is { } end)
        {
            sql.Append(" AND time < @end");
            parameters.Add(Parameter("end", DeclarationIndex.CeilingUnixMicroseconds(end)));
        }
        if (query.BeforeSequence is { } before)
        {
            sql.Append(" AND sequence < @before");
            parameters.Add(Parameter("before", before));
        }
        sql.Append(" ORDER BY sequence DESC LIMIT @limit");
        parameters.Add(Parameter("limit", query.Limit));
        command.CommandText = sql.ToString();

        var rows = new List<AuditRecordRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new AuditRecordRow(reader.GetInt64(0), new AuditEntry(
                Time: Timestamps.FromUnixMicroseconds(reader.GetInt64(1)),
                Actor: reader.GetString(2),
                Action: reader.GetString(3),
                Resource: reader.GetString(4),
                Outcome: reader.GetString(5),
                Detail: reader.GetString(6))));
        }
        return rows;
    }

    private static void CheckAuditEntry(AuditEntry entry, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(entry, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Actor, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Action, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Resource, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Outcome, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Detail, parameterName);
    }
}

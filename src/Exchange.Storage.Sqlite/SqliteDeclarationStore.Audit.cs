using System.Text;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The append-only audit log (<see cref="IAuditStore"/>): appends go through the writer, and the
/// table's triggers refuse UPDATE and DELETE (SqliteSchema, version 5). Times are whole Unix
/// microseconds, as the declarations' are: a time with finer ticks is truncated.
/// </summary>
public sealed partial class SqliteDeclarationStore
{
    private const string AppendAuditSql = """
        INSERT INTO audit_log (time, actor, action, resource, outcome, detail)
        VALUES (@time, @actor, @action, @resource, @outcome, @detail)
        """;

    public Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            CheckAuditEntry(entry, nameof(entries));
        }
        if (entries.Count == 0)
        {
            return Task.CompletedTask;
        }
        return WriteAsync(async (transaction, ct) =>
        {
            // One at a time, in order: the rowids (sequences) increase in the order given.
            foreach (var entry in entries)
            {
                var insert = Command(transaction, AppendAuditSql);
                var parameters = insert.Parameters;
                parameters.AddWithValue("@time", FloorUnixMicroseconds(entry.Time));
                parameters.AddWithValue("@actor", entry.Actor);
                parameters.AddWithValue("@action", entry.Action);
                parameters.AddWithValue("@resource", entry.Resource);
                parameters.AddWithValue("@outcome", entry.Outcome);
                parameters.AddWithValue("@detail", entry.Detail);
                await insert.ExecuteNonQueryAsync(ct);
            }
            return (entries.Count, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecordRow>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // Only the filters given become SQL, so each query shape can use its index.
        var sql = new StringBuilder("SELECT sequence, time, actor, action, resource, outcome, detail FROM audit_log WHERE 1 = 1");
        var parameters = command.Parameters;
        if (query.Actor is { } actor)
        {
            sql.Append(" AND actor = @actor");
            parameters.AddWithValue("@actor", actor);
        }
        if (query.ResourcePrefix is { } prefix)
        {
            // A range, [prefix, end of prefix), not LIKE: '%' and '_' are plain characters.
            sql.Append(" AND resource >= @prefix");
            parameters.AddWithValue("@prefix", prefix);
            if (RegistryRules.PrefixEnd(prefix) is { } prefixEnd)
            {
                sql.Append(" AND resource < @prefix_end");
                parameters.AddWithValue("@prefix_end", prefixEnd);
            }
        }
        // Stored times are whole microseconds, so comparing with the ceiling is exact (DeclarationIndex).
        if (query.Start is { } start)
        {
            sql.Append(" AND time >= @start");
            parameters.AddWithValue("@start", DeclarationIndex.CeilingUnixMicroseconds(start));
        }
        if (query.End is { } end)
        {
            sql.Append(" AND time < @end");
            parameters.AddWithValue("@end", DeclarationIndex.CeilingUnixMicroseconds(end));
        }
        if (query.BeforeSequence is { } before)
        {
            sql.Append(" AND sequence < @before");
            parameters.AddWithValue("@before", before);
        }
        sql.Append(" ORDER BY sequence DESC LIMIT @limit");
        parameters.AddWithValue("@limit", query.Limit);
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

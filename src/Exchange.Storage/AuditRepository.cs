using System.Text;
using Exchange.Core.Declarations;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The append-only audit log (<see cref="IAuditStore"/>); the table's triggers refuse UPDATE and
/// DELETE (and TRUNCATE, on PostgreSQL): schema version 5. Times are whole Unix microseconds, as
/// the declarations' are: a time with finer ticks is truncated.
/// </summary>
public sealed class AuditRepository(StoreDatabase database) : IAuditStore
{
    private const string AppendSql = """
        INSERT INTO audit_log (time, actor, action, resource, outcome, detail)
        VALUES (@time, @actor, @action, @resource, @outcome, @detail)
        """;

    public async Task AppendAsync(IReadOnlyList<AuditEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries)
        {
            Check(entry, nameof(entries));
        }
        if (entries.Count == 0)
        {
            return;
        }
        await database.WriteAsync(async (transaction, ct) =>
        {
            // One statement per entry, run in order: the sequences (identity, or SQLite's rowid)
            // are handed out in the order given (a multi-row INSERT would not promise that).
            await transaction.ExecuteAsync(entries.Select(entry => database.Statement(AppendSql)
                .With("time", StoredTimes.FloorUnixMicroseconds(entry.Time))
                .With("actor", entry.Actor)
                .With("action", entry.Action)
                .With("resource", entry.Resource)
                .With("outcome", entry.Outcome)
                .With("detail", entry.Detail)).ToList(), ct);
            return (entries.Count, true);
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<AuditRecordRow>> ListAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfLessThan(query.Limit, 1, nameof(query));
        // Only the filters given become SQL, so each query shape can use its index.
        var sql = new StringBuilder("SELECT sequence, time, actor, action, resource, outcome, detail FROM audit_log WHERE 1 = 1");
        var statement = database.Statement("");
        if (query.Actor is { } actor)
        {
            sql.Append(" AND actor = @actor");
            statement.With("actor", actor);
        }
        if (query.ResourcePrefix is { } prefix)
        {
            // A range, [prefix, end of prefix), not LIKE: '%' and '_' are plain characters. The
            // columns compare code points (SQLite's BINARY, PostgreSQL's "C"), as
            // RegistryRules.PrefixEnd assumes.
            sql.Append(" AND resource >= @prefix");
            statement.With("prefix", prefix);
            if (RegistryRules.PrefixEnd(prefix) is { } prefixEnd)
            {
                sql.Append(" AND resource < @prefix_end");
                statement.With("prefix_end", prefixEnd);
            }
        }
        // Stored times are whole microseconds, so comparing with the ceiling is exact (DeclarationIndex).
        if (query.Start is { } start)
        {
            sql.Append(" AND time >= @start");
            statement.With("start", DeclarationIndex.CeilingUnixMicroseconds(start));
        }
        if (query.End is { } end)
        {
            sql.Append(" AND time < @end");
            statement.With("end", DeclarationIndex.CeilingUnixMicroseconds(end));
        }
        if (query.BeforeSequence is { } before)
        {
            sql.Append(" AND sequence < @before");
            statement.With("before", before);
        }
        sql.Append(" ORDER BY sequence DESC LIMIT @limit");
        statement.With("limit", query.Limit).Sql = sql.ToString();

        return await database.QueryAsync(statement, reader => new AuditRecordRow(reader.GetInt64(0), new AuditEntry(
            Time: Timestamps.FromUnixMicroseconds(reader.GetInt64(1)),
            Actor: reader.GetString(2),
            Action: reader.GetString(3),
            Resource: reader.GetString(4),
            Outcome: reader.GetString(5),
            Detail: reader.GetString(6))), cancellationToken);
    }

    private static void Check(AuditEntry entry, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(entry, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Actor, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Action, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Resource, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Outcome, parameterName);
        ArgumentNullException.ThrowIfNull(entry.Detail, parameterName);
    }
}

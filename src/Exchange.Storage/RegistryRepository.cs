using System.Data.Common;
using System.Text;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// The small registries (<see cref="IRegistryStore"/>), in the same database as the declarations.
/// Each write is one statement in its own write transaction.
/// </summary>
public sealed class RegistryRepository(StoreDatabase database) : IRegistryStore
{
    private const string Columns = "kind, id, revision, payload";

    public Task<bool> TryInsertAsync(RegistryRecord record, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        return WriteOneAsync(database.Statement("""
                INSERT INTO registry_records (kind, id, revision, payload) VALUES (@kind, @id, 1, @payload)
                ON CONFLICT (kind, id) DO NOTHING
                """)
            .With("kind", record.Kind)
            .With("id", record.Id)
            .With("payload", record.Payload), cancellationToken);
    }

    public Task<bool> TryReplaceAsync(RegistryRecord record, long expectedRevision, CancellationToken cancellationToken)
    {
        RegistryRules.Validate(record);
        return WriteOneAsync(database.Statement("""
                UPDATE registry_records SET revision = @revision, payload = @payload
                WHERE kind = @kind AND id = @id AND revision = @expected_revision
                """)
            .With("kind", record.Kind)
            .With("id", record.Id)
            .With("revision", record.Revision)
            .With("payload", record.Payload)
            .With("expected_revision", expectedRevision), cancellationToken);
    }

    public Task<bool> DeleteAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        return WriteOneAsync(database.Statement("DELETE FROM registry_records WHERE kind = @kind AND id = @id")
            .With("kind", kind)
            .With("id", id), cancellationToken);
    }

    public async Task<RegistryRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(id);
        var records = await database.QueryAsync(
            database.Statement($"SELECT {Columns} FROM registry_records WHERE kind = @kind AND id = @id").With("kind", kind).With("id", id),
            ReadRecord, cancellationToken);
        return records.Count == 0 ? null : records[0];
    }

    public async Task<IReadOnlyList<RegistryRecord>> ListAsync(
        string kind, string idPrefix, string? afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(idPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        // The prefix is a range of the primary key, [prefix, end of prefix): no LIKE, so '%' and
        // '_' in ids are plain characters. The column orders UTF-8 bytes, i.e. code points
        // (SQLite's BINARY collation, PostgreSQL's "C").
        var sql = new StringBuilder($"SELECT {Columns} FROM registry_records WHERE kind = @kind AND id >= @prefix");
        var query = database.Statement("").With("kind", kind).With("prefix", idPrefix);
        if (RegistryRules.PrefixEnd(idPrefix) is { } end)
        {
            sql.Append(" AND id < @prefix_end");
            query.With("prefix_end", end);
        }
        if (afterId is not null)
        {
            sql.Append(" AND id > @after_id");
            query.With("after_id", afterId);
        }
        sql.Append(" ORDER BY id LIMIT @limit");
        query.With("limit", limit).Sql = sql.ToString();
        return await database.QueryAsync(query, ReadRecord, cancellationToken);
    }

    private Task<bool> WriteOneAsync(Statement statement, CancellationToken cancellationToken) =>
        database.WriteAsync(async (transaction, ct) =>
        {
            var changed = await transaction.ExecuteAsync(statement, ct) == 1;
            return (changed, changed);
        }, cancellationToken);

    private static RegistryRecord ReadRecord(DbDataReader reader) =>
        new(reader.GetString(0), reader.GetString(1), reader.GetInt64(2), reader.GetFieldValue<byte[]>(3));
}

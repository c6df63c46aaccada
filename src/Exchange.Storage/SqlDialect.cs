using System.Data;
using System.Data.Common;
using Exchange.Core.Identity;
using Exchange.Core.Reporting;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// What SQLite and PostgreSQL write differently, and nothing else: how a value or a list becomes a
/// parameter, the few fragments of SQL that differ (list membership, a join whose order is fixed,
/// a saturating sum, locking a counter row, the order of a log), the column types of the
/// migrations, and the report's aggregation, which each database does its own way. Every
/// statement that reads the same in both lives once in the repositories.
/// </summary>
public abstract class SqlDialect
{
    /// <summary>A parameter holding a non-null value; its database type follows from <typeparamref name="T"/>.</summary>
    public abstract DbParameter Parameter<T>(string name, T value);

    /// <summary>A parameter that may be NULL, typed by <paramref name="type"/> so a NULL still has a type.</summary>
    public abstract DbParameter NullableParameter(string name, object? value, DbType type);

    /// <summary>The parameter(s) of a list of strings, used by <see cref="InList"/> and <see cref="ListValues"/>.</summary>
    public abstract IEnumerable<DbParameter> ListParameters(string name, IReadOnlyCollection<string> values);

    /// <summary>The parameter(s) of a list of declaration keys, used by <see cref="KeyList"/>.</summary>
    public abstract IEnumerable<DbParameter> KeyListParameters(string name, IReadOnlyCollection<DeclarationKey> keys);

    /// <summary>"Is one of the list <paramref name="name"/>", after a column: e.g. <c>consignee_key {InList("keys")}</c>.</summary>
    public abstract string InList(string name);

    /// <summary>A table of the list <paramref name="name"/> with one column, named value, for a FROM clause.</summary>
    public abstract string ListValues(string name);

    /// <summary>A query of the (filer id, declaration id) pairs of the key list <paramref name="name"/>, for <c>(a, b) IN (...)</c>.</summary>
    public abstract string KeyList(string name);

    /// <summary>
    /// An inner join whose order the database keeps as written (the left side drives the query).
    /// SQLite, which has no statistics, needs that said; PostgreSQL's planner chooses well.
    /// </summary>
    public abstract string OrderedJoin { get; }

    /// <summary>The sum of <paramref name="column"/> as a 64-bit integer that saturates at its largest value instead of failing.</summary>
    public abstract string SaturatingSum(string column);


    /// <summary>
    /// A query of the current write transaction's id as a 64-bit integer, by which a filer's
    /// events are ordered (<see cref="Core.Storage.EventPosition"/>); null where writes never run
    /// side by side (SQLite's single writer), so the events are numbered per filer from a counter
    /// and carry transaction 0.
    /// </summary>
    public abstract string? TransactionIdQuery { get; }

    /// <summary>
    /// The condition on a log row (columns xid, seq) that it lies after the position
    /// (@after_xid, @after_seq) and may be handed to a reader now: no entry at a lower position
    /// can still appear.
    /// </summary>
    public abstract string LogAfter { get; }

    /// <summary>The ORDER BY terms of a log's positions (columns xid, seq), ascending or not; each an index order.</summary>
    public abstract string LogOrder(bool descending);

    /// <summary>
    /// One statement, with the key list @keys, that returns (key, last_seq) of each key's counter
    /// row of <paramref name="table"/> and makes sure no other writer moves those counters until
    /// this transaction commits. A key without a row may be missing from the result (its last
    /// sequence is 0); the write saves its counters with an upsert.
    /// </summary>
    public abstract string LockCounters(string table, string keyColumn);

    /// <summary>
    /// The performance report's aggregates of <paramref name="query"/>, over the
    /// declaration_measures table (alias m), grouped by the text expression <paramref name="group"/>,
    /// added to <paramref name="aggregates"/> (which the caller completes and builds).
    /// </summary>
    public abstract Task AggregateAsync(
        DbConnection connection, ReportQuery query, string group, ReportAggregates aggregates, CancellationToken cancellationToken);

    // ---- Schema ----

    /// <summary>
    /// Replaces the column-type tokens of a migration written once ({key}, {text}, {int},
    /// {bigint}, {smallint}, {bool}, {bytes}, {identity}, {strict}, {without_rowid},
    /// {if_not_exists}) with this database's words.
    /// </summary>
    public string Render(string template)
    {
        foreach (var (token, words) in DdlWords)
        {
            template = template.Replace(token, words, StringComparison.Ordinal);
        }
        return template;
    }

    /// <summary>The words of each DDL token (see <see cref="Render"/>).</summary>
    protected abstract IReadOnlyList<(string Token, string Words)> DdlWords { get; }

    /// <summary>
    /// The statement of a migration whose DDL differs between the databases: SQLite's or
    /// PostgreSQL's. Used only where one text cannot serve both (triggers, clustering, INCLUDE).
    /// </summary>
    public abstract T Pick<T>(T sqlite, T postgres);

    /// <summary>The schema_version table, with the checksum column, as a new database gets it.</summary>
    public abstract string SchemaVersionTable { get; }

    /// <summary>Adds the checksum column to a schema_version table made by a release before checksums (no-op when present).</summary>
    public abstract Task AddChecksumColumnAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Records migration @version with @checksum as applied now.</summary>
    public abstract string RecordMigrationSql { get; }
}

using System.Data;
using System.Data.Common;
using Exchange.Core.Identity;
using Exchange.Core.Storage;

namespace Exchange.Storage;

/// <summary>
/// One SQL statement with its parameters, not yet bound to a connection: a write transaction
/// runs it (SQLite on a prepared command, PostgreSQL in a batch of one round trip) and tells how
/// many rows it changed (<see cref="RecordsAffected"/>).
/// </summary>
public sealed class Statement(SqlDialect dialect, string sql)
{
    /// <summary>The SQL text; a query whose filters are added one by one sets it once they are known.</summary>
    public string Sql { get; set; } = sql;

    public List<DbParameter> Parameters { get; } = [];

    /// <summary>Rows changed, once a write transaction has run it.</summary>
    public int RecordsAffected { get; set; }

    public Statement With<T>(string name, T value)
    {
        Parameters.Add(dialect.Parameter(name, value));
        return this;
    }

    public Statement WithNullable(string name, object? value, DbType type)
    {
        Parameters.Add(dialect.NullableParameter(name, value, type));
        return this;
    }

    public Statement WithList(string name, IReadOnlyCollection<string> values)
    {
        Parameters.AddRange(dialect.ListParameters(name, values));
        return this;
    }

    public Statement WithKeys(string name, IReadOnlyCollection<DeclarationKey> keys)
    {
        Parameters.AddRange(dialect.KeyListParameters(name, keys));
        return this;
    }

    /// <summary>A command of this statement on <paramref name="connection"/>; the caller disposes it.</summary>
    public DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Transaction = transaction;
        command.Parameters.AddRange(Parameters.ToArray());
        return command;
    }
}

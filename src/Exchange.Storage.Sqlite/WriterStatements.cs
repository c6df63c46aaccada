using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Exchange.Storage.Sqlite;

/// <summary>
/// The writer connection's data-changing statements, each compiled once by SQLite and run
/// directly through its C API: bind each value at a parameter index looked up once per SQL
/// text, step, reset.
///
/// Why not SqliteCommand: even with its statement prepared, every execution creates a data
/// reader and a statement iterator, converts each parameter's name to UTF-8 and asks SQLite for
/// its index again, and runs the busy-retry loop; a declaration writes about six statements with
/// some 60 parameters, and that managed work cost about as much CPU as SQLite's own (ingest
/// profile, docs/benchmarks.md). Values are bound exactly as Microsoft.Data.Sqlite binds them
/// (text as UTF-8, integers and booleans as 64-bit integers, a byte array as a blob, an empty one
/// as a zero-length blob, never NULL); a statement with a value of any other type, or a text of
/// several statements, is left to SqliteCommand (<see cref="TryExecute"/> returns false).
///
/// Used only by the writer, under the write gate: one caller at a time.
/// </summary>
internal sealed class WriterStatements(SqliteConnection writer) : IDisposable
{
    private readonly Dictionary<string, Compiled?> _compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Runs <paramref name="statement"/> inside the writer's open transaction and sets its
    /// <see cref="Statement.RecordsAffected"/>; false (nothing run) when SqliteCommand must run it.
    /// Throws <see cref="SqliteException"/> as SqliteCommand would, e.g. on a constraint violation.
    /// </summary>
    public bool TryExecute(Statement statement)
    {
        if (!_compiled.TryGetValue(statement.Sql, out var compiled))
        {
            compiled = Compile(statement.Sql);
            _compiled.Add(statement.Sql, compiled);
        }
        if (compiled is null || !compiled.CanBind(statement))
        {
            return false;
        }
        statement.RecordsAffected = compiled.Execute(writer.Handle!, statement);
        return true;
    }

    public void Dispose()
    {
        foreach (var compiled in _compiled.Values)
        {
            compiled?.Handle.Dispose();
        }
        _compiled.Clear();
    }

    /// <summary>The compiled statement of <paramref name="sql"/>, or null when it holds more than one statement.</summary>
    private Compiled? Compile(string sql)
    {
        var db = writer.Handle!;
        // PERSISTENT: the statement lives as long as the connection, so SQLite keeps it out of its lookaside memory.
        var rc = raw.sqlite3_prepare_v3(db, sql, raw.SQLITE_PREPARE_PERSISTENT, out var handle, out var tail);
        SqliteException.ThrowExceptionForRC(rc, db);
        if (!string.IsNullOrWhiteSpace(tail))
        {
            handle.Dispose();
            return null;
        }
        var indexes = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = raw.sqlite3_bind_parameter_count(handle);
        for (var index = 1; index <= count; index++)
        {
            // Named parameters only ("@name"); a positional one has no name and cannot be bound by name.
            var name = raw.sqlite3_bind_parameter_name(handle, index).utf8_to_string();
            if (string.IsNullOrEmpty(name))
            {
                handle.Dispose();
                return null;
            }
            indexes[name] = index;
        }
        return new Compiled(handle, indexes, count, raw.sqlite3_stmt_readonly(handle) != 0);
    }

    private sealed class Compiled(sqlite3_stmt handle, Dictionary<string, int> indexes, int parameterCount, bool readOnly)
    {
        public sqlite3_stmt Handle { get; } = handle;

        /// <summary>Whether every value of <paramref name="statement"/> has a type bound here and every parameter of the SQL gets one.</summary>
        public bool CanBind(Statement statement)
        {
            var bound = 0;
            foreach (var parameter in statement.Parameters)
            {
                if (parameter.Value is not (string or long or int or short or bool or byte[] or double or DBNull or null))
                {
                    return false;
                }
                if (indexes.ContainsKey(parameter.ParameterName))
                {
                    bound++;
                }
            }
            // A parameter without a value: SqliteCommand reports which one.
            return bound >= parameterCount;
        }

        /// <summary>Binds, steps to the end and resets; the rows changed (as SqliteCommand counts them: none for a read-only statement).</summary>
        public int Execute(sqlite3 db, Statement statement)
        {
            try
            {
                foreach (var parameter in statement.Parameters)
                {
                    if (indexes.TryGetValue(parameter.ParameterName, out var index))
                    {
                        Check(Bind(index, parameter.Value), db);
                    }
                }
                int rc;
                while ((rc = raw.sqlite3_step(Handle)) == raw.SQLITE_ROW)
                {
                }
                if (rc != raw.SQLITE_DONE)
                {
                    SqliteException.ThrowExceptionForRC(rc, db);
                }
                return readOnly ? -1 : raw.sqlite3_changes(db);
            }
            finally
            {
                // Ready for the next execution; the values bound stay until overwritten (SQLite copied them).
                raw.sqlite3_reset(Handle);
            }
        }

        private int Bind(int index, object? value) => value switch
        {
            string text => raw.sqlite3_bind_text(Handle, index, text),
            long number => raw.sqlite3_bind_int64(Handle, index, number),
            int number => raw.sqlite3_bind_int64(Handle, index, number),
            short number => raw.sqlite3_bind_int64(Handle, index, number),
            bool flag => raw.sqlite3_bind_int64(Handle, index, flag ? 1 : 0),
            byte[] { Length: 0 } => raw.sqlite3_bind_zeroblob(Handle, index, 0),
            byte[] bytes => raw.sqlite3_bind_blob(Handle, index, bytes),
            double number => raw.sqlite3_bind_double(Handle, index, number),
            _ => raw.sqlite3_bind_null(Handle, index),
        };

        private static void Check(int rc, sqlite3 db)
        {
            if (rc != raw.SQLITE_OK)
            {
                SqliteException.ThrowExceptionForRC(rc, db);
            }
        }
    }
}

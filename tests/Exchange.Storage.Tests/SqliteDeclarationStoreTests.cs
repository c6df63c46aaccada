using Exchange.Storage;
using Exchange.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Exchange.Storage.Tests;

/// <summary>The conformance suite against SQLite: one temporary directory per test.</summary>
public sealed class SqliteDeclarationStoreTests : DeclarationStoreConformance
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "exchange-storage-tests", Guid.NewGuid().ToString("N"));

    // A subdirectory that does not exist yet: opening must create it.
    private string DatabasePath => Path.Combine(_directory, "data", "declarations.db");

    protected override Task CreateDatabaseAsync() => Task.CompletedTask;

    protected override SqlDialect Dialect => SqliteDialect.Instance;

    protected override Task<ExchangeStores> OpenStoreAsync() => ExchangeStores.OpenAsync(new SqliteDatabase(DatabasePath));

    protected override async Task MigrateToSchemaVersionAsync(int version)
    {
        await using var database = new SqliteDatabase(DatabasePath);
        await database.OpenAsync(version, CancellationToken.None);
    }

    protected override async Task<object?> ExecuteSqlAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("@" + name, value);
        }
        return await command.ExecuteScalarAsync();
    }

    [SkippableFact]
    public async Task TheFileIsCreatedWithItsDirectoryInWalMode()
    {
        await OpenFreshStoreAsync();

        Assert.True(File.Exists(DatabasePath));
        // journal_mode is a property of the file, so another connection sees it.
        Assert.Equal("wal", await ExecuteSqlAsync("PRAGMA journal_mode"));
    }

    /// <summary>
    /// The writer runs data-changing statements through SQLite's C API, not SqliteCommand
    /// (WriterStatements): each value it binds must be stored exactly as SqliteCommand stores it,
    /// the empty blob of a record that names its row included (NULL would break length() = 0).
    /// </summary>
    [SkippableFact]
    public async Task TheWriterStoresEachValueAsSqliteCommandDoes()
    {
        await using var database = new SqliteDatabase(DatabasePath);
        await database.OpenAsync(CancellationToken.None);
        await ExecuteSqlAsync("CREATE TABLE bound_values (path TEXT NOT NULL, name TEXT NOT NULL, value ANY) STRICT");
        (string Name, object Value)[] values =
        [
            ("text", "Grüße, 世界"), ("empty text", ""), ("long", long.MaxValue), ("int", int.MinValue), ("short", (short)-7),
            ("true", true), ("false", false), ("blob", new byte[] { 0, 1, 255 }), ("empty blob", Array.Empty<byte>()),
            ("double", 0.1), ("null", DBNull.Value),
        ];
        const string Insert = "INSERT INTO bound_values (path, name, value) VALUES (@path, @name, @value)";

        var affected = await database.WriteAsync(async (transaction, ct) =>
        {
            var total = 0;
            foreach (var (name, value) in values)
            {
                total += await transaction.ExecuteAsync(
                    database.Statement(Insert).With("path", "writer").With("name", name).With("value", value), ct);
            }
            return (total, true);
        }, CancellationToken.None);
        foreach (var (name, value) in values)
        {
            await ExecuteSqlAsync(Insert, ("path", "command"), ("name", name), ("value", value));
        }

        Assert.Equal(values.Length, affected);
        foreach (var (name, _) in values)
        {
            var stored = await ExecuteSqlAsync(
                """
                SELECT group_concat(stored, ' | ') FROM (
                    SELECT path || ':' || typeof(value) || ':' || quote(value) AS stored FROM bound_values WHERE name = @name ORDER BY path)
                """,
                ("name", name));
            var (command, writer) = (stored as string ?? "").Split(" | ") is [var first, var second] ? (first, second) : ("", "");
            Assert.StartsWith("command:", command, StringComparison.Ordinal);
            Assert.Equal(command["command:".Length..], writer["writer:".Length..]);
        }
        Assert.Equal("blob:X''", await ExecuteSqlAsync(
            "SELECT typeof(value) || ':' || quote(value) FROM bound_values WHERE path = 'writer' AND name = 'empty blob'"));
    }

    /// <summary>
    /// What the writer's compiled statements leave to SqliteCommand still runs (a text of two
    /// statements), and a failing statement throws SQLite's error and rolls the write back.
    /// </summary>
    [SkippableFact]
    public async Task TheWriterRunsTextsOfSeveralStatementsAndRollsBackOnAConstraintViolation()
    {
        await using var database = new SqliteDatabase(DatabasePath);
        await database.OpenAsync(CancellationToken.None);
        await ExecuteSqlAsync("CREATE TABLE writer_rows (id INTEGER NOT NULL PRIMARY KEY, note TEXT NOT NULL) STRICT");

        var affected = await database.WriteAsync(async (transaction, ct) =>
        {
            var rows = await transaction.ExecuteAsync(database.Statement(
                "INSERT INTO writer_rows (id, note) VALUES (@id, @note); UPDATE writer_rows SET note = 'both' WHERE id = @id")
                .With("id", 1L).With("note", "first"), ct);
            return (rows, true);
        }, CancellationToken.None);
        var violation = await Assert.ThrowsAsync<SqliteException>(() => database.WriteAsync<int>(async (transaction, ct) =>
        {
            await transaction.ExecuteAsync(database.Statement("INSERT INTO writer_rows (id, note) VALUES (@id, @note)")
                .With("id", 2L).With("note", "second"), ct);
            await transaction.ExecuteAsync(database.Statement("INSERT INTO writer_rows (id, note) VALUES (@id, @note)")
                .With("id", 1L).With("note", "taken"), ct);
            return (0, true);
        }, CancellationToken.None));

        Assert.Equal(2, affected);
        Assert.Equal(19, violation.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal("1:both", await ExecuteSqlAsync("SELECT group_concat(id || ':' || note) FROM (SELECT id, note FROM writer_rows ORDER BY id)"));
    }

    protected override Task DropDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return Task.CompletedTask;
    }

    // Not pooled, so the file is let go when the test removes it.
    private async Task<SqliteConnection> OpenConnectionAsync()
    {
        var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False;Foreign Keys=True");
        await connection.OpenAsync();
        return connection;
    }
}

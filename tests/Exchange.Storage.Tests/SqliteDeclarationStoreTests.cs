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

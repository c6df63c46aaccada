using Exchange.Core.Storage;
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

    protected override async Task<IDeclarationStore> OpenStoreAsync() => await SqliteDeclarationStore.OpenAsync(DatabasePath);

    [SkippableFact]
    public async Task TheFileIsCreatedWithItsDirectoryInWalMode()
    {
        await OpenFreshStoreAsync();

        Assert.True(File.Exists(DatabasePath));
        // journal_mode is a property of the file, so another connection sees it.
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
    }

    protected override Task DropDatabaseAsync()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        return Task.CompletedTask;
    }
}

using Exchange.Server.Hosting;
using Exchange.Storage;
using Exchange.Storage.Sqlite;
using Exchange.Testing.Hosting;
using Microsoft.Data.Sqlite;

namespace Exchange.Server.Tests.Hosting;

/// <summary>The store is opened and migrated by the node's start-up step: a store that cannot open stops the node, saying why.</summary>
public sealed class StoreStartupTests
{
    [Fact]
    public async Task A_node_whose_database_was_migrated_by_an_edited_migration_does_not_start_and_says_why()
    {
        using var directory = new TempDirectory();
        var data = Path.Combine(directory.Path, "data");
        var file = Path.Combine(data, StoreProvider.SqliteFileName);
        await using (await ExchangeStores.OpenAsync(new SqliteDatabase(file)))
        {
        }
        await using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var tamper = connection.CreateCommand();
            tamper.CommandText = $"UPDATE schema_version SET checksum = '{new string('0', 64)}' WHERE version = 3";
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ServerProcess.StartAsync(data));

        Assert.Contains("Schema migration 3 applied to this database does not match migration 3 of this build", error.Message, StringComparison.Ordinal);
    }
}

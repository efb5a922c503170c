using OrderOps.Storage.Embedded;

namespace OrderOps.Storage.Tests.Embedded;

/// <summary>Group commit: many concurrent writes share a transaction, yet each succeeds or fails on its own.</summary>
public sealed class SqliteDatabaseTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "orderops-db-tests", Guid.NewGuid().ToString("N"));
    private readonly SqliteDatabase _database;

    public SqliteDatabaseTests()
    {
        _database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _directory });
    }

    public void Dispose()
    {
        _database.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_failing_write_rolls_back_alone_while_its_neighbours_commit()
    {
        var writes = Enumerable.Range(0, 200).Select(i => _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO checkpoints (name, value, updated_at) VALUES ($n, 'v', 0)";
            command.Parameters.AddWithValue("$n", $"k{i}");
            await command.ExecuteNonQueryAsync();
            if (i % 10 == 0)
            {
                throw new InvalidOperationException($"write {i} fails after inserting");
            }

            return i;
        }, default)).ToList();

        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try
            {
                return await w;
            }
            catch (InvalidOperationException)
            {
                return -1;
            }
        }));

        Assert.Equal(20, outcomes.Count(o => o == -1));
        await using var read = await _database.OpenAsync(default);
        await using var count = read.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM checkpoints";
        Assert.Equal(180L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_write_is_visible_to_readers_once_its_task_completes()
    {
        await _database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO checkpoints (name, value, updated_at) VALUES ('x', 'committed', 0)";
            return await command.ExecuteNonQueryAsync();
        }, default);

        await using var read = await _database.OpenAsync(default);
        await using var select = read.CreateCommand();
        select.CommandText = "SELECT value FROM checkpoints WHERE name = 'x'";
        Assert.Equal("committed", await select.ExecuteScalarAsync());
    }
}

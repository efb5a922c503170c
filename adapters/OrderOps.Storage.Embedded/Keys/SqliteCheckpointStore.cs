using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Keys;

public sealed class SqliteCheckpointStore(SqliteDatabase database, TimeProvider time) : ICheckpointStore
{
    public async Task<string?> GetAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT value FROM checkpoints WHERE name = $name";
        command.Parameters.AddWithValue("$name", name);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public Task SetAsync(string name, string value, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO checkpoints (name, value, updated_at) VALUES ($name, $value, $now)
                ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """;
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$value", value);
            command.Parameters.AddWithValue("$now", UnixTime.ToMs(time.GetUtcNow()));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}

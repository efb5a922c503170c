using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Keys;

public sealed class SqliteIdempotencyStore(SqliteDatabase database, TimeProvider time) : IIdempotencyStore
{
    public Task<bool> TryRecordAsync(string key, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return database.WriteAsync(async (connection, transaction) =>
        {
            // An expired key may be taken again: it is as if it had been purged.
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO idempotency_keys (key, expires_at) VALUES ($key, $expires)
                ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at WHERE idempotency_keys.expires_at <= $now
                """;
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$expires", UnixTime.ToMs(expiresAt));
            command.Parameters.AddWithValue("$now", UnixTime.ToMs(time.GetUtcNow()));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM idempotency_keys WHERE key = $key AND expires_at > $now";
        command.Parameters.AddWithValue("$key", key);
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(time.GetUtcNow()));
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public Task ForgetAsync(string key, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM idempotency_keys WHERE key = $key";
            command.Parameters.AddWithValue("$key", key);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM idempotency_keys WHERE expires_at <= $now";
            command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
}

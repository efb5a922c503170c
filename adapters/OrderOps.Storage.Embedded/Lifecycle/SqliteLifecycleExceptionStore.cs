using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Storage.Embedded.Lifecycle;

public sealed class SqliteLifecycleExceptionStore(SqliteDatabase database) : ILifecycleExceptionStore
{
    public Task UpsertAsync(LifecycleException exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO lifecycle_exceptions (exception_id, order_id, channel, is_open, raised_at, document) VALUES ($id, $order, $channel, $open, $raised, $document)
                ON CONFLICT (exception_id) DO UPDATE SET is_open = excluded.is_open, document = excluded.document
                """;
            command.Parameters.AddWithValue("$id", exception.ExceptionId);
            command.Parameters.AddWithValue("$order", exception.OrderId);
            command.Parameters.AddWithValue("$channel", exception.Channel);
            command.Parameters.AddWithValue("$open", exception.IsOpen ? 1 : 0);
            command.Parameters.AddWithValue("$raised", UnixTime.ToMs(exception.RaisedAt));
            command.Parameters.AddWithValue("$document", OrderOpsJson.Serialize(exception));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public async Task<LifecycleException?> GetAsync(string exceptionId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM lifecycle_exceptions WHERE exception_id = $id";
        command.Parameters.AddWithValue("$id", exceptionId);
        return await command.ExecuteScalarAsync(cancellationToken) is string document ? OrderOpsJson.Deserialize<LifecycleException>(document) : null;
    }

    public async Task<IReadOnlyList<LifecycleException>> ListAsync(bool openOnly, string? channel, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT document FROM lifecycle_exceptions
            WHERE ($open = 0 OR is_open = 1) AND ($channel IS NULL OR channel = $channel)
            ORDER BY raised_at DESC, exception_id LIMIT $limit
            """;
        command.Parameters.AddWithValue("$open", openOnly ? 1 : 0);
        command.Parameters.AddWithValue("$channel", (object?)channel ?? DBNull.Value);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<LifecycleException>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(OrderOpsJson.Deserialize<LifecycleException>(reader.GetString(0)));
        }

        return list;
    }
}

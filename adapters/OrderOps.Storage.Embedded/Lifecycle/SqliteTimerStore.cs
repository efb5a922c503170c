using Microsoft.Data.Sqlite;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Lifecycle;

public sealed class SqliteTimerStore(SqliteDatabase database) : ITimerStore
{
    public Task ScheduleAsync(DueTimer timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                INSERT INTO due_timers (timer_id, order_id, kind, due_at) VALUES ($id, $order, $kind, $due)
                ON CONFLICT (timer_id) DO UPDATE SET order_id = excluded.order_id, kind = excluded.kind, due_at = excluded.due_at
                """;
            command.Parameters.AddWithValue("$id", timer.TimerId);
            command.Parameters.AddWithValue("$order", timer.OrderId);
            command.Parameters.AddWithValue("$kind", timer.Kind);
            command.Parameters.AddWithValue("$due", UnixTime.ToMs(timer.DueAt));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public Task CancelAsync(string timerId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM due_timers WHERE timer_id = $id";
            command.Parameters.AddWithValue("$id", timerId);
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);

    public async Task<IReadOnlyList<DueTimer>> GetDueAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT timer_id, order_id, kind, due_at FROM due_timers WHERE due_at <= $now ORDER BY due_at, timer_id LIMIT $max";
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
        command.Parameters.AddWithValue("$max", Math.Clamp(max, 1, 10_000));
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<IReadOnlyList<DueTimer>> ListForOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT timer_id, order_id, kind, due_at FROM due_timers WHERE order_id = $order ORDER BY due_at, timer_id";
        command.Parameters.AddWithValue("$order", orderId);
        return await ReadAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<DueTimer>> ReadAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var timers = new List<DueTimer>();
        while (await reader.ReadAsync(cancellationToken))
        {
            timers.Add(new DueTimer(reader.GetString(0), reader.GetString(1), reader.GetString(2), UnixTime.FromMs(reader.GetInt64(3))));
        }

        return timers;
    }
}

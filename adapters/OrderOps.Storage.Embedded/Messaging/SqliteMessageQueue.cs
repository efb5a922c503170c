using Microsoft.Data.Sqlite;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Embedded.Messaging;

/// <summary>
/// A durable queue in SQLite with the Storage-queue semantics of the Azure backend: a visibility timeout, delivery count,
/// exponential backoff on abandon, dead-letter after <see cref="QueueRetryPolicy.MaxDeliveryCount"/> keeping the
/// last error; plus, as an optimisation the port does not promise, dropping a resend whose message id still waits.
/// </summary>
public sealed class SqliteMessageQueue(SqliteDatabase database, TimeProvider time, QueueRetryPolicy retryPolicy, QueueSignal signal)
    : IMessageQueue, IQueueReceiver, IQueueBacklog
{
    public async Task SendAsync(string queueName, QueueMessage message, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(queueName);
        ArgumentNullException.ThrowIfNull(message);
        await database.WriteAsync((connection, transaction) => InsertAsync(connection, transaction, queueName, message, time.GetUtcNow(), cancellationToken), cancellationToken);
        signal.Notify(queueName);
    }

    /// <summary>
    /// Enqueues inside the caller's transaction, so a write and the message announcing it commit together (a
    /// transactional outbox: the inventory ledger uses it). The caller notifies <see cref="QueueSignal"/> after commit.
    /// </summary>
    internal static async Task<int> InsertAsync(SqliteConnection connection, SqliteTransaction transaction, string queueName, QueueMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var visibleAt = message.ScheduledEnqueueTime is { } scheduled && scheduled > now ? scheduled : now;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO queue_messages (queue, message_id, body, enqueued_at, visible_at)
            VALUES ($queue, $id, $body, $now, $visible)
            ON CONFLICT (queue, message_id) DO NOTHING
            """;
        command.Parameters.AddWithValue("$queue", queueName);
        command.Parameters.AddWithValue("$id", message.MessageId);
        command.Parameters.AddWithValue("$body", QueueTraceContext.StoredBody(message));
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
        command.Parameters.AddWithValue("$visible", UnixTime.ToMs(visibleAt));
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<IReadOnlyList<ReceivedMessage>> ReceiveAsync(string queueName, int maxMessages, TimeSpan visibilityTimeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        return database.WriteAsync<IReadOnlyList<ReceivedMessage>>(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            var lockToken = Guid.NewGuid().ToString("N");
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE queue_messages
                SET visible_at = $until, lock_token = $lock, delivery_count = delivery_count + 1
                WHERE seq IN (SELECT seq FROM queue_messages WHERE queue = $queue AND visible_at <= $now ORDER BY visible_at, seq LIMIT $max)
                RETURNING seq, message_id, body, delivery_count, enqueued_at
                """;
            command.Parameters.AddWithValue("$queue", queueName);
            command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
            command.Parameters.AddWithValue("$until", UnixTime.ToMs(now + visibilityTimeout));
            command.Parameters.AddWithValue("$lock", lockToken);
            command.Parameters.AddWithValue("$max", maxMessages);
            var messages = new List<ReceivedMessage>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                messages.Add(new ReceivedMessage
                {
                    QueueName = queueName,
                    SequenceNumber = reader.GetInt64(0),
                    MessageId = reader.GetString(1),
                    Body = reader.GetString(2),
                    DeliveryCount = reader.GetInt32(3),
                    EnqueuedAt = UnixTime.FromMs(reader.GetInt64(4)),
                    LockToken = lockToken,
                });
            }

            messages.Sort((a, b) => a.SequenceNumber.CompareTo(b.SequenceNumber));
            return messages;
        }, cancellationToken);
    }

    public Task<bool> CompleteAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM queue_messages WHERE seq = $seq AND lock_token = $lock";
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$lock", message.LockToken);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
    }

    public async Task<AbandonOutcome> AbandonAsync(ReceivedMessage message, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var outcome = await database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            if (message.DeliveryCount >= retryPolicy.MaxDeliveryCount)
            {
                await using var move = connection.CreateCommand();
                move.Transaction = transaction;
                move.CommandText = """
                    INSERT INTO dead_letters (queue, message_id, body, delivery_count, last_error, enqueued_at, dead_lettered_at)
                    SELECT queue, message_id, body, delivery_count, $error, enqueued_at, $now
                    FROM queue_messages WHERE seq = $seq AND lock_token = $lock;
                    DELETE FROM queue_messages WHERE seq = $seq AND lock_token = $lock;
                    """;
                move.Parameters.AddWithValue("$seq", message.SequenceNumber);
                move.Parameters.AddWithValue("$lock", message.LockToken);
                move.Parameters.AddWithValue("$error", error);
                move.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
                return await move.ExecuteNonQueryAsync(cancellationToken) > 0 ? AbandonOutcome.DeadLettered : AbandonOutcome.LockLost;
            }

            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = """
                UPDATE queue_messages SET visible_at = $visible, lock_token = NULL, last_error = $error
                WHERE seq = $seq AND lock_token = $lock
                """;
            command.Parameters.AddWithValue("$seq", message.SequenceNumber);
            command.Parameters.AddWithValue("$lock", message.LockToken);
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$visible", UnixTime.ToMs(now + retryPolicy.BackoffAfter(message.DeliveryCount)));
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? AbandonOutcome.Retrying : AbandonOutcome.LockLost;
        }, cancellationToken);
        return outcome;
    }

    public async Task<IReadOnlyList<DeadLetter>> ListDeadLettersAsync(string queueName, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT message_id, body, delivery_count, last_error, enqueued_at, dead_lettered_at
            FROM dead_letters WHERE queue = $queue ORDER BY dead_lettered_at DESC LIMIT $limit
            """;
        command.Parameters.AddWithValue("$queue", queueName);
        command.Parameters.AddWithValue("$limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var letters = new List<DeadLetter>();
        while (await reader.ReadAsync(cancellationToken))
        {
            letters.Add(new DeadLetter
            {
                QueueName = queueName,
                MessageId = reader.GetString(0),
                Body = reader.GetString(1),
                DeliveryCount = reader.GetInt32(2),
                LastError = reader.GetString(3),
                EnqueuedAt = UnixTime.FromMs(reader.GetInt64(4)),
                DeadLetteredAt = UnixTime.FromMs(reader.GetInt64(5)),
            });
        }

        return letters;
    }

    public Task WaitForMessagesAsync(string queueName, TimeSpan timeout, CancellationToken cancellationToken) =>
        signal.WaitAsync(queueName, timeout, cancellationToken);

    public async Task<long> CountAsync(string queueName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM queue_messages WHERE queue = $queue";
        command.Parameters.AddWithValue("$queue", queueName);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<QueueBacklog> GetBacklogAsync(string queueName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*), MIN(enqueued_at) FROM queue_messages WHERE queue = $queue";
        command.Parameters.AddWithValue("$queue", queueName);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new QueueBacklog(reader.GetInt64(0), reader.IsDBNull(1) ? null : UnixTime.FromMs(reader.GetInt64(1)));
    }
}

using Microsoft.Data.Sqlite;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Storage.Embedded.Events;

/// <summary>
/// The event outbox on SQLite: <c>event_deliveries</c> rows are inserted by the order and publication stores inside their
/// own transactions (<see cref="InsertAsync"/>), so an event exists exactly when its change committed.
/// </summary>
public sealed class SqliteEventOutbox(SqliteDatabase database) : IEventOutbox
{
    private const string Columns = "subscriber, subject, position, event_id, type, time, data, committed_at, due_at, attempts, parked, last_error";

    /// <summary>Writes the deliveries of <paramref name="events"/> in the caller's transaction; repeating it changes nothing.</summary>
    internal static async Task<int> InsertAsync(
        SqliteConnection connection, SqliteTransaction transaction, EventSubscriptions subscriptions, IReadOnlyList<OutboundEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var deliveries = subscriptions.DeliveriesOf(events).ToList();
        if (deliveries.Count == 0)
        {
            return 0;
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO event_deliveries (subscriber, subject, position, event_id, type, time, data, committed_at, due_at)
            VALUES ($subscriber, $subject, $position, $id, $type, $time, $data, $now, $now)
            ON CONFLICT DO NOTHING
            """;
        var subscriber = insert.Parameters.Add("$subscriber", SqliteType.Text);
        var subject = insert.Parameters.Add("$subject", SqliteType.Text);
        var position = insert.Parameters.Add("$position", SqliteType.Text);
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var at = insert.Parameters.Add("$time", SqliteType.Integer);
        var data = insert.Parameters.Add("$data", SqliteType.Text);
        insert.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
        var written = 0;
        foreach (var (name, e) in deliveries)
        {
            subscriber.Value = name;
            subject.Value = e.Subject;
            position.Value = e.Position;
            id.Value = e.Id;
            type.Value = e.Type;
            at.Value = UnixTime.ToMs(e.Time);
            data.Value = e.Data;
            written += await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        // The dispatcher's wake-up commits with the events (QueueSignal is notified by the caller after commit).
        await SqliteMessageQueue.InsertAsync(connection, transaction, QueueNames.OutboundEvents, new QueueMessage { MessageId = deliveries[0].Event.Id, Body = "{}" }, now, cancellationToken);
        return written;
    }

    public Task<IReadOnlyList<EventDelivery>> TakeDueAsync(string subscriber, DateTimeOffset now, TimeSpan lease, int maxSubjects, int perSubject, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<EventDelivery>>(async (connection, transaction) =>
        {
            var nowMs = UnixTime.ToMs(now);
            var taken = new List<EventDelivery>();
            await using var heads = Command(connection, transaction, """
                SELECT d.subject, d.position FROM event_deliveries d
                JOIN (SELECT subject, MIN(position) AS head FROM event_deliveries WHERE subscriber = $subscriber GROUP BY subject) h
                  ON d.subject = h.subject AND d.position = h.head
                WHERE d.subscriber = $subscriber AND d.due_at <= $now AND d.parked = 0
                ORDER BY d.due_at LIMIT $max
                """);
            heads.Parameters.AddWithValue("$subscriber", subscriber);
            heads.Parameters.AddWithValue("$now", nowMs);
            heads.Parameters.AddWithValue("$max", maxSubjects);
            var subjects = new List<(string Subject, string Head)>();
            await using (var reader = await heads.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    subjects.Add((reader.GetString(0), reader.GetString(1)));
                }
            }

            await using var rows = Command(connection, transaction, $"SELECT {Columns} FROM event_deliveries WHERE subscriber = $subscriber AND subject = $subject ORDER BY position LIMIT $per");
            rows.Parameters.AddWithValue("$subscriber", subscriber);
            rows.Parameters.AddWithValue("$per", perSubject);
            var subjectParameter = rows.Parameters.Add("$subject", SqliteType.Text);
            // Leasing the head is enough: a subject is offered only when its head is due.
            await using var leaseHead = Command(connection, transaction, "UPDATE event_deliveries SET due_at = $until WHERE subscriber = $subscriber AND subject = $subject AND position = $position");
            leaseHead.Parameters.AddWithValue("$subscriber", subscriber);
            leaseHead.Parameters.AddWithValue("$until", UnixTime.ToMs(now + lease));
            var leaseSubject = leaseHead.Parameters.Add("$subject", SqliteType.Text);
            var leasePosition = leaseHead.Parameters.Add("$position", SqliteType.Text);
            foreach (var (subject, head) in subjects)
            {
                subjectParameter.Value = subject;
                await using (var reader = await rows.ExecuteReaderAsync(cancellationToken))
                {
                    while (await reader.ReadAsync(cancellationToken))
                    {
                        var delivery = Read(reader);
                        // Only the contiguous run from the head: a parked event further on stops the run.
                        if (delivery.Parked)
                        {
                            break;
                        }

                        taken.Add(delivery);
                    }
                }

                leaseSubject.Value = subject;
                leasePosition.Value = head;
                await leaseHead.ExecuteNonQueryAsync(cancellationToken);
            }

            return taken;
        }, cancellationToken);

    public Task CompleteAsync(IReadOnlyList<DeliveryCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        if (completions.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var delete = Command(connection, transaction, "DELETE FROM event_deliveries WHERE subscriber = $subscriber AND subject = $subject AND position = $position");
            await using var fail = Command(connection, transaction, """
                UPDATE event_deliveries SET attempts = attempts + 1, due_at = $retry, parked = $park, last_error = $error
                WHERE subscriber = $subscriber AND subject = $subject AND position = $position
                """);
            foreach (var completion in completions)
            {
                var d = completion.Delivery;
                var command = completion.Kind == DeliveryCompletionKind.Delivered ? delete : fail;
                command.Parameters.Clear();
                command.Parameters.AddWithValue("$subscriber", d.Subscriber);
                command.Parameters.AddWithValue("$subject", d.Event.Subject);
                command.Parameters.AddWithValue("$position", d.Event.Position);
                if (completion.Kind == DeliveryCompletionKind.Failed)
                {
                    command.Parameters.AddWithValue("$retry", UnixTime.ToMs(completion.RetryAt));
                    command.Parameters.AddWithValue("$park", completion.Park ? 1 : 0);
                    command.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
                }

                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return completions.Count;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<EventDelivery>> ListAsync(string subscriber, bool parkedOnly, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM event_deliveries WHERE subscriber = $subscriber {(parkedOnly ? "AND parked = 1" : string.Empty)} ORDER BY subject, position LIMIT $limit";
        command.Parameters.AddWithValue("$subscriber", subscriber);
        command.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 1000));
        var list = new List<EventDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(Read(reader));
        }

        return list;
    }

    public Task<int> ReplayAsync(string subscriber, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, "UPDATE event_deliveries SET parked = 0, attempts = 0, due_at = $now WHERE subscriber = $subscriber AND parked = 1");
            command.Parameters.AddWithValue("$subscriber", subscriber);
            command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
            var replayed = await command.ExecuteNonQueryAsync(cancellationToken);
            // Deliveries waiting out a backoff go now too: an operator replaying wants the subscriber served at once.
            command.CommandText = "UPDATE event_deliveries SET due_at = $now WHERE subscriber = $subscriber AND due_at > $now";
            await command.ExecuteNonQueryAsync(cancellationToken);
            return replayed;
        }, cancellationToken);

    public Task SetSubscriberAsync(SubscriberStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = Command(connection, transaction, """
                INSERT INTO event_subscribers (subscriber, disabled, reason, at) VALUES ($subscriber, $disabled, $reason, $at)
                ON CONFLICT (subscriber) DO UPDATE SET disabled = excluded.disabled, reason = excluded.reason, at = excluded.at
                """);
            command.Parameters.AddWithValue("$subscriber", status.Subscriber);
            command.Parameters.AddWithValue("$disabled", status.Disabled ? 1 : 0);
            command.Parameters.AddWithValue("$reason", (object?)status.Reason ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", UnixTime.ToMs(status.At));
            return await command.ExecuteNonQueryAsync(cancellationToken);
        }, cancellationToken);
    }

    public async Task<SubscriberStatus?> GetSubscriberAsync(string subscriber, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT disabled, reason, at FROM event_subscribers WHERE subscriber = $subscriber";
        command.Parameters.AddWithValue("$subscriber", subscriber);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new SubscriberStatus(subscriber, reader.GetInt64(0) != 0, reader.IsDBNull(1) ? null : reader.GetString(1), UnixTime.FromMs(reader.GetInt64(2)))
            : null;
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static EventDelivery Read(SqliteDataReader reader) => new()
    {
        Subscriber = reader.GetString(0),
        Event = new OutboundEvent
        {
            Subject = reader.GetString(1),
            Position = reader.GetString(2),
            Id = reader.GetString(3),
            Type = reader.GetString(4),
            Time = UnixTime.FromMs(reader.GetInt64(5)),
            Data = reader.GetString(6),
        },
        CommittedAt = UnixTime.FromMs(reader.GetInt64(7)),
        DueAt = UnixTime.FromMs(reader.GetInt64(8)),
        Attempts = reader.GetInt32(9),
        Parked = reader.GetInt64(10) != 0,
        LastError = reader.IsDBNull(11) ? null : reader.GetString(11),
    };
}

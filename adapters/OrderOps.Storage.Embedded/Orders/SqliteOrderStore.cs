using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrderOps.Core.Events;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Storage.Embedded.Events;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Storage.Embedded.Orders;

/// <summary>
/// Orders and their events in two tables; a save writes both in one transaction, together with the outbound events its
/// history events make for <paramref name="subscriptions"/> (the event outbox) and the dispatcher's wake-up.
/// </summary>
public sealed class SqliteOrderStore(SqliteDatabase database, TimeProvider time, EventSubscriptions? subscriptions = null, QueueSignal? signal = null) : IOrderStore
{
    private readonly EventSubscriptions _subscriptions = subscriptions ?? EventSubscriptions.None;

    private const string SummaryColumns = """
        order_id, status, created_at, modified_at, channel, channel_account, channel_order_id, currency, totals, line_count, placed_at
        """;

    /// <summary>
    /// The document is deserialized from SQLite's blob handle as a stream, so no copy of it is ever held whole (a string
    /// of a 5 MB order is 10 MB more). The blob is read while the row's SELECT is still open: SQLite keeps that
    /// statement's read transaction, so the document is the one of the version read with it.
    /// </summary>
    public async Task<OrderRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, status, version, created_at, modified_at, process_state FROM orders WHERE order_id = $id";
        command.Parameters.AddWithValue("$id", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        await using var document = new SqliteBlob(connection, "orders", "document", reader.GetInt64(0), readOnly: true);
        return new OrderRecord
        {
            Order = await JsonSerializer.DeserializeAsync<CanonicalOrder>(document, OrderOpsJson.Options, cancellationToken)
                ?? throw new JsonException($"Order '{orderId}' is stored as null."),
            Status = reader.GetString(1),
            ETag = reader.GetInt64(2).ToString(CultureInfo.InvariantCulture),
            CreatedAt = UnixTime.FromMs(reader.GetInt64(3)),
            ModifiedAt = UnixTime.FromMs(reader.GetInt64(4)),
            ProcessState = reader.IsDBNull(5) ? null : reader.GetString(5),
        };
    }

    public async Task<OrderRecord> SaveAsync(OrderRecord record, string? expectedETag, IReadOnlyList<OrderEvent> newEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(newEvents);
        var (saved, published) = await database.WriteAsync(async (connection, transaction) =>
        {
            var now = time.GetUtcNow();
            // UTF-8 bytes bound as a blob and cast to TEXT by SQLite: one copy of the document, not a UTF-16 string plus
            // the UTF-8 copy the driver would make of it.
            var document = JsonSerializer.SerializeToUtf8Bytes(record.Order, OrderOpsJson.Options);
            long version;
            DateTimeOffset createdAt;
            if (expectedETag is null)
            {
                version = 1;
                createdAt = now;
                await using var insert = Command(connection, transaction, """
                    INSERT INTO orders (order_id, channel, status, version, created_at, modified_at, document, process_state)
                    VALUES ($id, $channel, $status, 1, $now, $now, CAST($document AS TEXT), $state)
                    ON CONFLICT (order_id) DO NOTHING
                    """);
                AddRecordParameters(insert, record, document, now);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    throw new ConcurrencyConflictException(record.OrderId);
                }
            }
            else
            {
                if (!long.TryParse(expectedETag, NumberStyles.None, CultureInfo.InvariantCulture, out var expectedVersion))
                {
                    throw new ConcurrencyConflictException(record.OrderId);
                }

                version = expectedVersion + 1;
                createdAt = record.CreatedAt;
                await using var update = Command(connection, transaction, """
                    UPDATE orders SET status = $status, version = version + 1, modified_at = $now, document = CAST($document AS TEXT),
                        process_state = $state, channel = $channel
                    WHERE order_id = $id AND version = $expected
                    RETURNING created_at
                    """);
                AddRecordParameters(update, record, document, now);
                update.Parameters.AddWithValue("$expected", expectedVersion);
                var stored = await update.ExecuteScalarAsync(cancellationToken);
                if (stored is not long createdMs)
                {
                    throw new ConcurrencyConflictException(record.OrderId);
                }

                createdAt = UnixTime.FromMs(createdMs);
            }

            await WriteSummaryAsync(connection, transaction, record, createdAt, now, cancellationToken);
            await WriteSearchKeysAsync(connection, transaction, record.Order, isNew: expectedETag is null, cancellationToken);
            var published = 0;
            if (newEvents.Count > 0)
            {
                var numbered = await AppendEventsAsync(connection, transaction, record.OrderId, newEvents, cancellationToken);
                if (_subscriptions.Any)
                {
                    published = await SqliteEventOutbox.InsertAsync(connection, transaction, _subscriptions, OutboundEventMapper.FromOrderEvents(record.OrderId, numbered), now, cancellationToken);
                }
            }

            return (record with { ETag = version.ToString(CultureInfo.InvariantCulture), CreatedAt = createdAt, ModifiedAt = now }, published);
        }, cancellationToken);
        if (published > 0)
        {
            signal?.Notify(QueueNames.OutboundEvents);
        }

        return saved;
    }

    public async Task<IReadOnlyList<OrderEvent>> GetEventsAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT sequence, type, at, actor, cause, data FROM order_events WHERE order_id = $id ORDER BY sequence";
        command.Parameters.AddWithValue("$id", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<OrderEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new OrderEvent
            {
                Sequence = reader.GetInt64(0),
                Type = reader.GetString(1),
                At = UnixTime.FromMs(reader.GetInt64(2)),
                Actor = reader.GetString(3),
                Cause = reader.IsDBNull(4) ? null : reader.GetString(4),
                Data = reader.IsDBNull(5) ? null : reader.GetString(5),
            });
        }

        return events;
    }

    public async Task<OrderPage> ListAsync(OrderQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var pageSize = Math.Clamp(query.PageSize, 1, 1000);
        // Only the summaries table is read: listing never touches an order document, whatever its size.
        var sql = new StringBuilder($"SELECT {SummaryColumns} FROM order_summaries WHERE 1 = 1");
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        if (query.Channel is not null)
        {
            sql.Append(" AND channel = $channel");
            command.Parameters.AddWithValue("$channel", query.Channel);
        }

        if (query.Status is not null)
        {
            sql.Append(" AND status = $status");
            command.Parameters.AddWithValue("$status", query.Status);
        }

        if (query.ModifiedSince is { } since)
        {
            sql.Append(" AND modified_at >= $since");
            command.Parameters.AddWithValue("$since", UnixTime.ToMs(since));
        }

        if (OrderContinuation.TryDecode(query.Continuation, out var after))
        {
            sql.Append(" AND (modified_at > $afterMs OR (modified_at = $afterMs AND order_id > $afterId))");
            command.Parameters.AddWithValue("$afterMs", UnixTime.ToMs(after.ModifiedAt));
            command.Parameters.AddWithValue("$afterId", after.OrderId);
        }

        sql.Append(" ORDER BY modified_at, order_id LIMIT $limit");
        command.Parameters.AddWithValue("$limit", pageSize + 1);
        command.CommandText = sql.ToString();

        var records = new List<OrderSummary>(pageSize + 1);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                records.Add(ReadSummary(reader));
            }
        }

        if (records.Count <= pageSize)
        {
            return new OrderPage(records, null);
        }

        records.RemoveAt(records.Count - 1);
        var last = records[^1];
        return new OrderPage(records, OrderContinuation.Encode(new(last.ModifiedAt, last.OrderId)));
    }

    private static async Task<IReadOnlyList<OrderEvent>> AppendEventsAsync(SqliteConnection connection, SqliteTransaction transaction, string orderId, IReadOnlyList<OrderEvent> events, CancellationToken cancellationToken)
    {
        var numbered = new List<OrderEvent>(events.Count);
        await using var next = Command(connection, transaction, "SELECT COALESCE(MAX(sequence), 0) FROM order_events WHERE order_id = $id");
        next.Parameters.AddWithValue("$id", orderId);
        var sequence = (long)(await next.ExecuteScalarAsync(cancellationToken))!;

        await using var insert = Command(connection, transaction, """
            INSERT INTO order_events (order_id, sequence, type, at, actor, cause, data)
            VALUES ($id, $seq, $type, $at, $actor, $cause, $data)
            """);
        var seq = insert.Parameters.Add("$seq", SqliteType.Integer);
        var type = insert.Parameters.Add("$type", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Integer);
        var actor = insert.Parameters.Add("$actor", SqliteType.Text);
        var cause = insert.Parameters.Add("$cause", SqliteType.Text);
        var data = insert.Parameters.Add("$data", SqliteType.Text);
        insert.Parameters.AddWithValue("$id", orderId);
        foreach (var e in events)
        {
            seq.Value = ++sequence;
            type.Value = e.Type;
            at.Value = UnixTime.ToMs(e.At);
            actor.Value = e.Actor;
            cause.Value = (object?)e.Cause ?? DBNull.Value;
            data.Value = (object?)e.Data ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
            numbered.Add(e with { Sequence = sequence });
        }

        return numbered;
    }

    private static async Task WriteSummaryAsync(SqliteConnection connection, SqliteTransaction transaction, OrderRecord record, DateTimeOffset createdAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var order = record.Order;
        await using var upsert = Command(connection, transaction, """
            INSERT OR REPLACE INTO order_summaries
                (order_id, channel, status, created_at, modified_at, channel_account, channel_order_id, currency, totals, line_count, placed_at)
            VALUES ($id, $channel, $status, $created, $now, $account, $channelOrderId, $currency, $totals, $lines, $placed)
            """);
        upsert.Parameters.AddWithValue("$id", order.OrderId);
        upsert.Parameters.AddWithValue("$channel", order.Channel);
        upsert.Parameters.AddWithValue("$status", record.Status);
        upsert.Parameters.AddWithValue("$created", UnixTime.ToMs(createdAt));
        upsert.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
        upsert.Parameters.AddWithValue("$account", order.ChannelAccount);
        upsert.Parameters.AddWithValue("$channelOrderId", order.ChannelOrderId);
        upsert.Parameters.AddWithValue("$currency", order.Currency);
        upsert.Parameters.AddWithValue("$totals", OrderOpsJson.Serialize(order.Totals));
        upsert.Parameters.AddWithValue("$lines", order.LineItems.Count);
        upsert.Parameters.AddWithValue("$placed", order.PlacedAt.ToString("O", CultureInfo.InvariantCulture));
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The order's <see cref="OrderSearchKeys"/>, replacing those of its previous version.</summary>
    private static async Task WriteSearchKeysAsync(SqliteConnection connection, SqliteTransaction transaction, CanonicalOrder order, bool isNew, CancellationToken cancellationToken)
    {
        if (!isNew)
        {
            await using var delete = Command(connection, transaction, "DELETE FROM order_search_keys WHERE order_id = $id");
            delete.Parameters.AddWithValue("$id", order.OrderId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = Command(connection, transaction, "INSERT OR IGNORE INTO order_search_keys (search_key, order_id) VALUES ($key, $id)");
        var key = insert.Parameters.Add("$key", SqliteType.Text);
        insert.Parameters.AddWithValue("$id", order.OrderId);
        foreach (var searchKey in OrderSearchKeys.For(order))
        {
            key.Value = searchKey;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static void AddRecordParameters(SqliteCommand command, OrderRecord record, byte[] document, DateTimeOffset now)
    {
        command.Parameters.AddWithValue("$id", record.OrderId);
        command.Parameters.AddWithValue("$channel", record.Order.Channel);
        command.Parameters.AddWithValue("$status", record.Status);
        command.Parameters.AddWithValue("$now", UnixTime.ToMs(now));
        command.Parameters.AddWithValue("$document", document);
        command.Parameters.AddWithValue("$state", (object?)record.ProcessState ?? DBNull.Value);
    }

    private static OrderSummary ReadSummary(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(4),
        reader.GetString(5),
        reader.GetString(6),
        reader.GetString(1),
        reader.GetString(7),
        OrderOpsJson.Deserialize<OrderTotals>(reader.GetString(8)),
        reader.GetInt32(9),
        DateTimeOffset.Parse(reader.GetString(10), CultureInfo.InvariantCulture),
        UnixTime.FromMs(reader.GetInt64(2)),
        UnixTime.FromMs(reader.GetInt64(3)));
}

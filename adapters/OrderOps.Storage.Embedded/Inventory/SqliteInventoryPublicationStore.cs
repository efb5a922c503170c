using Microsoft.Data.Sqlite;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded.Events;
using OrderOps.Storage.Embedded.Messaging;

namespace OrderOps.Storage.Embedded.Inventory;

/// <summary>
/// Published quantities and the pending-push outbox on SQLite (see <see cref="IInventoryPublicationStore"/>). A completion
/// that changes a published quantity writes its <c>orderops.inventory.published</c> event to the event outbox in the same
/// transaction.
/// </summary>
public sealed class SqliteInventoryPublicationStore(SqliteDatabase database, EventSubscriptions? subscriptions = null, QueueSignal? signal = null) : IInventoryPublicationStore
{
    private readonly EventSubscriptions _subscriptions = subscriptions ?? EventSubscriptions.None;

    private const int MaxParametersPerQuery = 500;
    private const string PendingColumns = "p.channel, p.sku, p.quantity, p.version, p.due_at, p.changed_at, p.attempts, p.parked, p.last_error, pub.published_quantity";

    public async Task<IReadOnlyDictionary<string, PublicationState>> GetStatesAsync(string channel, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var states = new Dictionary<string, PublicationState>(StringComparer.Ordinal);
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var chunk in skus.Distinct(StringComparer.Ordinal).Chunk(MaxParametersPerQuery))
        {
            await using var command = connection.CreateCommand();
            var placeholders = SqliteInventoryLedger.Parameters(command, chunk);
            command.Parameters.AddWithValue("$channel", channel);
            // Both sides of a full outer join: a SKU may have been published without a pending row, or the reverse.
            command.CommandText = $"""
                SELECT k.sku, pub.published_quantity, pub.published_at, pub.last_attempt_at,
                       p.quantity, p.version, p.due_at, p.changed_at, p.attempts, p.parked, p.last_error
                FROM (SELECT sku FROM inventory_publications WHERE channel = $channel AND sku IN ({placeholders})
                      UNION SELECT sku FROM inventory_pending_pushes WHERE channel = $channel AND sku IN ({placeholders})) k
                LEFT JOIN inventory_publications pub ON pub.channel = $channel AND pub.sku = k.sku
                LEFT JOIN inventory_pending_pushes p ON p.channel = $channel AND p.sku = k.sku
                """;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var sku = reader.GetString(0);
                int? published = reader.IsDBNull(1) ? null : reader.GetInt32(1);
                var pending = reader.IsDBNull(4)
                    ? null
                    : new PendingPush
                    {
                        Channel = channel,
                        Sku = sku,
                        Quantity = reader.GetInt32(4),
                        Version = reader.GetInt64(5),
                        DueAt = UnixTime.FromMs(reader.GetInt64(6)),
                        ChangedAt = UnixTime.FromMs(reader.GetInt64(7)),
                        Attempts = reader.GetInt32(8),
                        Parked = reader.GetInt64(9) != 0,
                        LastError = reader.IsDBNull(10) ? null : reader.GetString(10),
                        PublishedQuantity = published,
                    };
                states[sku] = new PublicationState(
                    channel,
                    sku,
                    published,
                    reader.IsDBNull(2) ? null : UnixTime.FromMs(reader.GetInt64(2)),
                    reader.IsDBNull(3) ? null : UnixTime.FromMs(reader.GetInt64(3)),
                    pending);
            }
        }

        return states;
    }

    public Task ScheduleAsync(IReadOnlyList<ScheduledPush> pushes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        if (pushes.Count == 0)
        {
            return Task.CompletedTask;
        }

        return database.WriteAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            // A row in backoff (attempts > 0) keeps its later due time; a healthy row takes the fresh one, which
            // already accounts for the coalescing window. changed_at keeps the oldest unpublished change.
            command.CommandText = """
                INSERT INTO inventory_pending_pushes (channel, sku, quantity, version, due_at, changed_at)
                VALUES ($channel, $sku, $quantity, 1, $due, $changed)
                ON CONFLICT (channel, sku) DO UPDATE SET
                    quantity = excluded.quantity,
                    version = version + 1,
                    due_at = CASE WHEN attempts > 0 THEN max(due_at, excluded.due_at) ELSE excluded.due_at END,
                    changed_at = min(changed_at, excluded.changed_at)
                WHERE quantity <> excluded.quantity
                """;
            var channel = command.Parameters.Add("$channel", SqliteType.Text);
            var sku = command.Parameters.Add("$sku", SqliteType.Text);
            var quantity = command.Parameters.Add("$quantity", SqliteType.Integer);
            var due = command.Parameters.Add("$due", SqliteType.Integer);
            var changed = command.Parameters.Add("$changed", SqliteType.Integer);
            foreach (var push in pushes)
            {
                channel.Value = push.Channel;
                sku.Value = push.Sku;
                quantity.Value = push.Quantity;
                due.Value = UnixTime.ToMs(push.DueAt);
                changed.Value = UnixTime.ToMs(push.ChangedAt);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return pushes.Count;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PendingPush>> TakeDueAsync(string channel, DateTimeOffset now, TimeSpan leaseDuration, int limit, CancellationToken cancellationToken) =>
        database.WriteAsync<IReadOnlyList<PendingPush>>(async (connection, transaction) =>
        {
            var nowMs = UnixTime.ToMs(now);
            var leased = new List<PendingPush>();
            await using (var lease = connection.CreateCommand())
            {
                lease.Transaction = transaction;
                // RETURNING yields exactly the rows this call leased, never rows another call leased a moment ago.
                lease.CommandText = """
                    UPDATE inventory_pending_pushes SET leased_until = $until
                    WHERE channel = $channel AND sku IN (
                        SELECT sku FROM inventory_pending_pushes
                        WHERE channel = $channel AND due_at <= $now AND leased_until <= $now
                        ORDER BY due_at LIMIT $limit)
                    RETURNING channel, sku, quantity, version, due_at, changed_at, attempts, parked, last_error, NULL
                    """;
                lease.Parameters.AddWithValue("$channel", channel);
                lease.Parameters.AddWithValue("$now", nowMs);
                lease.Parameters.AddWithValue("$until", UnixTime.ToMs(now + leaseDuration));
                lease.Parameters.AddWithValue("$limit", limit);
                leased.AddRange(await ReadPendingAsync(lease, cancellationToken));
            }

            // Remember the attempt (the planner's coalescing window counts from it) and read what was last published.
            await using var attempt = connection.CreateCommand();
            attempt.Transaction = transaction;
            attempt.CommandText = """
                INSERT INTO inventory_publications (channel, sku, last_attempt_at) VALUES ($channel, $sku, $now)
                ON CONFLICT (channel, sku) DO UPDATE SET last_attempt_at = excluded.last_attempt_at
                RETURNING published_quantity
                """;
            attempt.Parameters.AddWithValue("$channel", channel);
            attempt.Parameters.AddWithValue("$now", nowMs);
            var sku = attempt.Parameters.Add("$sku", SqliteType.Text);
            for (var i = 0; i < leased.Count; i++)
            {
                sku.Value = leased[i].Sku;
                var published = await attempt.ExecuteScalarAsync(cancellationToken);
                leased[i] = leased[i] with { PublishedQuantity = published is long value ? (int)value : null };
            }

            leased.Sort((a, b) => a.DueAt.CompareTo(b.DueAt));
            return leased;
        }, cancellationToken);

    public async Task CompleteAsync(IReadOnlyList<PushCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        var published = await database.WriteAsync(async (connection, transaction) =>
        {
            var events = new List<OutboundEvent>();
            foreach (var completion in completions)
            {
                if (completion.Kind == PushCompletionKind.Published && _subscriptions.Any
                    && OutboundEventMapper.FromPublication(completion.Channel, completion.Sku, completion.Quantity,
                        await PublishedQuantityAsync(connection, transaction, completion.Channel, completion.Sku, cancellationToken), completion.At, completion.Version) is { } e)
                {
                    events.Add(e);
                }

                await using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = completion.Kind switch
                {
                    PushCompletionKind.Published => """
                        INSERT INTO inventory_publications (channel, sku, published_quantity, published_at, last_attempt_at)
                        VALUES ($channel, $sku, $quantity, $at, $at)
                        ON CONFLICT (channel, sku) DO UPDATE SET published_quantity = excluded.published_quantity, published_at = excluded.published_at;
                        DELETE FROM inventory_pending_pushes WHERE channel = $channel AND sku = $sku AND version = $version;
                        UPDATE inventory_pending_pushes SET leased_until = 0, attempts = 0, parked = 0, last_error = NULL WHERE channel = $channel AND sku = $sku;
                        """,
                    PushCompletionKind.NotListed => """
                        DELETE FROM inventory_pending_pushes WHERE channel = $channel AND sku = $sku AND version = $version;
                        UPDATE inventory_pending_pushes SET leased_until = 0 WHERE channel = $channel AND sku = $sku;
                        """,
                    PushCompletionKind.Failed => """
                        UPDATE inventory_pending_pushes
                        SET attempts = attempts + 1, parked = $park, due_at = $retry, last_error = $error, leased_until = 0
                        WHERE channel = $channel AND sku = $sku;
                        """,
                    _ => """
                        UPDATE inventory_pending_pushes SET due_at = $retry, last_error = $error, leased_until = 0
                        WHERE channel = $channel AND sku = $sku;
                        """,
                };
                command.Parameters.AddWithValue("$channel", completion.Channel);
                command.Parameters.AddWithValue("$sku", completion.Sku);
                command.Parameters.AddWithValue("$quantity", completion.Quantity);
                command.Parameters.AddWithValue("$version", completion.Version);
                command.Parameters.AddWithValue("$at", UnixTime.ToMs(completion.At));
                command.Parameters.AddWithValue("$park", completion.Park ? 1 : 0);
                command.Parameters.AddWithValue("$retry", UnixTime.ToMs(completion.RetryAt ?? completion.At));
                command.Parameters.AddWithValue("$error", (object?)completion.Error ?? DBNull.Value);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            return events.Count == 0 ? 0 : await SqliteEventOutbox.InsertAsync(connection, transaction, _subscriptions, events, completions[0].At, cancellationToken);
        }, cancellationToken);
        if (published > 0)
        {
            signal?.Notify(QueueNames.OutboundEvents);
        }
    }

    private static async Task<int?> PublishedQuantityAsync(SqliteConnection connection, SqliteTransaction transaction, string channel, string sku, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT published_quantity FROM inventory_publications WHERE channel = $channel AND sku = $sku";
        command.Parameters.AddWithValue("$channel", channel);
        command.Parameters.AddWithValue("$sku", sku);
        return await command.ExecuteScalarAsync(cancellationToken) is long value ? (int)value : null;
    }

    public async Task<DateTimeOffset?> NextDueAsync(string channel, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT min(max(due_at, leased_until)) FROM inventory_pending_pushes WHERE channel = $channel";
        command.Parameters.AddWithValue("$channel", channel);
        return await command.ExecuteScalarAsync(cancellationToken) is long ms ? UnixTime.FromMs(ms) : null;
    }

    public async Task<IReadOnlyList<PendingPush>> ListPendingAsync(string channel, bool parkedOnly, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {PendingColumns} FROM inventory_pending_pushes p
            LEFT JOIN inventory_publications pub ON pub.channel = p.channel AND pub.sku = p.sku
            WHERE p.channel = $channel AND ($parkedOnly = 0 OR p.parked = 1) ORDER BY p.due_at LIMIT $limit
            """;
        command.Parameters.AddWithValue("$channel", channel);
        command.Parameters.AddWithValue("$parkedOnly", parkedOnly ? 1 : 0);
        command.Parameters.AddWithValue("$limit", limit);
        return await ReadPendingAsync(command, cancellationToken);
    }

    private static async Task<IReadOnlyList<PendingPush>> ReadPendingAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var pending = new List<PendingPush>();
        while (await reader.ReadAsync(cancellationToken))
        {
            pending.Add(new PendingPush
            {
                Channel = reader.GetString(0),
                Sku = reader.GetString(1),
                Quantity = reader.GetInt32(2),
                Version = reader.GetInt64(3),
                DueAt = UnixTime.FromMs(reader.GetInt64(4)),
                ChangedAt = UnixTime.FromMs(reader.GetInt64(5)),
                Attempts = reader.GetInt32(6),
                Parked = reader.GetInt64(7) != 0,
                LastError = reader.IsDBNull(8) ? null : reader.GetString(8),
                PublishedQuantity = reader.IsDBNull(9) ? null : reader.GetInt32(9),
            });
        }

        return pending;
    }
}

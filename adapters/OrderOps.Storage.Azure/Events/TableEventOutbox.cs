using Azure;
using Azure.Data.Tables;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;

namespace OrderOps.Storage.Azure.Events;

/// <summary>
/// The event outbox in Table storage: one row per (subscriber, event), PartitionKey = the subscriber, RowKey =
/// <c>{subject}|{position}</c>; subscriber states in the <c>!subscribers</c> partition.
/// <para>
/// The changes events describe commit elsewhere (an order document in Cosmos DB, a publication row in another table), and
/// neither store offers a transaction spanning both. So the rows are written AHEAD of the commit, unconfirmed
/// (<see cref="WriteAheadAsync"/>), and confirmed right after it (<see cref="ConfirmAsync"/>) — the order index's
/// write-ahead pattern. An unconfirmed row is never delivered as it is: when it reaches the head of its subject the
/// dispatcher asks its source whether the event is in the committed state (<see cref="EventCommitCheck"/>): yes confirms
/// it (a crash between commit and confirmation); "a different event is there" deletes it (a save that lost the ETag race);
/// "nothing there" leaves it waiting until <see cref="RecoverAfter"/> has passed since it was written and then deletes it
/// (the commit never happened). Every save attempt writes rows of its own (the attempt is in the RowKey), so a losing
/// attempt never overwrites the winner's. No event is lost, none is invented; a crashed attempt that a retry repeats word
/// for word can be delivered twice with the same id (at least once).
/// </para>
/// </summary>
public sealed class TableEventOutbox(TableClient table, TimeProvider time, EventCommitCheck isCommitted) : IEventOutbox
{
    /// <summary>How long a write-ahead row may wait for its commit before it is treated as abandoned.</summary>
    public static readonly TimeSpan RecoverAfter = TimeSpan.FromMinutes(2);

    public const string OrderSource = "order";
    public const string PublicationSource = "publication";

    /// <summary>Writes the deliveries of <paramref name="events"/> unconfirmed, before the commit; returns them for <see cref="ConfirmAsync"/>.</summary>
    public async Task<IReadOnlyList<TableEntity>> WriteAheadAsync(EventSubscriptions subscriptions, string source, IReadOnlyList<OutboundEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);
        var now = time.GetUtcNow();
        var attempt = Guid.NewGuid().ToString("N");
        var rows = subscriptions.DeliveriesOf(events).Select(d => EventDeliveryEntity.Create(d.Subscriber, source, d.Event, attempt, now)).ToList();
        // One entity-group transaction per subscriber partition (at most 100 rows each).
        await Task.WhenAll(rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)).Select(chunk =>
            table.SubmitTransactionAsync(chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpsertReplace, r)), cancellationToken)));
        return rows;
    }

    /// <summary>Marks rows written ahead as committed. Best effort: a row left unconfirmed is checked against its source later.</summary>
    public async Task ConfirmAsync(IReadOnlyList<TableEntity> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await Task.WhenAll(rows.GroupBy(r => r.PartitionKey).SelectMany(g => g.Chunk(100)).Select(chunk =>
            table.SubmitTransactionAsync(
                chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(r.PartitionKey, r.RowKey) { ["Confirmed"] = true }, ETag.All)),
                cancellationToken)));
    }

    /// <summary>
    /// After the commit: confirms the rows and wakes the dispatcher through <paramref name="wake"/>. Best effort, never
    /// failing a save that committed: unconfirmed rows are checked against their source, and the sweep timer drains what
    /// no wake-up announced.
    /// </summary>
    public async Task ConfirmAndWakeAsync(IReadOnlyList<TableEntity> rows, IMessageQueue? wake)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0)
        {
            return;
        }

        try
        {
            await ConfirmAsync(rows, CancellationToken.None);
            if (wake is not null)
            {
                await wake.SendAsync(QueueNames.OutboundEvents, new QueueMessage { MessageId = rows[0].RowKey, Body = "{}" }, CancellationToken.None);
            }
        }
        catch (RequestFailedException)
        {
        }
    }

    public async Task<IReadOnlyList<EventDelivery>> TakeDueAsync(string subscriber, DateTimeOffset now, TimeSpan lease, int maxSubjects, int perSubject, CancellationToken cancellationToken)
    {
        var taken = new List<EventDelivery>();
        var subjects = 0;
        foreach (var rows in await SubjectsAsync(subscriber, cancellationToken))
        {
            if (subjects >= maxSubjects)
            {
                break;
            }

            var head = rows[0];
            var delivery = EventDeliveryEntity.Read(head);
            if (delivery.Parked || delivery.DueAt > now || !await ResolveAsync(head, delivery, now, cancellationToken))
            {
                continue;
            }

            try
            {
                // The ETag makes the lease exclusive: of two dispatchers taking the same head, one wins.
                await table.UpdateEntityAsync(new TableEntity(head.PartitionKey, head.RowKey) { ["DueAt"] = (now + lease).ToUnixTimeMilliseconds() }, head.ETag, TableUpdateMode.Merge, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                continue;
            }

            subjects++;
            taken.Add(delivery);
            foreach (var next in rows.Skip(1).Take(perSubject - 1))
            {
                // Only confirmed rows go along; an unconfirmed one waits until it is the head and can be checked.
                if (!EventDeliveryEntity.IsConfirmed(next) || (next.GetBoolean("Parked") ?? false))
                {
                    break;
                }

                taken.Add(EventDeliveryEntity.Read(next));
            }
        }

        return taken;
    }

    public async Task CompleteAsync(IReadOnlyList<DeliveryCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        await Task.WhenAll(completions.GroupBy(c => TableKeys.Escape(c.Delivery.Subscriber)).SelectMany(g => g.Chunk(100)).Select(chunk =>
            table.SubmitTransactionAsync(chunk.Select(Action), cancellationToken)));

        static TableTransactionAction Action(DeliveryCompletion c)
        {
            var d = c.Delivery;
            var key = (TableKeys.Escape(d.Subscriber), d.StoreKey ?? throw new ArgumentException("A delivery taken from this outbox carries its row key.", nameof(completions)));
            return c.Kind == DeliveryCompletionKind.Delivered
                ? new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key.Item1, key.Item2), ETag.All)
                : new TableTransactionAction(TableTransactionActionType.UpdateMerge, new TableEntity(key.Item1, key.Item2)
                {
                    ["Attempts"] = d.Attempts + 1,
                    ["DueAt"] = c.RetryAt.ToUnixTimeMilliseconds(),
                    ["Parked"] = c.Park,
                    ["LastError"] = c.Error,
                }, ETag.All);
        }
    }

    public async Task<IReadOnlyList<EventDelivery>> ListAsync(string subscriber, bool parkedOnly, int limit, CancellationToken cancellationToken) =>
        (await SubjectsAsync(subscriber, cancellationToken))
            .SelectMany(rows => rows)
            .Where(EventDeliveryEntity.IsConfirmed)
            .Select(EventDeliveryEntity.Read)
            .Where(d => !parkedOnly || d.Parked)
            .Take(Math.Clamp(limit, 1, 1000))
            .ToList();

    public async Task<int> ReplayAsync(string subscriber, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // Parked deliveries start over; those waiting out a backoff go now too (an operator replaying wants it served at once).
        var nowMs = now.ToUnixTimeMilliseconds();
        var rows = (await SubjectsAsync(subscriber, cancellationToken)).SelectMany(r => r).Where(r => (r.GetBoolean("Parked") ?? false) || (r.GetInt64("DueAt") ?? 0) > nowMs).ToList();
        await Task.WhenAll(rows.Chunk(100).Select(chunk => table.SubmitTransactionAsync(
            chunk.Select(r => new TableTransactionAction(TableTransactionActionType.UpdateMerge, (r.GetBoolean("Parked") ?? false)
                ? new TableEntity(r.PartitionKey, r.RowKey) { ["Parked"] = false, ["Attempts"] = 0, ["DueAt"] = nowMs }
                : new TableEntity(r.PartitionKey, r.RowKey) { ["DueAt"] = nowMs }, ETag.All)),
            cancellationToken)));
        return rows.Count(r => r.GetBoolean("Parked") ?? false);
    }

    public async Task SetSubscriberAsync(SubscriberStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        await table.UpsertEntityAsync(new TableEntity(EventDeliveryEntity.SubscribersPartition, TableKeys.Escape(status.Subscriber))
        {
            ["Subscriber"] = status.Subscriber,
            ["Disabled"] = status.Disabled,
            ["Reason"] = status.Reason,
            ["At"] = status.At.ToUnixTimeMilliseconds(),
        }, TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<SubscriberStatus?> GetSubscriberAsync(string subscriber, CancellationToken cancellationToken)
    {
        var found = await table.GetEntityIfExistsAsync<TableEntity>(EventDeliveryEntity.SubscribersPartition, TableKeys.Escape(subscriber), cancellationToken: cancellationToken);
        return found.HasValue && found.Value is { } e
            ? new SubscriberStatus(subscriber, e.GetBoolean("Disabled") ?? false, e.GetString("Reason"), DateTimeOffset.FromUnixTimeMilliseconds(e.GetInt64("At") ?? 0))
            : null;
    }

    /// <summary>True when the head may be delivered: confirmed, or found committed now. Deletes an abandoned write-ahead row.</summary>
    private async Task<bool> ResolveAsync(TableEntity head, EventDelivery delivery, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (EventDeliveryEntity.IsConfirmed(head))
        {
            return true;
        }

        var committed = await isCommitted(EventDeliveryEntity.Source(head), delivery.Event, cancellationToken);
        if (committed == true)
        {
            var confirmed = await table.UpdateEntityAsync(new TableEntity(head.PartitionKey, head.RowKey) { ["Confirmed"] = true }, head.ETag, TableUpdateMode.Merge, cancellationToken);
            head.ETag = confirmed.Headers.ETag ?? ETag.All;
            return true;
        }

        // false: the source holds a different event at this position (this row is a losing or crashed attempt's);
        // null: nothing there yet, so the commit may still be under way until RecoverAfter has passed.
        if (committed == false || now - delivery.CommittedAt > RecoverAfter)
        {
            try
            {
                await table.DeleteEntityAsync(head.PartitionKey, head.RowKey, head.ETag, cancellationToken);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Rewritten by a retried save meanwhile, or already gone: looked at again next round.
            }
        }

        return false;
    }

    /// <summary>The subscriber's rows grouped by subject, each group in position order.</summary>
    private async Task<List<List<TableEntity>>> SubjectsAsync(string subscriber, CancellationToken cancellationToken)
    {
        var rows = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(subscriber)}"), cancellationToken: cancellationToken))
        {
            rows.Add(entity);
        }

        return rows
            .GroupBy(r => r.GetString("Subject"), StringComparer.Ordinal)
            .Select(g => g.OrderBy(r => r.GetString("Position"), StringComparer.Ordinal).ThenBy(r => r.RowKey, StringComparer.Ordinal).ToList())
            .OrderBy(g => g[0].GetInt64("DueAt") ?? 0)
            .ToList();
    }
}

/// <summary>
/// Whether an event written ahead is part of its source's committed state (its order history, its publication row): true
/// when it is, false when the source committed a different event at its position, null when nothing is there (yet).
/// </summary>
public delegate Task<bool?> EventCommitCheck(string source, OutboundEvent e, CancellationToken cancellationToken);

using Azure;
using Azure.Data.Tables;
using System.Runtime.Serialization;
using OrderOps.Core.Events;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Events;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// Published quantities and the pending-push outbox in one Table storage table: one entity per (channel, SKU)
/// (PartitionKey = channel, RowKey = SKU, both escaped) carrying both what the channel was last told and the push still
/// owed, so a success records the published quantity and retires the pending push in one ETag-checked write.
/// <para>
/// Why Table storage rather than Cosmos DB: every access is by channel — point reads by SKU and filters on due time
/// within the channel's partition — which Table storage serves directly, with ETag concurrency, at storage-transaction
/// prices rather than request units; the fan-out rewrites these rows on every push, and nothing needs a change feed of
/// them. Ordering by due time is done by the caller (Table storage sorts by key only), over the channel's pending rows.
/// </para>
/// Versions only ever increase per (channel, SKU), even across pending pushes, so a completion quoting the version of an
/// earlier push can never retire a later one.
/// <para>
/// A success that changes the published quantity makes an <c>orderops.inventory.published</c> event: written to the event
/// outbox ahead of the row's write and confirmed after it; the row keeps the ids of its recent events
/// (<see cref="PublicationEntity.EventIds"/>) so <see cref="IsCommittedAsync"/> can tell the outbox after a crash.
/// </para>
/// </summary>
public sealed class TableInventoryPublicationStore(TableClient table, TableEventOutbox? outbox = null, EventSubscriptions? subscriptions = null, IMessageQueue? wake = null)
    : IInventoryPublicationStore
{
    /// <summary>Event ids a row remembers: far more publications than one SKU and channel see while a write-ahead row waits.</summary>
    private const int RememberedEvents = 16;

    private const int PointReadLimit = 20;

    public async Task<IReadOnlyDictionary<string, PublicationState>> GetStatesAsync(string channel, IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var wanted = skus.Distinct(StringComparer.Ordinal).ToList();
        var entities = new List<PublicationEntity>();
        if (wanted.Count <= PointReadLimit)
        {
            var found = await Task.WhenAll(wanted.Select(sku => FindAsync(channel, sku, cancellationToken)));
            entities.AddRange(found.OfType<PublicationEntity>());
        }
        else
        {
            // One range scan over the channel's partition instead of hundreds of point reads.
            var keys = wanted.Select(TableKeys.Escape).Order(StringComparer.Ordinal).ToList();
            var filter = TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(channel)} and RowKey ge {keys[0]} and RowKey le {keys[^1]}");
            var set = wanted.ToHashSet(StringComparer.Ordinal);
            await foreach (var entity in table.QueryAsync<PublicationEntity>(filter, cancellationToken: cancellationToken))
            {
                if (set.Contains(entity.Sku))
                {
                    entities.Add(entity);
                }
            }
        }

        return entities.ToDictionary(
            e => e.Sku,
            e => new PublicationState(channel, e.Sku, e.PublishedQuantity, Time(e.PublishedAt), Time(e.LastAttemptAt), e.HasPending ? ToPending(e) : null),
            StringComparer.Ordinal);
    }

    public Task ScheduleAsync(IReadOnlyList<ScheduledPush> pushes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pushes);
        return ForEachKeyAsync(pushes, p => (p.Channel, p.Sku), (push, entity) =>
        {
            if (entity?.HasPending == true)
            {
                if (entity.Quantity == push.Quantity)
                {
                    return null;
                }

                // A row in backoff keeps its later due time; a healthy row takes the fresh one (which already includes
                // the coalescing window). ChangedAt keeps the oldest unpublished change.
                entity.DueAt = entity.Attempts > 0 ? Math.Max(entity.DueAt, Ms(push.DueAt)) : Ms(push.DueAt);
                entity.ChangedAt = Math.Min(entity.ChangedAt, Ms(push.ChangedAt));
            }
            else
            {
                entity ??= New(push.Channel, push.Sku);
                entity.HasPending = true;
                entity.DueAt = Ms(push.DueAt);
                entity.ChangedAt = Ms(push.ChangedAt);
                entity.Attempts = 0;
                entity.Parked = false;
                entity.LastError = null;
                entity.LeasedUntil = 0;
            }

            entity.Quantity = push.Quantity;
            entity.Version++;
            return entity;
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<PendingPush>> TakeDueAsync(string channel, DateTimeOffset now, TimeSpan leaseDuration, int limit, CancellationToken cancellationToken)
    {
        var nowMs = Ms(now);
        bool Due(PublicationEntity e) => e.HasPending && e.DueAt <= nowMs && e.LeasedUntil <= nowMs;
        var candidates = await QueryAsync(TableClient.CreateQueryFilter(
            $"PartitionKey eq {TableKeys.Escape(channel)} and HasPending eq true and DueAt le {nowMs} and LeasedUntil le {nowMs}"), cancellationToken);
        var leased = new List<PendingPush>();
        foreach (var candidate in candidates.OrderBy(e => e.DueAt))
        {
            var entity = candidate;
            while (leased.Count < limit && entity is not null && Due(entity))
            {
                // The lease, and the attempt the planner's coalescing window counts from, in one conditional write.
                entity.LeasedUntil = Ms(now + leaseDuration);
                entity.LastAttemptAt = nowMs;
                if (await TryWriteAsync(entity, exists: true, cancellationToken))
                {
                    leased.Add(ToPending(entity));
                    break;
                }

                // Rescheduled or taken meanwhile: look again.
                entity = await FindAsync(channel, candidate.Sku, cancellationToken);
            }
        }

        return leased.OrderBy(p => p.DueAt).ToList();
    }

    public Task CompleteAsync(IReadOnlyList<PushCompletion> completions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completions);
        return ForEachKeyAsync(completions, c => (c.Channel, c.Sku), (completion, entity) =>
        {
            var at = Ms(completion.At);
            var retryAt = Ms(completion.RetryAt ?? completion.At);
            switch (completion.Kind)
            {
                case PushCompletionKind.Published:
                    entity ??= New(completion.Channel, completion.Sku, lastAttemptAt: at);
                    entity.Event = subscriptions is { Any: true }
                        ? OutboundEventMapper.FromPublication(completion.Channel, completion.Sku, completion.Quantity, entity.PublishedQuantity, completion.At, completion.Version)
                        : null;
                    if (entity.Event is { } e)
                    {
                        entity.EventIds = string.Join(',', (entity.EventIds ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries).Append(e.Id).TakeLast(RememberedEvents));
                    }

                    entity.PublishedQuantity = completion.Quantity;
                    entity.PublishedAt = at;
                    if (entity.HasPending)
                    {
                        // Retired if it still holds what was pushed; a newer value stays pending, healthy again.
                        entity.HasPending = entity.Version != completion.Version;
                        (entity.LeasedUntil, entity.Attempts, entity.Parked, entity.LastError) = (0, 0, false, null);
                    }

                    return entity;
                case PushCompletionKind.NotListed when entity?.HasPending == true:
                    entity.HasPending = entity.Version != completion.Version;
                    entity.LeasedUntil = 0;
                    return entity;
                case PushCompletionKind.Failed when entity?.HasPending == true:
                    entity.Attempts++;
                    (entity.Parked, entity.DueAt, entity.LastError, entity.LeasedUntil) = (completion.Park, retryAt, completion.Error, 0);
                    return entity;
                case PushCompletionKind.Deferred when entity?.HasPending == true:
                    (entity.DueAt, entity.LastError, entity.LeasedUntil) = (retryAt, completion.Error, 0);
                    return entity;
                default:
                    return null;
            }
        }, cancellationToken);
    }

    public async Task<DateTimeOffset?> NextDueAsync(string channel, CancellationToken cancellationToken)
    {
        var pending = await QueryAsync(TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(channel)} and HasPending eq true"), cancellationToken);
        return pending.Count == 0 ? null : DateTimeOffset.FromUnixTimeMilliseconds(pending.Min(e => Math.Max(e.DueAt, e.LeasedUntil)));
    }

    public async Task<IReadOnlyList<PendingPush>> ListPendingAsync(string channel, bool parkedOnly, int limit, CancellationToken cancellationToken)
    {
        var filter = parkedOnly
            ? TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(channel)} and HasPending eq true and Parked eq true")
            : TableClient.CreateQueryFilter($"PartitionKey eq {TableKeys.Escape(channel)} and HasPending eq true");
        return (await QueryAsync(filter, cancellationToken)).OrderBy(e => e.DueAt).Take(limit).Select(ToPending).ToList();
    }

    /// <summary>
    /// Read-modify-write per (channel, SKU), ETag-checked and retried when another writer got there first. Items for one
    /// key are applied in their order; different keys in parallel. <paramref name="change"/> returns null for "no change".
    /// </summary>
    private Task ForEachKeyAsync<T>(IReadOnlyList<T> items, Func<T, (string Channel, string Sku)> key, Func<T, PublicationEntity?, PublicationEntity?> change, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            items.GroupBy(key),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (group, ct) =>
            {
                foreach (var item in group)
                {
                    while (true)
                    {
                        var existing = await FindAsync(group.Key.Channel, group.Key.Sku, ct);
                        var exists = existing is not null;
                        if (change(item, existing) is not { } changed)
                        {
                            break;
                        }

                        var ahead = changed.Event is { } e && outbox is not null && subscriptions is not null
                            ? await outbox.WriteAheadAsync(subscriptions, TableEventOutbox.PublicationSource, [e], ct)
                            : [];
                        if (await TryWriteAsync(changed, exists, ct))
                        {
                            await (outbox?.ConfirmAndWakeAsync(ahead, wake) ?? Task.CompletedTask);
                            break;
                        }
                    }
                }
            });

    /// <summary>For <see cref="TableEventOutbox"/>: is the publication event among those its row committed? Null when not (yet).</summary>
    public async Task<bool?> IsCommittedAsync(OutboundEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var data = System.Text.Json.Nodes.JsonNode.Parse(e.Data)!;
        var row = await FindAsync(data["channel"]!.GetValue<string>(), data["sku"]!.GetValue<string>(), cancellationToken);
        return row?.EventIds?.Split(',').Contains(e.Id, StringComparer.Ordinal) == true ? true : null;
    }

    private async Task<bool> TryWriteAsync(PublicationEntity entity, bool exists, CancellationToken cancellationToken)
    {
        try
        {
            if (exists)
            {
                await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            else
            {
                await table.AddEntityAsync(entity, cancellationToken);
            }

            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            return false;
        }
    }

    private async Task<PublicationEntity?> FindAsync(string channel, string sku, CancellationToken cancellationToken)
    {
        var response = await table.GetEntityIfExistsAsync<PublicationEntity>(TableKeys.Escape(channel), TableKeys.Escape(sku), cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    private async Task<List<PublicationEntity>> QueryAsync(string filter, CancellationToken cancellationToken)
    {
        var entities = new List<PublicationEntity>();
        await foreach (var entity in table.QueryAsync<PublicationEntity>(filter, cancellationToken: cancellationToken))
        {
            entities.Add(entity);
        }

        return entities;
    }

    private static PublicationEntity New(string channel, string sku, long? lastAttemptAt = null) => new()
    {
        PartitionKey = TableKeys.Escape(channel),
        RowKey = TableKeys.Escape(sku),
        Channel = channel,
        Sku = sku,
        LastAttemptAt = lastAttemptAt,
    };

    private static PendingPush ToPending(PublicationEntity e) => new()
    {
        Channel = e.Channel,
        Sku = e.Sku,
        Quantity = e.Quantity,
        Version = e.Version,
        DueAt = DateTimeOffset.FromUnixTimeMilliseconds(e.DueAt),
        ChangedAt = DateTimeOffset.FromUnixTimeMilliseconds(e.ChangedAt),
        Attempts = e.Attempts,
        Parked = e.Parked,
        LastError = e.LastError,
        PublishedQuantity = e.PublishedQuantity,
    };

    private static long Ms(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    private static DateTimeOffset? Time(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    /// <summary>What the channel was last told about one SKU, and the push still owed to it (when <see cref="HasPending"/>).</summary>
    public sealed class PublicationEntity : ITableEntity
    {
        public string PartitionKey { get; set; } = string.Empty;

        public string RowKey { get; set; } = string.Empty;

        public DateTimeOffset? Timestamp { get; set; }

        public ETag ETag { get; set; }

        public string Channel { get; set; } = string.Empty;

        public string Sku { get; set; } = string.Empty;

        public int? PublishedQuantity { get; set; }

        public long? PublishedAt { get; set; }

        public long? LastAttemptAt { get; set; }

        public bool HasPending { get; set; }

        public int Quantity { get; set; }

        public long Version { get; set; }

        public long DueAt { get; set; }

        public long ChangedAt { get; set; }

        public int Attempts { get; set; }

        public bool Parked { get; set; }

        public string? LastError { get; set; }

        public long LeasedUntil { get; set; }

        /// <summary>Ids of the last events this row's publications made, comma-separated, newest last.</summary>
        public string? EventIds { get; set; }

        /// <summary>The event the write being prepared makes (not stored).</summary>
        [IgnoreDataMember]
        public OutboundEvent? Event { get; set; }
    }
}

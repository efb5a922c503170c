using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Azure.Cosmos;
using global::Azure;
using OrderOps.Core.Events;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;
using OrderOps.Storage.Azure.Events;

namespace OrderOps.Storage.Azure.Orders;

/// <summary>
/// Orders and their events in one Cosmos DB container partitioned by <c>/orderId</c>: the order document
/// (<c>type: "order"</c>, id = the order id) and one document per event (<c>type: "event"</c>, id
/// <c>{orderId}:evt:{sequence:D10}</c>) share the order's partition.
/// <para>
/// A save must change the order and append its events atomically, and cosmosdb-server (the emulator we test on) has no
/// transactional batch. So the commit is ONE document write: the order document, replaced with <c>If-Match</c> on the
/// ETag the caller read, records <c>eventCount</c> and carries the events of that save in <c>recentEvents</c>. The next
/// save first copies those recent events into their own documents (upsert: same id, same content, so repeating it is
/// harmless) and only then replaces the order document with its own recent events. Readers take event documents with
/// <c>sequence ≤ eventCount</c> plus the order's <c>recentEvents</c>.
/// </para>
/// <para>
/// Crash before the commit: nothing of the save is visible (copied events were already committed), the caller's
/// message is redelivered and decides again. Crash after it: the save is complete; its events live in the order
/// document until the next save copies them out. No event is lost or written twice, with or without a crash, and two
/// concurrent writers cannot both commit the same sequence numbers because only one <c>If-Match</c> can succeed.
/// </para>
/// Listing needs a cross-partition query, which cosmosdb-server cannot run; see <see cref="OrderIndex"/>. So does finding
/// an order by e-mail or SKU: see <see cref="OrderSearchIndex"/> (the document keeps its <c>searchKeys</c>, so the next
/// save knows which rows to remove without reading the order).
/// <para>
/// Outbound events: the save's business events go to the event outbox ahead of the commit and are confirmed after it
/// (<see cref="TableEventOutbox"/>); <see cref="IsCommittedAsync"/> answers the outbox when a crash left them unconfirmed.
/// </para>
/// </summary>
public sealed class CosmosOrderStore(
    Container container, OrderIndex index, TimeProvider time, bool emulator = false,
    TableEventOutbox? outbox = null, EventSubscriptions? subscriptions = null, IMessageQueue? wake = null, OrderSearchIndex? search = null) : IOrderStore
{
    public async Task<OrderRecord?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var document = await ReadOrderAsync(orderId, cancellationToken);
        return document is null ? null : ToRecord(document.Value.Body, document.Value.ETag);
    }

    public async Task<OrderRecord> SaveAsync(OrderRecord record, string? expectedETag, IReadOnlyList<OrderEvent> newEvents, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(newEvents);
        var orderId = record.OrderId;
        var now = time.GetUtcNow();
        var partition = new PartitionKey(orderId);

        var searchKeys = OrderSearchKeys.For(record.Order);
        if (expectedETag is null)
        {
            var created = Document(record, now, now, 0, newEvents, searchKeys);
            // Write-ahead index entries: a failed create leaves entries that listing and search recognise as stale and skip.
            await index.PutAsync(orderId, record.Order.Channel, record.Status, now, cancellationToken);
            await (search?.PutAsync(orderId, now, searchKeys, cancellationToken) ?? Task.CompletedTask);
            var ahead = await WriteEventsAheadAsync(orderId, 0, newEvents, cancellationToken);
            using var response = await container.CreateItemStreamAsync(ToStream(created), partition, cancellationToken: cancellationToken);
            if (response.StatusCode == HttpStatusCode.Conflict)
            {
                throw new ConcurrencyConflictException(orderId);
            }

            EnsureSuccess(response);
            await (outbox?.ConfirmAndWakeAsync(ahead, wake) ?? Task.CompletedTask);
            return record with { ETag = response.Headers.ETag, CreatedAt = Ms(now), ModifiedAt = Ms(now) };
        }

        var current = await ReadOrderAsync(orderId, cancellationToken);
        if (current is not { } stored || stored.ETag != expectedETag)
        {
            throw new ConcurrencyConflictException(orderId);
        }

        // Move the previous save's events into their own documents before the order document forgets them.
        await Task.WhenAll(RecentEvents(stored.Body).Select(e => UpsertEventAsync(orderId, e, cancellationToken)));

        var eventCount = stored.Body["eventCount"]!.GetValue<long>();
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(stored.Body["createdAt"]!.GetValue<long>());
        var previousModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(stored.Body["modifiedAt"]!.GetValue<long>());
        var replacement = Document(record, createdAt, now, eventCount, newEvents, searchKeys);
        var previousKeys = StoredSearchKeys(stored.Body);
        await index.PutAsync(orderId, record.Order.Channel, record.Status, now, cancellationToken);
        // Only keys the order did not hold yet need a row (a document from before search kept none: all of them).
        await (search?.PutAsync(orderId, createdAt, previousKeys is null ? searchKeys : searchKeys.Except(previousKeys, StringComparer.Ordinal).ToList(), cancellationToken) ?? Task.CompletedTask);
        var written = await WriteEventsAheadAsync(orderId, eventCount, newEvents, cancellationToken);
        using (var response = await container.ReplaceItemStreamAsync(ToStream(replacement), DocumentId(orderId), partition, new ItemRequestOptions { IfMatchEtag = expectedETag }, cancellationToken))
        {
            if (response.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
            {
                throw new ConcurrencyConflictException(orderId);
            }

            EnsureSuccess(response);
            await (outbox?.ConfirmAndWakeAsync(written, wake) ?? Task.CompletedTask);
            await index.RemoveAsync(orderId, previousModifiedAt, Ms(now), cancellationToken);
            await (search?.RemoveAsync(orderId, createdAt, (previousKeys ?? []).Except(searchKeys, StringComparer.Ordinal), cancellationToken) ?? Task.CompletedTask);
            return record with { ETag = response.Headers.ETag, CreatedAt = createdAt, ModifiedAt = Ms(now) };
        }
    }

    public async Task<IReadOnlyList<OrderEvent>> GetEventsAsync(string orderId, CancellationToken cancellationToken)
    {
        var order = await ReadOrderAsync(orderId, cancellationToken);
        if (order is null)
        {
            return [];
        }

        var committed = order.Value.Body["eventCount"]!.GetValue<long>();
        var bySequence = new SortedDictionary<long, OrderEvent>();
        // Naming the partition key in the filter too is what cosmosdb-server needs to accept a single-partition query.
        var query = new QueryDefinition("SELECT * FROM c WHERE c.orderId = @orderId AND c.type = 'event'").WithParameter("@orderId", orderId);
        using (var feed = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(orderId) }))
        {
            while (feed.HasMoreResults)
            {
                using var page = await feed.ReadNextAsync(cancellationToken);
                EnsureSuccess(page);
                var body = (await JsonNode.ParseAsync(page.Content, cancellationToken: cancellationToken))!;
                foreach (var item in body["Documents"]!.AsArray())
                {
                    var e = ToEvent(item!);
                    if (e.Sequence <= committed)
                    {
                        bySequence[e.Sequence] = e;
                    }
                }
            }
        }

        foreach (var recent in RecentEvents(order.Value.Body))
        {
            bySequence[recent.Sequence] = recent;
        }

        return bySequence.Values.ToList();
    }

    /// <summary>For <see cref="TableEventOutbox"/>: is <paramref name="e"/> the event this order's history holds at its position?
    /// Null when the history does not reach that position.</summary>
    public async Task<bool?> IsCommittedAsync(OutboundEvent e, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(e);
        var sequence = long.Parse(e.Position, NumberStyles.None, CultureInfo.InvariantCulture);
        var history = await GetEventsAsync(e.Subject, cancellationToken);
        if (history.FirstOrDefault(h => h.Sequence == sequence) is not { } stored)
        {
            return null;
        }

        return OutboundEventMapper.FromOrderEvents(e.Subject, [stored]) is [var committed]
            && committed.Id == e.Id && committed.Type == e.Type && committed.Time == e.Time && committed.Data == e.Data;
    }

    public Task<OrderPage> ListAsync(OrderQuery query, CancellationToken cancellationToken) =>
        index.ListAsync(query, GetSummaryAsync, cancellationToken);

    /// <summary>
    /// The <c>summary</c> property of an order document, projected by a single-partition query so only those few hundred
    /// bytes leave Cosmos DB (a point read returns the whole document). Documents written before the property existed
    /// are read whole once and summarised.
    /// </summary>
    private async Task<OrderSummary?> GetSummaryAsync(string orderId, CancellationToken cancellationToken)
    {
        var query = new QueryDefinition("SELECT c.summary FROM c WHERE c.orderId = @orderId AND c.type = 'order'").WithParameter("@orderId", orderId);
        using var feed = container.GetItemQueryStreamIterator(query, requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey(orderId) });
        while (feed.HasMoreResults)
        {
            using var page = await feed.ReadNextAsync(cancellationToken);
            EnsureSuccess(page);
            using var body = await JsonDocument.ParseAsync(page.Content, cancellationToken: cancellationToken);
            foreach (var item in body.RootElement.GetProperty("Documents").EnumerateArray())
            {
                if (item.TryGetProperty("summary", out var summary) && summary.ValueKind == JsonValueKind.Object)
                {
                    return summary.Deserialize<OrderSummary>(OrderOpsJson.Options);
                }

                return await GetAsync(orderId, cancellationToken) is { } record ? OrderSummary.From(record) : null;
            }
        }

        return null;
    }

    /// <summary>Cosmos DB ids may not contain '/', '\', '?' or '#'; the partition key value (the order id) may.</summary>
    internal static string DocumentId(string orderId) => TableKeys.Escape(orderId);

    internal static string EventId(string orderId, long sequence) =>
        FormattableString.Invariant($"{DocumentId(orderId)}:evt:{sequence:D10}");

    private async Task<IReadOnlyList<global::Azure.Data.Tables.TableEntity>> WriteEventsAheadAsync(string orderId, long previousCount, IReadOnlyList<OrderEvent> newEvents, CancellationToken cancellationToken)
    {
        if (outbox is null || subscriptions is not { Any: true } || newEvents.Count == 0)
        {
            return [];
        }

        var numbered = newEvents.Select((e, i) => e with { Sequence = previousCount + i + 1 }).ToList();
        return await outbox.WriteAheadAsync(subscriptions, TableEventOutbox.OrderSource, OutboundEventMapper.FromOrderEvents(orderId, numbered), cancellationToken);
    }

    private async Task<(JsonObject Body, string ETag)?> ReadOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        using var response = await container.ReadItemStreamAsync(DocumentId(orderId), new PartitionKey(orderId), cancellationToken: cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound
            || (emulator && response.StatusCode == HttpStatusCode.InternalServerError && response.ErrorMessage?.Contains("Cannot read properties of undefined", StringComparison.Ordinal) == true))
        {
            // cosmosdb-server answers a point read of a missing document with a 500 (a TypeError in its handler) instead of 404.
            return null;
        }

        EnsureSuccess(response);
        var body = (await JsonNode.ParseAsync(response.Content, cancellationToken: cancellationToken))!.AsObject();
        return (body, response.Headers.ETag);
    }

    private async Task UpsertEventAsync(string orderId, OrderEvent e, CancellationToken cancellationToken)
    {
        var document = new JsonObject
        {
            ["id"] = EventId(orderId, e.Sequence),
            ["orderId"] = orderId,
            ["type"] = "event",
            ["sequence"] = e.Sequence,
            ["event"] = EventNode(e),
        };
        using var response = await container.UpsertItemStreamAsync(ToStream(document), new PartitionKey(orderId), cancellationToken: cancellationToken);
        EnsureSuccess(response);
    }

    /// <summary>The search keys the stored version holds; null for a document written before search existed.</summary>
    private static List<string>? StoredSearchKeys(JsonObject order) =>
        (order["searchKeys"] as JsonArray)?.Select(k => k!.GetValue<string>()).ToList();

    private static JsonObject Document(OrderRecord record, DateTimeOffset createdAt, DateTimeOffset modifiedAt, long previousCount, IReadOnlyList<OrderEvent> newEvents, IReadOnlyList<string> searchKeys)
    {
        var recent = new JsonArray();
        var sequence = previousCount;
        foreach (var e in newEvents)
        {
            recent.Add(EventNode(e with { Sequence = ++sequence }));
        }

        return new JsonObject
        {
            ["id"] = DocumentId(record.OrderId),
            ["orderId"] = record.OrderId,
            ["type"] = "order",
            ["channel"] = record.Order.Channel,
            ["status"] = record.Status,
            ["createdAt"] = createdAt.ToUnixTimeMilliseconds(),
            ["modifiedAt"] = modifiedAt.ToUnixTimeMilliseconds(),
            ["order"] = JsonSerializer.SerializeToNode(record.Order, OrderOpsJson.Options),
            ["summary"] = JsonSerializer.SerializeToNode(OrderSummary.From(record with { CreatedAt = Ms(createdAt), ModifiedAt = Ms(modifiedAt) }), OrderOpsJson.Options),
            ["processState"] = record.ProcessState,
            ["eventCount"] = sequence,
            ["recentEvents"] = recent,
            ["searchKeys"] = new JsonArray([.. searchKeys.Select(k => JsonValue.Create(k))]),
        };
    }

    private static JsonObject EventNode(OrderEvent e) => new()
    {
        ["sequence"] = e.Sequence,
        ["eventType"] = e.Type,
        ["at"] = e.At.ToUnixTimeMilliseconds(),
        ["actor"] = e.Actor,
        ["cause"] = e.Cause,
        ["data"] = e.Data,
    };

    private static IEnumerable<OrderEvent> RecentEvents(JsonObject order) =>
        (order["recentEvents"] as JsonArray ?? []).Select(node => ReadEvent(node!));

    private static OrderEvent ToEvent(JsonNode document) => ReadEvent(document["event"]!);

    private static OrderEvent ReadEvent(JsonNode node) => new()
    {
        Sequence = node["sequence"]!.GetValue<long>(),
        Type = node["eventType"]!.GetValue<string>(),
        At = DateTimeOffset.FromUnixTimeMilliseconds(node["at"]!.GetValue<long>()),
        Actor = node["actor"]!.GetValue<string>(),
        Cause = node["cause"]?.GetValue<string>(),
        Data = node["data"]?.GetValue<string>(),
    };

    internal static OrderRecord ToRecord(JsonObject body, string etag) => new()
    {
        Order = body["order"].Deserialize<CanonicalOrder>(OrderOpsJson.Options)!,
        Status = body["status"]!.GetValue<string>(),
        ETag = etag,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(body["createdAt"]!.GetValue<long>()),
        ModifiedAt = DateTimeOffset.FromUnixTimeMilliseconds(body["modifiedAt"]!.GetValue<long>()),
        ProcessState = body["processState"]?.GetValue<string>(),
    };

    /// <summary>Stored times have millisecond precision; what SaveAsync returns must equal what a read returns.</summary>
    private static DateTimeOffset Ms(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    /// <summary>Written as UTF-8 straight from the node tree: no intermediate string of a large order.</summary>
    private static MemoryStream ToStream(JsonObject document)
    {
        var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            document.WriteTo(writer);
        }

        stream.Position = 0;
        return stream;
    }

    private static void EnsureSuccess(ResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new CosmosException(
                $"Cosmos DB answered {(int)response.StatusCode}: {response.ErrorMessage}",
                response.StatusCode,
                0,
                response.Headers.ActivityId,
                response.Headers.RequestCharge);
        }
    }

    internal static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Text.Json.Nodes;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Ingest;

public enum IngestResult
{
    Created,
    Updated,

    /// <summary>Same or older than what is stored (a redelivery, the same order via another topic, or out of order).</summary>
    Unchanged,

    /// <summary>Could not become an order; recorded as an ingest failure.</summary>
    Failed,
}

public sealed record IngestedOrder(string? OrderId, IngestResult Result);

/// <summary>
/// Turns an archived payload into stored canonical orders. Newer wins: an update is applied only if the channel's
/// UpdatedAt is later than the stored one, so redeliveries and late, out-of-order deliveries change nothing.
/// Permanent problems (unmappable, invalid) become ingest failures; transient ones throw so the message is retried.
/// </summary>
public sealed class OrderIngestor(
    IRawArchive archive,
    IEnumerable<IChannelOrderMapper> mappers,
    IOrderStore orders,
    IIngestFailureStore failures,
    TimeProvider time,
    IngestOptions options)
{
    private readonly Dictionary<string, IChannelOrderMapper> _mappers = mappers.ToDictionary(m => m.Channel, StringComparer.Ordinal);

    public async Task<IReadOnlyList<IngestedOrder>> IngestAsync(IngestMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var payload = await archive.GetAsync(message.ArchiveId, cancellationToken);
        if (payload is null)
        {
            return [await FailAsync(message, "The archived payload does not exist.", [], cancellationToken)];
        }

        if (!_mappers.TryGetValue(payload.Channel, out var mapper))
        {
            return [await FailAsync(message, $"No mapper is registered for channel '{payload.Channel}'.", [], cancellationToken)];
        }

        IReadOnlyList<CanonicalOrder> mapped;
        try
        {
            mapped = mapper.Map(payload);
        }
        catch (ChannelPayloadException ex)
        {
            return [await FailAsync(message, ex.Message, [], cancellationToken)];
        }

        var results = new List<IngestedOrder>(mapped.Count);
        foreach (var order in mapped)
        {
            var errors = OrderValidator.Validate(order);
            if (errors.Count > 0)
            {
                results.Add(await FailAsync(message, $"Order '{order.OrderId}' does not satisfy canonical schema v1.", errors.Select(e => $"{e.Field}: {e.Message}").ToList(), cancellationToken));
                continue;
            }

            results.Add(new IngestedOrder(order.OrderId, await ApplyAsync(order, $"{payload.Kind} {payload.Id}", cancellationToken)));
        }

        return results;
    }

    /// <summary>Stores <paramref name="incoming"/> under the newer-wins rule, retrying lost concurrency races.</summary>
    public async Task<IngestResult> ApplyAsync(CanonicalOrder incoming, string cause, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        var actor = $"channel:{incoming.Channel}";
        for (var attempt = 1; ; attempt++)
        {
            var existing = await orders.GetAsync(incoming.OrderId, cancellationToken);
            var now = time.GetUtcNow();
            try
            {
                if (existing is null)
                {
                    var events = new List<OrderEvent> { new() { Type = OrderEventTypes.Received, At = now, Actor = actor, Cause = cause } };
                    var status = OrderStatuses.Received;
                    if (incoming.Cancellation is not null)
                    {
                        events.Add(CancelledEvent(incoming, now, actor, cause));
                        status = OrderStatuses.Cancelled;
                    }

                    await orders.SaveAsync(new OrderRecord { Order = incoming, Status = status }, null, events, cancellationToken);
                    return IngestResult.Created;
                }

                if (incoming.UpdatedAt <= existing.Order.UpdatedAt)
                {
                    return IngestResult.Unchanged;
                }

                var changes = new List<OrderEvent> { UpdatedEvent(existing.Order, incoming, now, actor, cause) };
                var newStatus = existing.Status;
                if (incoming.Cancellation is not null && existing.Order.Cancellation is null)
                {
                    changes.Add(CancelledEvent(incoming, now, actor, cause));
                    newStatus = OrderStatuses.Cancelled;
                }

                await orders.SaveAsync(existing with { Order = incoming, Status = newStatus }, existing.ETag, changes, cancellationToken);
                return IngestResult.Updated;
            }
            catch (ConcurrencyConflictException) when (attempt < options.MaxConcurrencyRetries)
            {
                // Someone saved in between; read again and re-decide.
            }
        }
    }

    private async Task<IngestedOrder> FailAsync(IngestMessage message, string reason, IReadOnlyList<string> errors, CancellationToken cancellationToken)
    {
        await failures.RecordAsync(
            new IngestFailure { ArchiveId = message.ArchiveId, Channel = message.Channel, Kind = message.Kind, Reason = reason, Errors = errors, At = time.GetUtcNow() },
            cancellationToken);
        return new IngestedOrder(null, IngestResult.Failed);
    }

    private static OrderEvent CancelledEvent(CanonicalOrder order, DateTimeOffset now, string actor, string cause) => new()
    {
        Type = OrderEventTypes.CancelledByChannel,
        At = now,
        Actor = actor,
        Cause = cause,
        Data = new JsonObject { ["cancelledAt"] = order.Cancellation!.CancelledAt, ["reason"] = order.Cancellation.Reason }.ToJsonString(),
    };

    private static OrderEvent UpdatedEvent(CanonicalOrder before, CanonicalOrder after, DateTimeOffset now, string actor, string cause)
    {
        var previous = (JsonObject)JsonNode.Parse(OrderOpsJson.Serialize(before))!;
        var current = (JsonObject)JsonNode.Parse(OrderOpsJson.Serialize(after))!;
        var changed = new JsonArray();
        foreach (var name in previous.Select(p => p.Key).Union(current.Select(p => p.Key)).Where(n => n != "updatedAt"))
        {
            if (!JsonNode.DeepEquals(previous[name], current[name]))
            {
                changed.Add(name);
            }
        }

        return new OrderEvent
        {
            Type = OrderEventTypes.Updated,
            At = now,
            Actor = actor,
            Cause = cause,
            Data = new JsonObject { ["previousUpdatedAt"] = before.UpdatedAt, ["updatedAt"] = after.UpdatedAt, ["changedFields"] = changed }.ToJsonString(),
        };
    }
}

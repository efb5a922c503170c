using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
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
    IngestOptions options) : IDisposable
{
    private const int BytesPerPermit = 1024;

    private readonly Dictionary<string, IChannelOrderMapper> _mappers = mappers.ToDictionary(m => m.Channel, StringComparer.Ordinal);

    /// <summary>Permits are kilobytes of payload being mapped (<see cref="IngestOptions.MappingBudgetBytes"/>); oldest first, so a large payload is not starved by small ones.</summary>
    private readonly ConcurrencyLimiter _mappingBudget = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = (int)Math.Clamp(options.MappingBudgetBytes / BytesPerPermit, 1, int.MaxValue),
        QueueLimit = int.MaxValue,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public void Dispose() => _mappingBudget.Dispose();

    /// <summary>Ingests and collects the results; for payloads of a few orders (tests, webhooks).</summary>
    public async Task<IReadOnlyList<IngestedOrder>> IngestAsync(IngestMessage message, CancellationToken cancellationToken)
    {
        var results = new List<IngestedOrder>();
        await IngestAsync(message, (result, _) => { results.Add(result); return ValueTask.CompletedTask; }, cancellationToken);
        return results;
    }

    /// <summary>
    /// Ingests, handing each order's result to <paramref name="onResult"/> as it is stored. Payloads whose mapper streams
    /// (<see cref="IStreamingChannelOrderMapper"/>) are read from the archive as a stream, so neither the payload nor its
    /// orders are ever held whole: memory does not grow with the file.
    /// </summary>
    public async Task IngestAsync(IngestMessage message, Func<IngestedOrder, CancellationToken, ValueTask> onResult, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(onResult);
        if (_mappers.TryGetValue(message.Channel, out var channelMapper) && channelMapper is IStreamingChannelOrderMapper streaming)
        {
            await IngestStreamAsync(message, streaming, onResult, cancellationToken);
            return;
        }

        // The budget is taken before the body is loaded, so payloads waiting their turn hold nothing but their place.
        RawPayload payload;
        RateLimitLease lease;
        await using (var archived = await archive.OpenAsync(message.ArchiveId, cancellationToken))
        {
            if (archived is null)
            {
                await onResult(await FailAsync(message, "The archived payload does not exist.", [], cancellationToken), cancellationToken);
                return;
            }

            lease = await _mappingBudget.AcquireAsync(MappingPermits(archived.Body.CanSeek ? archived.Body.Length : long.MaxValue), cancellationToken);
            try
            {
                payload = archived.Payload with { Body = await ReadBodyAsync(archived.Body, cancellationToken) };
            }
            catch
            {
                lease.Dispose();
                throw;
            }
        }

        using var _ = lease;
        if (!_mappers.TryGetValue(payload.Channel, out var mapper))
        {
            await onResult(await FailAsync(message, $"No mapper is registered for channel '{payload.Channel}'.", [], cancellationToken), cancellationToken);
            return;
        }

        IReadOnlyList<CanonicalOrder> mapped;
        try
        {
            mapped = mapper.Map(payload);
        }
        catch (ChannelPayloadException ex)
        {
            await onResult(await FailAsync(message, ex.Message, [], cancellationToken), cancellationToken);
            return;
        }

        foreach (var order in mapped)
        {
            await onResult(await IngestOneAsync(message, payload, order, cancellationToken), cancellationToken);
        }
    }

    private int MappingPermits(long bodyBytes) =>
        (int)Math.Clamp(bodyBytes / BytesPerPermit + 1, 1, Math.Clamp(options.MappingBudgetBytes / BytesPerPermit, 1, int.MaxValue));

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(Stream body, CancellationToken cancellationToken)
    {
        if (body.CanSeek)
        {
            var bytes = new byte[body.Length - body.Position];
            await body.ReadExactlyAsync(bytes, cancellationToken);
            return bytes;
        }

        using var copy = new MemoryStream();
        await body.CopyToAsync(copy, cancellationToken);
        return copy.ToArray();
    }

    private async Task IngestStreamAsync(IngestMessage message, IStreamingChannelOrderMapper mapper, Func<IngestedOrder, CancellationToken, ValueTask> onResult, CancellationToken cancellationToken)
    {
        RawPayload payload;
        await using (var first = await archive.OpenAsync(message.ArchiveId, cancellationToken))
        {
            if (first is null)
            {
                await onResult(await FailAsync(message, "The archived payload does not exist.", [], cancellationToken), cancellationToken);
                return;
            }

            payload = first.Payload;
        }

        var opened = new List<ArchivedBody>();
        try
        {
            await mapper.MapAsync(
                payload,
                async token =>
                {
                    var body = await archive.OpenAsync(message.ArchiveId, token) ?? throw new InvalidOperationException($"Archived payload {message.ArchiveId} disappeared while it was read.");
                    opened.Add(body);
                    return body.Body;
                },
                async (order, token) => await onResult(await IngestOneAsync(message, payload, order, token), token),
                cancellationToken);
        }
        catch (ChannelPayloadException ex)
        {
            await onResult(await FailAsync(message, ex.Message, [], cancellationToken), cancellationToken);
        }
        finally
        {
            foreach (var body in opened)
            {
                await body.DisposeAsync();
            }
        }
    }

    private async Task<IngestedOrder> IngestOneAsync(IngestMessage message, RawPayload payload, CanonicalOrder order, CancellationToken cancellationToken)
    {
        var errors = OrderValidator.Validate(order);
        return errors.Count > 0
            ? await FailAsync(message, $"Order '{order.OrderId}' does not satisfy canonical schema v1.", errors.Select(e => $"{e.Field}: {e.Message}").ToList(), cancellationToken)
            : new IngestedOrder(order.OrderId, await ApplyAsync(order, $"{payload.Kind} {payload.Id}", cancellationToken));
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
                if (incoming.Cancellation is not null && existing.Order.Cancellation is null)
                {
                    changes.Add(CancelledEvent(incoming, now, actor, cause));
                }

                // The status stays the lifecycle's: every stored order's lifecycle was started, and it applies the
                // channel's cancellation on its next step (compensating what it did). Writing "cancelled" here raced a
                // lifecycle step already under way, whose save then wrote its own status back over it for a moment.
                await orders.SaveAsync(existing with { Order = incoming }, existing.ETag, changes, cancellationToken);
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

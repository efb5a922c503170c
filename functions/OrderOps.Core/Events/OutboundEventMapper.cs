using System.Globalization;
using System.Text.Json.Nodes;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Events;

/// <summary>
/// Turns what the stores commit into outbound events: an order's new history events (those that are business facts:
/// received, every transition, shipments, exceptions raised and resolved) and a channel's new published quantity.
/// Pure; the stores call it inside the commit, so an event exists exactly when the change it describes does.
/// </summary>
public static class OutboundEventMapper
{
    /// <summary>The outbound events of history events already numbered by the store (<see cref="OrderEvent.Sequence"/> set).</summary>
    public static IReadOnlyList<OutboundEvent> FromOrderEvents(string orderId, IEnumerable<OrderEvent> numbered)
    {
        ArgumentNullException.ThrowIfNull(numbered);
        var result = new List<OutboundEvent>();
        foreach (var e in numbered)
        {
            var data = e.Data is null ? new JsonObject() : JsonNode.Parse(e.Data) as JsonObject ?? new JsonObject();
            var type = e.Type switch
            {
                OrderEventTypes.Received => OutboundEventTypes.OrderReceived,
                LifecycleEventTypes.Transition when data["to"]?.GetValue<string>() is { Length: > 0 } to => OutboundEventTypes.OrderState(to),
                LifecycleEventTypes.ShipmentRecorded => OutboundEventTypes.ShipmentRecorded,
                LifecycleEventTypes.ExceptionRaised => OutboundEventTypes.ExceptionRaised,
                LifecycleEventTypes.ExceptionResolved => OutboundEventTypes.ExceptionResolved,
                _ => null,
            };
            if (type is null)
            {
                continue;
            }

            var payload = new JsonObject
            {
                ["orderId"] = orderId,
                ["sequence"] = e.Sequence,
                ["actor"] = e.Actor,
                ["cause"] = e.Cause,
            };
            foreach (var (name, value) in data.ToList())
            {
                data.Remove(name);
                payload[name] = value;
            }

            result.Add(new OutboundEvent
            {
                Id = OutboundEvent.IdFor(FormattableString.Invariant($"order|{orderId}|{e.Sequence}")),
                Type = type,
                Subject = orderId,
                Position = e.Sequence.ToString("D19", CultureInfo.InvariantCulture),
                Time = e.At,
                Data = payload.ToJsonString(),
            });
        }

        return result;
    }

    /// <summary>The event of a successful push that changed what <paramref name="channel"/> shows for <paramref name="sku"/>;
    /// null when the quantity is the one already published.</summary>
    public static OutboundEvent? FromPublication(string channel, string sku, int quantity, int? previousQuantity, DateTimeOffset at, long version)
    {
        if (previousQuantity == quantity)
        {
            return null;
        }

        var ms = at.ToUnixTimeMilliseconds();
        return new OutboundEvent
        {
            Id = OutboundEvent.IdFor(FormattableString.Invariant($"inventory|{channel}|{sku}|{ms}|{version}")),
            Type = OutboundEventTypes.InventoryPublished,
            Subject = sku,
            // Publications of one SKU are ordered by when they committed; the channel breaks ties deterministically.
            Position = FormattableString.Invariant($"{ms:D15}|{channel}"),
            Time = at,
            Data = new JsonObject
            {
                ["channel"] = channel,
                ["sku"] = sku,
                ["quantity"] = quantity,
                ["previousQuantity"] = previousQuantity,
            }.ToJsonString(),
        };
    }
}

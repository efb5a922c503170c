using System.Text.Json;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Telemetry;

/// <summary>
/// Reads what a saved lifecycle step did from the events it wrote: a move to <c>released</c> and the first move to a
/// shipped state give the order's time since it arrived; a raised or resolved exception counts by its kind. Recorded
/// once the step is saved (a step is saved once: a retried save of the same step writes nothing and counts nothing).
/// </summary>
public static class LifecycleEventMetrics
{
    public static void RecordSaved(this OrderOpsMetrics metrics, OrderRecord order, IEnumerable<OrderEvent> events)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(events);
        var channel = order.Order.Channel;
        foreach (var saved in events)
        {
            switch (saved.Type)
            {
                case LifecycleEventTypes.Transition when Read(saved, "to") is { } to:
                    var from = Read(saved, "from");
                    if (to == LifecycleStates.Released)
                    {
                        metrics.OrderReleased(channel, saved.At - order.CreatedAt);
                    }
                    else if (to is LifecycleStates.PartiallyShipped or LifecycleStates.Shipped && from is not (LifecycleStates.PartiallyShipped or LifecycleStates.Shipped))
                    {
                        metrics.OrderShipped(channel, saved.At - order.CreatedAt);
                    }

                    break;
                case LifecycleEventTypes.ExceptionRaised:
                    metrics.ExceptionOpened(Read(saved, "kind") ?? "unknown", channel);
                    break;
                case LifecycleEventTypes.ExceptionResolved:
                    metrics.ExceptionResolved(Read(saved, "kind") ?? "unknown", channel);
                    break;
            }
        }
    }

    private static string? Read(OrderEvent saved, string property)
    {
        if (string.IsNullOrEmpty(saved.Data))
        {
            return null;
        }

        using var data = JsonDocument.Parse(saved.Data);
        return data.RootElement.ValueKind == JsonValueKind.Object && data.RootElement.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
    }
}

namespace OrderOps.Core.Events;

/// <summary>The outbound event types (CloudEvents <c>type</c>); each has a JSON Schema in <c>schemas/events/</c>.</summary>
public static class OutboundEventTypes
{
    public const string Prefix = "orderops.";

    /// <summary>The order was first stored (<c>orderops.order.received</c>).</summary>
    public const string OrderReceived = "orderops.order.received";

    /// <summary>Prefix of a lifecycle transition: <c>orderops.order.{new state}</c>, e.g. <c>orderops.order.released</c>.</summary>
    public const string OrderStatePrefix = "orderops.order.";

    public const string ShipmentRecorded = "orderops.shipment.recorded";

    public const string ExceptionRaised = "orderops.exception.raised";

    public const string ExceptionResolved = "orderops.exception.resolved";

    /// <summary>A channel's published (sellable) quantity of a SKU changed; subject = the SKU.</summary>
    public const string InventoryPublished = "orderops.inventory.published";

    /// <summary>The type of a transition into <paramref name="state"/> (a <see cref="Lifecycle.LifecycleStates"/> value).</summary>
    public static string OrderState(string state) => OrderStatePrefix + state;

    /// <summary>Every type a subscriber can ask for.</summary>
    public static IReadOnlyList<string> All { get; } =
        [OrderReceived, .. Lifecycle.LifecycleStates.All.Where(s => s != Lifecycle.LifecycleStates.Received).Select(OrderState),
         ShipmentRecorded, ExceptionRaised, ExceptionResolved, InventoryPublished];
}

namespace OrderOps.Core.Lifecycle;

/// <summary>One thing that happened to one order: what an order's orchestration receives as an external event.</summary>
public sealed record LifecycleMessage
{
    /// <summary>One of <see cref="LifecycleMessageTypes"/>.</summary>
    public required string Type { get; init; }

    public required string OrderId { get; init; }

    /// <summary>
    /// Names this message (e.g. <c>fulfillment:east:evt-1</c>): the orchestration reports each key's outcome in its
    /// status, so a caller can wait for it. Repeats are harmless: every message type is idempotent in itself.
    /// </summary>
    public required string Key { get; init; }

    /// <summary>"channel:shopify", "operator:alice", "location:east", "timer:ship-by", "system:ingest".</summary>
    public required string Actor { get; init; }

    public string? Cause { get; init; }

    public string? Reason { get; init; }

    /// <summary>For fulfillment events: the location that sent it.</summary>
    public string? LocationId { get; init; }

    public FulfillmentShipment? Shipment { get; init; }

    public string? TimerId { get; init; }

    public string? TimerKind { get; init; }

    public string? ExceptionId { get; init; }

    /// <summary>For <see cref="LifecycleMessageTypes.Resolve"/>: retry, cancel or override.</summary>
    public string? Resolution { get; init; }
}

public static class LifecycleMessageTypes
{
    /// <summary>The order was stored for the first time.</summary>
    public const string Start = "start";

    /// <summary>The channel changed the order (possibly cancelling it).</summary>
    public const string ChannelUpdated = "channel-updated";

    /// <summary>An operator (or a channel) asks for cancellation.</summary>
    public const string Cancel = "cancel";

    public const string FulfillmentAcknowledged = "fulfillment-acknowledged";
    public const string Shipped = "shipped";
    public const string Delivered = "delivered";
    public const string Returned = "returned";
    public const string TimerDue = "timer";
    public const string Resolve = "resolve";

    /// <summary>Stock arrived for SKUs this order is short of (sent oldest order first).</summary>
    public const string StockArrived = "stock-arrived";
}

public sealed record FulfillmentShipment(string ShipmentId, string? Carrier, string? TrackingNumber, string? TrackingUrl, IReadOnlyList<FulfillmentShipmentLine> Lines);

/// <summary>A shipped line: the channel's line id where the location knows it, else the SKU.</summary>
public sealed record FulfillmentShipmentLine(string? LineId, string? Sku, int Quantity);

namespace OrderOps.Core.Lifecycle;

/// <summary>What the <c>lifecycle</c> queue carries: one thing that happened to one order.</summary>
public sealed record LifecycleMessage
{
    /// <summary>One of <see cref="LifecycleMessageTypes"/>.</summary>
    public required string Type { get; init; }

    public required string OrderId { get; init; }

    /// <summary>Idempotency key: the same key is applied once (deliveries are at least once).</summary>
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
}

public sealed record FulfillmentShipment(string ShipmentId, string? Carrier, string? TrackingNumber, string? TrackingUrl, IReadOnlyList<FulfillmentShipmentLine> Lines);

/// <summary>A shipped line: the channel's line id where the location knows it, else the SKU.</summary>
public sealed record FulfillmentShipmentLine(string? LineId, string? Sku, int Quantity);

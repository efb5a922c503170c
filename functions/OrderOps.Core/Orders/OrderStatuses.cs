namespace OrderOps.Core.Orders;

/// <summary>Lifecycle states an order record can be in. The orchestration owns the transitions between them.</summary>
public static class OrderStatuses
{
    public const string Received = "received";
    public const string Cancelled = "cancelled";
}

/// <summary>Event types written to an order's history by ingest.</summary>
public static class OrderEventTypes
{
    public const string Received = "order.received";
    public const string Updated = "order.updated";
    public const string CancelledByChannel = "order.cancelledByChannel";
}

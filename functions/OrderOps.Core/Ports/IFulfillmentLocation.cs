namespace OrderOps.Core.Ports;

/// <summary>
/// The fulfillment locations (warehouses, 3PLs, stores) that pick, pack and ship, addressed by location id. Implementations: an HTTP webhook-out adapter
/// (<c>OrderOps.Adapters.Fulfillment</c>). Both calls must be idempotent on the location's side by
/// (<see cref="FulfillmentRelease.OrderId"/>, location): the lifecycle repeats them after crashes and retries.
/// </summary>
public interface IFulfillmentLocation
{
    /// <summary>Whether a location with this id is configured.</summary>
    bool IsKnown(string locationId);

    Task<FulfillmentCallResult> ReleaseAsync(FulfillmentRelease release, CancellationToken cancellationToken);

    Task<FulfillmentCallResult> CancelAsync(FulfillmentCancel cancel, CancellationToken cancellationToken);
}

/// <summary>What a fulfillment location is asked to ship.</summary>
public sealed record FulfillmentRelease
{
    public required string LocationId { get; init; }

    public required string OrderId { get; init; }

    /// <summary>
    /// The order's current reservation id: the idempotency key of this release (and of its cancel). A release after a
    /// compensated attempt carries a new one, so a location that honours the key treats it as new, not as a repeat.
    /// </summary>
    public required string AttemptId { get; init; }

    public required string Channel { get; init; }

    public string? ChannelOrderNumber { get; init; }

    public required IReadOnlyList<ReleaseLine> Lines { get; init; }

    public Orders.Address? ShipTo { get; init; }

    public DateTimeOffset? ShipBy { get; init; }
}

/// <summary>Asks a location to cancel what it was released under <paramref name="AttemptId"/>.</summary>
public sealed record FulfillmentCancel(string LocationId, string OrderId, string AttemptId, string Reason);

/// <summary>One line to ship: the channel's line id, the SKU and how many.</summary>
public sealed record ReleaseLine(string LineId, string Sku, int Quantity);

public enum FulfillmentCallStatus
{
    Accepted,

    /// <summary>The location refused (bad request, unknown order, cannot cancel).</summary>
    Rejected,

    /// <summary>Cancel refused because the goods already left.</summary>
    AlreadyShipped,

    /// <summary>Still failing after the resilience pipeline's retries.</summary>
    Unavailable,
}

public sealed record FulfillmentCallResult(FulfillmentCallStatus Status, string? Detail = null)
{
    public static FulfillmentCallResult Accepted { get; } = new(FulfillmentCallStatus.Accepted);
}

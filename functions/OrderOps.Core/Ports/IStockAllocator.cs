namespace OrderOps.Core.Ports;

/// <summary>
/// The narrow slice of the inventory ledger the order lifecycle needs: what each location can ship, and reservations
/// held per order. Every write is atomic and idempotent by order id (or shipment id), so a redelivered lifecycle step
/// never reserves, releases or ships twice.
/// </summary>
/// <remarks>
/// Merge note: the inventory issue (branch <c>inventory</c>) owns the real ledger (<c>IInventoryLedger</c>) with its
/// movements API. At merge time this port is adapted onto it; the embedded implementation here
/// (<c>OrderOps.Storage.Embedded.Allocation</c>) exists so the lifecycle can run before that lands.
/// Invariant every implementation keeps: a location's reserved quantity of a SKU equals the sum of the open
/// (reserved, not yet shipped, not released) quantities of all orders' reservations at that location.
/// </remarks>
public interface IStockAllocator
{
    /// <summary>Available (on hand minus reserved) per location for each of <paramref name="skus"/>; SKUs no location stocks are absent.</summary>
    Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves every line of <paramref name="plan"/> for <paramref name="orderId"/>, all or nothing. If the order already
    /// holds an open reservation, that one is returned unchanged (idempotent by order id) whatever the plan says.
    /// </summary>
    Task<StockReservationResult> ReserveAsync(string orderId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken);

    /// <summary>Releases what the order still holds (reserved and not shipped). Idempotent; releasing nothing is fine.</summary>
    Task ReleaseAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Turns reserved units into shipped ones (on hand and reserved both go down) for one shipment. Idempotent by
    /// <paramref name="shipmentId"/>. Lines beyond what is reserved are ignored (never negative stock).
    /// </summary>
    Task RecordShipmentAsync(string orderId, string shipmentId, string locationId, IReadOnlyList<ShipmentLine> lines, CancellationToken cancellationToken);

    /// <summary>The order's reservation lines (open quantity = reserved − shipped); empty when it holds none.</summary>
    Task<IReadOnlyList<AllocationLine>> GetReservationAsync(string orderId, CancellationToken cancellationToken);
}

public sealed record StockLevel(string LocationId, string Sku, int Available);

/// <summary>One SKU quantity to take from one location.</summary>
public sealed record AllocationLine(string LocationId, string Sku, int Quantity);

public sealed record ShipmentLine(string Sku, int Quantity);

public sealed record StockReservationResult(bool Reserved, IReadOnlyList<AllocationLine> Lines, IReadOnlyList<string> Shortages)
{
    public static StockReservationResult Ok(IReadOnlyList<AllocationLine> lines) => new(true, lines, []);

    public static StockReservationResult Short(IReadOnlyList<string> shortages) => new(false, [], shortages);
}

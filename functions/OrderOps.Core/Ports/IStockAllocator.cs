namespace OrderOps.Core.Ports;

/// <summary>
/// The narrow slice of stock the order lifecycle needs: what each location can ship, and reservations held per order.
/// Its one implementation, <see cref="Lifecycle.LedgerStockAllocator"/>, sits on the inventory ledger
/// (<see cref="IInventoryLedger"/>), so orders reserve the same stock the inventory API and the channel fan-out see.
/// Every write is atomic and idempotent by reservation id (or shipment id), so a redelivered lifecycle step never
/// reserves, releases or ships twice.
/// </summary>
/// <remarks>
/// A reservation id names one reservation of an order; the lifecycle derives it from the order id and a generation
/// (see <see cref="Lifecycle.ProcessState.ReservationId"/>), because the ledger never reserves a released id again and
/// an order whose release failed is allocated afresh. Invariant: a location's reserved quantity of a SKU equals the sum
/// of the open (reserved, not shipped, not released) quantities of all reservations at that location.
/// </remarks>
public interface IStockAllocator
{
    /// <summary>Available (on hand minus reserved) per location for each of <paramref name="skus"/>; SKUs no location stocks are absent.</summary>
    Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>
    /// Reserves every line of <paramref name="plan"/>, all or nothing. If the reservation is already held, it is
    /// returned unchanged (idempotent by id) whatever the plan says; if it was released, nothing is held and the
    /// result says <see cref="StockReservationStatus.Released"/>.
    /// </summary>
    Task<StockReservationResult> ReserveAsync(string reservationId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken);

    /// <summary>Releases what the reservation still holds (reserved and not shipped). Idempotent; releasing nothing is fine.</summary>
    Task ReleaseAsync(string reservationId, CancellationToken cancellationToken);

    /// <summary>
    /// Turns reserved units into shipped ones (on hand and reserved both go down) for one shipment. Idempotent by
    /// <paramref name="shipmentId"/>. Lines beyond what is held at the location are ignored (never negative stock).
    /// </summary>
    Task RecordShipmentAsync(string reservationId, string shipmentId, string locationId, IReadOnlyList<ShipmentLine> lines, CancellationToken cancellationToken);

    /// <summary>The reservation as it stands (held lines = reserved − shipped), or null when it was never made.</summary>
    Task<StockReservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken);
}

public sealed record StockLevel(string LocationId, string Sku, int Available);

/// <summary>One SKU quantity to take from one location.</summary>
public sealed record AllocationLine(string LocationId, string Sku, int Quantity);

public sealed record ShipmentLine(string Sku, int Quantity);

/// <summary>A reservation that exists: its held lines, or <see cref="Released"/> with none.</summary>
public sealed record StockReservation(bool Released, IReadOnlyList<AllocationLine> Lines);

public enum StockReservationStatus
{
    Reserved,

    /// <summary>Some line could not be covered; nothing is held.</summary>
    Short,

    /// <summary>This reservation id was released earlier and is not reserved again; nothing is held.</summary>
    Released,
}

public sealed record StockReservationResult(StockReservationStatus Status, IReadOnlyList<AllocationLine> Lines, IReadOnlyList<string> Shortages)
{
    public bool Reserved => Status == StockReservationStatus.Reserved;

    public static StockReservationResult Ok(IReadOnlyList<AllocationLine> lines) => new(StockReservationStatus.Reserved, lines, []);

    public static StockReservationResult Short(IReadOnlyList<string> shortages) => new(StockReservationStatus.Short, [], shortages);

    public static StockReservationResult WasReleased { get; } = new(StockReservationStatus.Released, [], []);
}

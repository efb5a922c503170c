using OrderOps.Core.Inventory;

namespace OrderOps.Core.Ports;

/// <summary>
/// The stock ledger: immutable movements per SKU per location, balances derived from them, and the changed SKUs of
/// every commit announced on the <c>inventory-changes</c> queue (embedded: in the same transaction; Cosmos DB: right
/// after, see its ledger). <see cref="ReadChangesAsync"/> reads the ledger's own change log, which only the in-process
/// fan-out engine (tests, benchmark) still uses.
/// Every operation is atomic and checks stock under the backend's write serialisation, so no interleaving of
/// callers can over-allocate or take on hand below zero.
/// </summary>
/// <remarks>
/// Idempotency contract (relied on by the order lifecycle):
/// <list type="bullet">
/// <item><see cref="RecordMovementAsync"/> is idempotent by <see cref="StockMovement.MovementId"/>.</item>
/// <item><see cref="ReserveAsync"/> is idempotent by order id: once an order holds a reservation, reserving again
/// returns it as it stands (<see cref="ReservationResult.AlreadyExisted"/>) and holds nothing more. A failed
/// (insufficient) reservation holds nothing and may be tried again. A released order is not reserved again.</item>
/// <item><see cref="ReleaseAsync"/> gives back whatever the order still holds; releasing twice is harmless. Releasing an
/// order that was never reserved records it as released too, so a reservation that races a cancellation and arrives
/// after it holds nothing.</item>
/// <item><see cref="ShipAsync"/> is idempotent by shipment id; <see cref="MoveReservationAsync"/> by move id.</item>
/// </list>
/// </remarks>
public interface IInventoryLedger
{
    /// <exception cref="InsufficientStockException">The movement would allocate more than available or take on hand below zero.</exception>
    /// <exception cref="MovementConflictException">The id was used for a different movement.</exception>
    Task<MovementOutcome> RecordMovementAsync(StockMovement movement, CancellationToken cancellationToken);

    /// <summary>Holds every unit of the order or nothing (see <see cref="AllocationPlanner"/> for where from).</summary>
    Task<ReservationResult> ReserveAsync(ReservationRequest request, CancellationToken cancellationToken);

    /// <summary>Releases what the order still holds. Returns what was released (empty when nothing was held).</summary>
    Task<IReadOnlyList<LocationAllocation>> ReleaseAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Ships held units. Returns what was shipped by this call (empty for a repeated shipment id).</summary>
    /// <exception cref="ReservationMismatchException">The order does not hold the units to ship.</exception>
    Task<IReadOnlyList<LocationAllocation>> ShipAsync(ShipmentRequest shipment, CancellationToken cancellationToken);

    /// <summary>Moves held units to another location atomically, if available there; the order keeps its units either way.</summary>
    /// <exception cref="InsufficientStockException">The destination does not have the units available.</exception>
    /// <exception cref="ReservationMismatchException">The order does not hold the units at the source.</exception>
    Task<ReservationResult> MoveReservationAsync(ReservationMove move, CancellationToken cancellationToken);

    Task<ReservationResult?> GetReservationAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>Balances per location for each SKU asked (locations never touched are absent).</summary>
    Task<IReadOnlyList<StockBalance>> GetBalancesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);

    /// <summary>Movements of one SKU, oldest first, after <paramref name="afterSequence"/>.</summary>
    Task<IReadOnlyList<StockMovement>> GetMovementsAsync(string sku, long afterSequence, int limit, CancellationToken cancellationToken);

    /// <summary>Change-log entries after <paramref name="afterPosition"/>, in commit order.</summary>
    Task<IReadOnlyList<InventoryChange>> ReadChangesAsync(long afterPosition, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Forgets change-log entries at or before <paramref name="upToPosition"/> that are also older than
    /// <paramref name="olderThan"/> (a margin for any slower consumer). Returns how many. Movements are never pruned.
    /// </summary>
    Task<int> PruneChangesAsync(long upToPosition, DateTimeOffset olderThan, CancellationToken cancellationToken);

    /// <summary>Every SKU the ledger knows, in order, after <paramref name="afterSku"/> (for full reconciliation).</summary>
    Task<IReadOnlyList<string>> ListSkusAsync(string? afterSku, int limit, CancellationToken cancellationToken);
}

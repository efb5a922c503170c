namespace OrderOps.Core.Inventory;

/// <summary>What the ledger's movements add up to for one SKU at one location.</summary>
public sealed record StockBalance(string Sku, string Location, int OnHand, int Allocated)
{
    /// <summary>On hand not promised to any order. Can be negative only after a downward count adjustment.</summary>
    public int Available => OnHand - Allocated;
}

/// <summary>One entry of the ledger's change log: a balance as it was right after a committed change.</summary>
public sealed record InventoryChange(long Position, string Sku, string Location, int OnHand, int Allocated, DateTimeOffset At);

/// <summary>The outcome of recording a movement.</summary>
public enum MovementOutcome
{
    Recorded,

    /// <summary>A movement with this id was already recorded (with the same content); nothing changed.</summary>
    Duplicate,
}

/// <summary>The movement would take on hand below zero or allocate more than is available.</summary>
public sealed class InsufficientStockException(string sku, string location, int requested, int available)
    : Exception($"SKU '{sku}' at '{location}': {requested} requested, {available} available.")
{
    public string Sku { get; } = sku;

    public string Location { get; } = location;

    public int Requested { get; } = requested;

    public int Available { get; } = available;
}

/// <summary>A movement id was reused for a different movement.</summary>
public sealed class MovementConflictException(string movementId)
    : Exception($"Movement '{movementId}' was already recorded with different content.")
{
    public string MovementId { get; } = movementId;
}

/// <summary>An order's reservation does not hold what the operation needs (shipping more than reserved, moving from a location it does not use).</summary>
public sealed class ReservationMismatchException(string orderId, string message) : Exception($"Order '{orderId}': {message}")
{
    public string OrderId { get; } = orderId;
}

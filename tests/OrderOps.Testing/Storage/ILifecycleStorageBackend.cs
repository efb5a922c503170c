using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>
/// A fresh backend for the lifecycle's ports. Kept apart from <see cref="IStorageBackend"/> so a backend can adopt these
/// ports on its own schedule (the Azure backend: timers and exceptions on Table storage, through
/// <see cref="ITimerAndExceptionStorageBackend"/>; stock once the inventory ledger lands).
/// </summary>
public interface ILifecycleStorageBackend : ITimerAndExceptionStorageBackend
{
    IStockAllocator Stock { get; }

    /// <summary>Seeds a location's on-hand quantity (test setup; the inventory ledger owns real movements).</summary>
    Task SetOnHandAsync(string locationId, string sku, int onHand);

    /// <summary>Every stock level: (location, SKU, on hand, reserved).</summary>
    Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync();
}

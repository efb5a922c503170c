using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>
/// A fresh backend for the lifecycle's ports. Kept apart from <see cref="IStorageBackend"/> so a backend can adopt these
/// ports on its own schedule. Stock is the backend's inventory ledger seen through the lifecycle's <see cref="LedgerStockAllocator"/>;
/// exceptions alone are <see cref="IExceptionStorageBackend"/> (the Azure backend has those on Table
/// storage before it has a ledger).
/// </summary>
public interface ILifecycleStorageBackend : IExceptionStorageBackend
{
    IInventoryLedger Ledger { get; }

    IStockAllocator Stock { get; }

    /// <summary>Seeds a location's on-hand quantity (an adjustment movement in the ledger).</summary>
    Task SetOnHandAsync(string locationId, string sku, int onHand);

    /// <summary>Every stock level: (location, SKU, on hand, reserved).</summary>
    Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync();
}

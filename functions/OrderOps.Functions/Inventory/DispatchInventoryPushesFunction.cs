using OrderOps.Core.Inventory.FanOut;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Timer-triggered (<c>Inventory:FanOut:DispatchSchedule</c>, every second): pushes whatever came due since the
/// fan-out last ran — the end of a coalescing window, a retry after backoff or Retry-After, a parked push whose wait
/// is over.
/// </summary>
public sealed class DispatchInventoryPushesFunction(InventoryPushDispatch dispatch)
{
    [Function("DispatchInventoryPushes")]
    public Task RunAsync([TimerTrigger("%Inventory:FanOut:DispatchSchedule%")] TimerInfo timer, CancellationToken cancellationToken) =>
        dispatch.DispatchDueAsync(TimeSpan.FromSeconds(20), cancellationToken);
}

/// <summary>
/// Timer-triggered (<c>Inventory:FanOut:ReconcileSchedule</c>, every 15 minutes): recomputes every SKU so channels
/// converge even if a change was missed (a crash between a ledger commit and its inventory-changes message included).
/// </summary>
public sealed partial class ReconcileInventoryFunction(InventoryFanOutPlanner planner, ILogger<ReconcileInventoryFunction> logger)
{
    [Function("ReconcileInventory")]
    public async Task RunAsync([TimerTrigger("%Inventory:FanOut:ReconcileSchedule%")] TimerInfo timer, CancellationToken cancellationToken)
    {
        var skus = await planner.ReconcileAllAsync(cancellationToken);
        LogReconciled(skus);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Skus} SKUs.")]
    private partial void LogReconciled(int skus);
}

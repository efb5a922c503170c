using Microsoft.DurableTask.Client;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Timer-triggered (<c>Inventory:FanOut:ReconcileSchedule</c>, every 15 minutes): recomputes every SKU so channels
/// converge even if a change was missed (a crash between a ledger commit and its inventory-changes message included),
/// then signals every account's channel-sync orchestration, which also starts again one that failed or was terminated.
/// </summary>
public sealed partial class ReconcileInventoryFunction(InventoryFanOutPlanner planner, ChannelSyncSignaller signaller, ILogger<ReconcileInventoryFunction> logger)
{
    [Function("ReconcileInventory")]
    public async Task RunAsync(
        [TimerTrigger("%Inventory:FanOut:ReconcileSchedule%")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var skus = await planner.ReconcileAllAsync(cancellationToken);
        await signaller.SignalAllAsync(client, cancellationToken);
        LogReconciled(skus);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconciled {Skus} SKUs.")]
    private partial void LogReconciled(int skus);
}

using Microsoft.DurableTask.Client;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Queue-triggered (<c>inventory-changes</c>, written by the ledger's commits): recomputes the changed SKUs per
/// channel, schedules the pushes that differ, and signals the accounts they are for: their channel-sync
/// orchestrations (<see cref="ChannelSyncFunctions"/>) push, each the only pusher for its account.
/// Throwing makes the message come back; planning is an upsert and a signal only makes an account look, so that is harmless.
/// </summary>
public sealed partial class InventoryFanOutFunction(InventoryFanOutPlanner planner, ChannelSyncSignaller signaller, ILogger<InventoryFanOutFunction> logger)
{
    [Function("InventoryFanOut")]
    public async Task RunAsync(
        [QueueTrigger(QueueNames.InventoryChanges, Connection = Connections.Storage)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        var changed = QueueMessages.Parse(message, InventoryChangedMessage.Parse, "an inventory change");

        var plan = await planner.PlanSkusAsync(changed.Skus.ToHashSet(StringComparer.Ordinal), cancellationToken);
        await signaller.SignalAsync(client, plan, cancellationToken);
        LogPlanned(changed.Skus.Count, plan.Scheduled, plan.DueByChannel.Count);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Skus} changed SKUs: {Scheduled} pushes scheduled, {Accounts} accounts signalled.")]
    private partial void LogPlanned(int skus, int scheduled, int accounts);
}

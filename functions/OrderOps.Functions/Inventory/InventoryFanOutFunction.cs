using System.Globalization;
using Microsoft.DurableTask.Client;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Queue-triggered (<c>inventory-changes</c>, written by the ledger's commits): recomputes the changed SKUs per
/// channel, schedules the pushes that differ, and signals the accounts they are for: their channel-sync
/// orchestrations (<see cref="ChannelSyncFunctions"/>) push, each the only pusher for its account.
/// A commit that gave reserved units back (an order's lifecycle gave back its reservation, a release movement, a
/// reservation moved away) then retries the orders waiting in <c>insufficient-stock</c> for those SKUs, oldest first,
/// as a receipt through the inventory API does: every release reaches the ledger, so none is missed whoever made it.
/// Throwing makes the message come back; planning is an upsert, a signal only makes an account look, and a retried
/// order that already allocated is no longer waiting, so that is harmless.
/// </summary>
public sealed partial class InventoryFanOutFunction(
    InventoryFanOutPlanner planner, ChannelSyncSignaller signaller, StockArrivalRetry stockArrival, ILogger<InventoryFanOutFunction> logger)
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
        if (changed.Released is { Count: > 0 })
        {
            var cause = string.Create(CultureInfo.InvariantCulture, $"stock released {changed.ChangedAt:O}");
            var retried = await stockArrival.RetryAsync(client, changed.Released, cause, cancellationToken);
            LogRetried(changed.Released.Count, retried);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Skus} changed SKUs: {Scheduled} pushes scheduled, {Accounts} accounts signalled.")]
    private partial void LogPlanned(int skus, int scheduled, int accounts);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Skus} SKUs had reserved units given back: {Orders} orders waiting for stock retried.")]
    private partial void LogRetried(int skus, int orders);
}

using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Functions.Inventory;

/// <summary>
/// Queue-triggered (<c>inventory-changes</c>, written by the ledger's commits): recomputes the changed SKUs per
/// channel, schedules the pushes that differ, and pushes what is due at once (the leading edge of a burst);
/// <see cref="DispatchInventoryPushesFunction"/> pushes the rest (window ends, retries, parked pushes).
/// Throwing makes the message come back; planning is an upsert, so that is harmless.
/// </summary>
public sealed partial class InventoryFanOutFunction(InventoryFanOutPlanner planner, InventoryPushDispatch dispatch, ILogger<InventoryFanOutFunction> logger)
{
    /// <summary>How long one invocation may spend pushing before it hands over to the timer.</summary>
    public static readonly TimeSpan PushBudget = TimeSpan.FromSeconds(2);

    [Function("InventoryFanOut")]
    public async Task RunAsync([QueueTrigger(QueueNames.InventoryChanges, Connection = Connections.Storage)] string message, CancellationToken cancellationToken)
    {
        var changed = QueueMessages.Parse(message, InventoryChangedMessage.Parse, "an inventory change");

        var scheduled = await planner.PlanSkusAsync(changed.Skus.ToHashSet(StringComparer.Ordinal), cancellationToken);
        var pushed = scheduled > 0 ? await dispatch.DispatchDueAsync(PushBudget, cancellationToken) : 0;
        LogPlanned(changed.Skus.Count, scheduled, pushed);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Skus} changed SKUs: {Scheduled} pushes scheduled, {Pushed} handled.")]
    private partial void LogPlanned(int skus, int scheduled, int pushed);
}

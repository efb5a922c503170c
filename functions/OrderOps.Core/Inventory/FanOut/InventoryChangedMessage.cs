namespace OrderOps.Core.Inventory.FanOut;

/// <summary>The SKUs one ledger commit changed, on the <c>inventory-changes</c> queue: the fan-out's wake-up.</summary>
public sealed record InventoryChangedMessage(IReadOnlyList<string> Skus);

using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Core.Inventory.FanOut;

/// <summary>
/// The inventory fan-out's wake-up on <see cref="QueueNames.InventoryChanges"/>: the SKUs whose balances one ledger commit
/// changed (one message per commit, coalesced). It carries no quantities: the fan-out reads the balances as they stand
/// when it runs, so a late, repeated or out-of-order message only makes it recompute a SKU, which is harmless.
/// </summary>
public sealed record InventoryChangedMessage
{
    /// <summary>A message stays far below a Storage queue message's 64 KiB; bigger commits are split.</summary>
    public const int MaxSkusPerMessage = 1_000;

    /// <summary>Distinct SKUs, in ordinal order.</summary>
    public required IReadOnlyList<string> Skus { get; init; }

    /// <summary>When the ledger committed the change.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>The messages announcing one commit that changed <paramref name="skus"/>: none for no SKU, one unless it changed more than <see cref="MaxSkusPerMessage"/>.</summary>
    public static IReadOnlyList<QueueMessage> For(IEnumerable<string> skus, DateTimeOffset changedAt)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var distinct = skus.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct.Chunk(MaxSkusPerMessage)
            .Select(chunk => new QueueMessage
            {
                MessageId = $"inventory-changed:{Guid.NewGuid():N}",
                Body = OrderOpsJson.Serialize(new InventoryChangedMessage { Skus = chunk, ChangedAt = changedAt }),
            })
            .ToList();
    }

    /// <exception cref="System.Text.Json.JsonException">The body is not an inventory-changed message.</exception>
    public static InventoryChangedMessage Parse(string body) => OrderOpsJson.Deserialize<InventoryChangedMessage>(body);
}

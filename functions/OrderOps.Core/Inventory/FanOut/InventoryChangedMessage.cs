using System.Text;
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
    /// <summary>A body stays below this many UTF-8 bytes (a Storage queue message holds 64 KiB); bigger commits are split.</summary>
    public const int MaxBodyBytes = 48 * 1024;

    /// <summary>Distinct SKUs, in ordinal order.</summary>
    public required IReadOnlyList<string> Skus { get; init; }

    /// <summary>When the ledger committed the change.</summary>
    public required DateTimeOffset ChangedAt { get; init; }

    /// <summary>
    /// Those of <see cref="Skus"/> of which the commit gave reserved units back (a reservation released, or moved away
    /// from a location): stock an order waiting in <c>insufficient-stock</c> may now get. Null when none (left out of the
    /// body, so the common message stays as it was; messages written before this member existed read as none).
    /// </summary>
    public IReadOnlyList<string>? Released { get; init; }

    /// <summary>
    /// The messages announcing one commit that changed <paramref name="skus"/> and gave reserved units of
    /// <paramref name="released"/> back: none for no SKU, one unless its body would pass <see cref="MaxBodyBytes"/>
    /// (thousands of SKUs), in which case the SKUs are halved until every body fits (each keeping its released ones).
    /// </summary>
    public static IReadOnlyList<QueueMessage> For(IEnumerable<string> skus, DateTimeOffset changedAt, IEnumerable<string>? released = null)
    {
        ArgumentNullException.ThrowIfNull(skus);
        var distinct = skus.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var freed = released?.ToHashSet(StringComparer.Ordinal) ?? [];
        var messages = new List<QueueMessage>();
        if (distinct.Count > 0)
        {
            AddFitting(distinct, freed, changedAt, messages);
        }

        return messages;
    }

    private static void AddFitting(List<string> skus, HashSet<string> released, DateTimeOffset changedAt, List<QueueMessage> messages)
    {
        var body = OrderOpsJson.Serialize(new InventoryChangedMessage { Skus = skus, ChangedAt = changedAt, Released = Some(skus.Where(released.Contains).ToList()) });
        if (skus.Count > 1 && Encoding.UTF8.GetByteCount(body) > MaxBodyBytes)
        {
            var half = skus.Count / 2;
            AddFitting(skus[..half], released, changedAt, messages);
            AddFitting(skus[half..], released, changedAt, messages);
            return;
        }

        messages.Add(new QueueMessage { MessageId = $"inventory-changed:{Guid.NewGuid():N}", Body = body });
    }

    private static List<string>? Some(List<string> skus) => skus.Count > 0 ? skus : null;

    /// <exception cref="System.Text.Json.JsonException">The body is not an inventory-changed message.</exception>
    public static InventoryChangedMessage Parse(string body) => OrderOpsJson.Deserialize<InventoryChangedMessage>(body);
}

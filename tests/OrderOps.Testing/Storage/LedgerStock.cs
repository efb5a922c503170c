using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Testing.Storage;

/// <summary>Test set-up and inspection of stock through the inventory ledger, as an operator's count would do it.</summary>
public static class LedgerStock
{
    /// <summary>Brings a location's on-hand quantity of a SKU to <paramref name="onHand"/> with one adjustment movement.</summary>
    public static async Task SetOnHandAsync(this IInventoryLedger ledger, string location, string sku, int onHand, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var current = (await ledger.GetBalancesAsync([sku], cancellationToken)).SingleOrDefault(b => b.Location == location)?.OnHand ?? 0;
        if (current == onHand && current != 0)
        {
            return;
        }

        // A zero adjustment is refused by the ledger, so a SKU first seen at zero is received and counted back down.
        var delta = onHand - current;
        if (delta == 0)
        {
            await ledger.RecordMovementAsync(Movement(location, sku, MovementType.Receipt, 1), cancellationToken);
            delta = -1;
        }

        await ledger.RecordMovementAsync(Movement(location, sku, MovementType.Adjustment, delta), cancellationToken);
    }

    /// <summary>Every balance the ledger holds: (location, SKU, on hand, reserved).</summary>
    public static async Task<IReadOnlyList<(string LocationId, string Sku, int OnHand, int Reserved)>> GetStockAsync(this IInventoryLedger ledger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var skus = new List<string>();
        for (string? after = null; ;)
        {
            var page = await ledger.ListSkusAsync(after, 500, cancellationToken);
            skus.AddRange(page);
            if (page.Count < 500)
            {
                break;
            }

            after = page[^1];
        }

        var balances = skus.Count == 0 ? [] : await ledger.GetBalancesAsync(skus, cancellationToken);
        return balances.OrderBy(b => b.Location, StringComparer.Ordinal).ThenBy(b => b.Sku, StringComparer.Ordinal)
            .Select(b => (b.Location, b.Sku, b.OnHand, b.Allocated)).ToList();
    }

    private static StockMovement Movement(string location, string sku, MovementType type, int quantity) => new()
    {
        MovementId = $"test-count-{Guid.NewGuid():N}",
        Sku = sku,
        Location = location,
        Type = type,
        Quantity = quantity,
    };
}

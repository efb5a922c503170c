namespace OrderOps.Core.Inventory;

/// <summary>
/// Decides where an order's units come from, given what is available now. Pure: the ledger calls it under its
/// write lock with fresh balances, so the plan it applies can never over-allocate.
/// </summary>
public static class AllocationPlanner
{
    /// <summary>
    /// The plan for <paramref name="request"/> against <paramref name="available"/> (what every ledger backend calls
    /// under its write serialisation): the caller's own <see cref="ReservationRequest.Allocations"/> if it fits, else
    /// a plan over the allowed locations (or every location, most available first).
    /// </summary>
    public static AllocationPlan PlanFor(ReservationRequest request, IReadOnlyDictionary<(string Sku, string Location), int> available)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(available);
        if (request.Allocations is { } pinned)
        {
            return Check(pinned, available);
        }

        var locations = request.Locations ?? available
            .GroupBy(a => a.Key.Location, StringComparer.Ordinal)
            .OrderByDescending(g => g.Sum(a => Math.Max(0, a.Value)))
            .ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key)
            .ToList();
        return Plan(request.Totals(), available, locations);
    }

    /// <summary>Accepts a caller's allocation only if every (SKU, location) has the units; shortages otherwise.</summary>
    public static AllocationPlan Check(IReadOnlyList<LocationAllocation> allocations, IReadOnlyDictionary<(string Sku, string Location), int> available)
    {
        ArgumentNullException.ThrowIfNull(allocations);
        ArgumentNullException.ThrowIfNull(available);
        var merged = allocations
            .GroupBy(a => (a.Sku, a.Location))
            .Select(g => new LocationAllocation(g.Key.Sku, g.Key.Location, g.Sum(a => a.Quantity)))
            .ToList();
        var shortages = merged
            .Select(a => new SkuQuantity(a.Sku, a.Quantity - Math.Max(0, available.GetValueOrDefault((a.Sku, a.Location)))))
            .Where(s => s.Quantity > 0)
            .GroupBy(s => s.Sku, StringComparer.Ordinal)
            .Select(g => new SkuQuantity(g.Key, g.Sum(s => s.Quantity)))
            .ToList();
        return shortages.Count > 0 ? new AllocationPlan([], shortages) : new AllocationPlan(merged, []);
    }

    /// <summary>
    /// Prefers one location that can ship the whole order (one parcel); otherwise takes each SKU from the allowed
    /// locations in preference order, splitting a SKU across locations only when no single one has enough.
    /// </summary>
    /// <param name="totals">Units per SKU (lines sharing a SKU already added up).</param>
    /// <param name="available">Available units per (SKU, location); missing entries count as zero.</param>
    /// <param name="locations">Allowed locations, most preferred first.</param>
    public static AllocationPlan Plan(
        IReadOnlyList<SkuQuantity> totals,
        IReadOnlyDictionary<(string Sku, string Location), int> available,
        IReadOnlyList<string> locations)
    {
        ArgumentNullException.ThrowIfNull(totals);
        ArgumentNullException.ThrowIfNull(available);
        ArgumentNullException.ThrowIfNull(locations);
        int Available(string sku, string location) => Math.Max(0, available.GetValueOrDefault((sku, location)));

        foreach (var location in locations)
        {
            if (totals.All(t => Available(t.Sku, location) >= t.Quantity))
            {
                return new AllocationPlan(totals.Select(t => new LocationAllocation(t.Sku, location, t.Quantity)).ToList(), []);
            }
        }

        var allocations = new List<LocationAllocation>();
        var shortages = new List<SkuQuantity>();
        foreach (var total in totals)
        {
            var single = locations.FirstOrDefault(l => Available(total.Sku, l) >= total.Quantity);
            if (single is not null)
            {
                allocations.Add(new LocationAllocation(total.Sku, single, total.Quantity));
                continue;
            }

            var remaining = total.Quantity;
            foreach (var location in locations)
            {
                var take = Math.Min(remaining, Available(total.Sku, location));
                if (take > 0)
                {
                    allocations.Add(new LocationAllocation(total.Sku, location, take));
                    remaining -= take;
                }

                if (remaining == 0)
                {
                    break;
                }
            }

            if (remaining > 0)
            {
                shortages.Add(new SkuQuantity(total.Sku, remaining));
            }
        }

        return shortages.Count > 0 ? new AllocationPlan([], shortages) : new AllocationPlan(allocations, []);
    }
}

/// <summary>Either allocations covering every unit, or the shortages that made the order impossible (never both).</summary>
public sealed record AllocationPlan(IReadOnlyList<LocationAllocation> Allocations, IReadOnlyList<SkuQuantity> Shortages)
{
    public bool IsComplete => Shortages.Count == 0;
}

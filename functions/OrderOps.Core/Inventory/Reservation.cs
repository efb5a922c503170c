namespace OrderOps.Core.Inventory;

/// <summary>An order's request for stock: its lines, possibly several sharing a SKU.</summary>
public sealed record ReservationRequest
{
    public required string OrderId { get; init; }

    public required IReadOnlyList<ReservationLine> Lines { get; init; }

    /// <summary>
    /// Locations allowed to serve the order, most preferred first (e.g. those serving the order's channel).
    /// Null means every location that holds the SKU, most available first.
    /// </summary>
    public IReadOnlyList<string>? Locations { get; init; }

    /// <summary>
    /// An allocation decided by the caller (the order lifecycle's routing policy): when set, the ledger holds exactly
    /// these units, all or nothing, instead of planning itself, and <see cref="Locations"/> is ignored. Per SKU it
    /// must add up to the lines' totals.
    /// </summary>
    public IReadOnlyList<LocationAllocation>? Allocations { get; init; }

    /// <summary>Total quantity per SKU, lines sharing a SKU added together, in first-seen order.</summary>
    public IReadOnlyList<SkuQuantity> Totals()
    {
        var totals = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var line in Lines)
        {
            if (!totals.TryGetValue(line.Sku, out var sum))
            {
                order.Add(line.Sku);
            }

            totals[line.Sku] = checked(sum + line.Quantity);
        }

        return order.Select(sku => new SkuQuantity(sku, totals[sku])).ToList();
    }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(OrderId))
        {
            errors.Add("orderId is required.");
        }

        if (Lines is null || Lines.Count == 0)
        {
            errors.Add("at least one line is required.");
            return errors;
        }

        for (var i = 0; i < Lines.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(Lines[i].Sku))
            {
                errors.Add($"lines[{i}].sku is required.");
            }

            if (Lines[i].Quantity <= 0)
            {
                errors.Add($"lines[{i}].quantity must be positive.");
            }
        }

        if (Allocations is not null && errors.Count == 0)
        {
            for (var i = 0; i < Allocations.Count; i++)
            {
                if (string.IsNullOrWhiteSpace(Allocations[i].Sku) || string.IsNullOrWhiteSpace(Allocations[i].Location) || Allocations[i].Quantity <= 0)
                {
                    errors.Add($"allocations[{i}] needs a sku, a location and a positive quantity.");
                }
            }

            var pinned = Allocations.GroupBy(a => a.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(a => a.Quantity), StringComparer.Ordinal);
            var totals = Totals();
            if (pinned.Count != totals.Count || totals.Any(t => pinned.GetValueOrDefault(t.Sku) != t.Quantity))
            {
                errors.Add("allocations must add up, SKU by SKU, to the lines' quantities.");
            }
        }

        return errors;
    }
}

public sealed record ReservationLine(string Sku, int Quantity);

public sealed record SkuQuantity(string Sku, int Quantity);

/// <summary>Units of one SKU held for an order at one location.</summary>
public sealed record LocationAllocation(string Sku, string Location, int Quantity);

public enum ReservationStatus
{
    /// <summary>Every unit is held; <see cref="ReservationResult.Allocations"/> says where.</summary>
    Reserved,

    /// <summary>Not enough stock for at least one SKU: nothing was held (all or nothing).</summary>
    Insufficient,

    /// <summary>The order's reservation was released earlier; a released order id is not reserved again.</summary>
    Released,
}

/// <summary>
/// What a reservation holds. For an order already reserved, the ledger returns the reservation as it stands
/// (so calling reserve twice returns the same allocation), with <see cref="AlreadyExisted"/> set.
/// </summary>
public sealed record ReservationResult
{
    public required string OrderId { get; init; }

    public required ReservationStatus Status { get; init; }

    /// <summary>Units currently held per SKU per location (shipped and released units are no longer held).</summary>
    public IReadOnlyList<LocationAllocation> Allocations { get; init; } = [];

    /// <summary>For <see cref="ReservationStatus.Insufficient"/>: SKU → units missing across the allowed locations.</summary>
    public IReadOnlyList<SkuQuantity> Shortages { get; init; } = [];

    public bool AlreadyExisted { get; init; }
}

/// <summary>Moves held units of an order from one location to another (e.g. the first cannot ship in time).</summary>
public sealed record ReservationMove(string MoveId, string OrderId, string Sku, string FromLocation, string ToLocation, int Quantity);

/// <summary>Ships units an order holds. Null lines ship everything still held.</summary>
public sealed record ShipmentRequest(string OrderId, string ShipmentId, IReadOnlyList<LocationAllocation>? Lines = null);

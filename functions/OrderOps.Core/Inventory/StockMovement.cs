using OrderOps.Core.Ids;

namespace OrderOps.Core.Inventory;

/// <summary>One immutable fact in the ledger. On hand, allocated and available are derived from these.</summary>
public sealed record StockMovement
{
    /// <summary>Client-supplied and unique: recording the same id twice records it once.</summary>
    public required string MovementId { get; init; }

    public required string Sku { get; init; }

    public required string Location { get; init; }

    public required MovementType Type { get; init; }

    /// <summary>Units moved. Positive, except for <see cref="MovementType.Adjustment"/>, which is signed.</summary>
    public required int Quantity { get; init; }

    /// <summary>Destination of a <see cref="MovementType.Transfer"/>; null otherwise.</summary>
    public string? ToLocation { get; init; }

    /// <summary>The order an allocation, release or shipment belongs to.</summary>
    public string? OrderId { get; init; }

    public string? Reason { get; init; }

    /// <summary>When it happened; the ledger stamps its own clock when the client leaves it default.</summary>
    public DateTimeOffset At { get; init; }

    /// <summary>Position in the ledger, assigned when recorded.</summary>
    public long Sequence { get; init; }

    /// <summary>
    /// Whether recording it can make units available somewhere (a receipt, a return, a transfer's destination, an
    /// allocation given back, a positive adjustment): orders waiting for stock of its SKU are worth another try then.
    /// </summary>
    public bool CanBringStock() => Type switch
    {
        MovementType.Receipt or MovementType.Return or MovementType.Transfer or MovementType.Release => true,
        MovementType.Adjustment => Quantity > 0,
        _ => false,
    };
}

/// <summary>Checks a movement's shape before it reaches the ledger; stock rules are the ledger's job.</summary>
public static class StockMovementValidator
{
    public const int MaxIdLength = 200;

    public static IReadOnlyList<string> Validate(StockMovement movement, IReadOnlySet<string>? knownLocations = null)
    {
        ArgumentNullException.ThrowIfNull(movement);
        var errors = new List<string>();
        void CheckId(string? value, string field)
        {
            if (IdText.Problem(value, MaxIdLength) is { } problem)
            {
                errors.Add($"{field} {problem}");
            }
        }

        CheckId(movement.MovementId, "movementId");
        CheckId(movement.Sku, "sku");
        CheckId(movement.Location, "location");
        if (IdText.IsValid(movement.Location) && knownLocations is not null && !knownLocations.Contains(movement.Location))
        {
            errors.Add($"location '{movement.Location}' is not configured.");
        }

        if (movement.OrderId is not null)
        {
            CheckId(movement.OrderId, "orderId");
        }

        if (!Enum.IsDefined(movement.Type))
        {
            errors.Add("type is not a known movement type.");
        }

        if (movement.Type == MovementType.Adjustment ? movement.Quantity == 0 : movement.Quantity <= 0)
        {
            errors.Add(movement.Type == MovementType.Adjustment ? "quantity of an adjustment must not be zero." : "quantity must be positive.");
        }

        if (movement.Type == MovementType.Transfer)
        {
            if (IdText.Problem(movement.ToLocation) is { } problem)
            {
                errors.Add($"toLocation {problem}");
            }
            else if (movement.ToLocation == movement.Location)
            {
                errors.Add("toLocation must differ from location.");
            }
            else if (knownLocations is not null && !knownLocations.Contains(movement.ToLocation!))
            {
                errors.Add($"toLocation '{movement.ToLocation}' is not configured.");
            }
        }
        else if (movement.ToLocation is not null)
        {
            errors.Add("toLocation is only for transfers.");
        }

        if (movement.Type is MovementType.Allocation or MovementType.Release or MovementType.Shipment && string.IsNullOrWhiteSpace(movement.OrderId))
        {
            errors.Add("orderId is required for allocations, releases and shipments.");
        }

        return errors;
    }
}

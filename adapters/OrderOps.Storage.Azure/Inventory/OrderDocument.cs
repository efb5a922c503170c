using System.Text.Json.Serialization;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// One order's reservation in the meta container (partition <c>order|{orderId}</c>, id <c>order</c>): its status, the
/// units it holds per SKU and location, the ids of the operations it has done (shipments, moves, order movements), and
/// at most one <see cref="Intent"/> in flight. The order's committed state changes only by an If-Match replace that
/// clears the intent, so operations on one order run one at a time, across instances.
/// </summary>
internal sealed class OrderDocument
{
    public const string DocumentId = "order";

    [JsonPropertyName("id")]
    public string Id { get; set; } = DocumentId;

    public required string Pk { get; set; }

    public string Type { get; set; } = "order";

    public required string OrderId { get; set; }

    /// <summary>Null while the order holds no reservation (never reserved, or only failed attempts).</summary>
    public ReservationStatus? Status { get; set; }

    public List<OrderLine> Lines { get; set; } = [];

    /// <summary>Ids of committed operations: <c>ship:{id}</c>, <c>move:{id}</c>, <c>mv:{movementId}</c>.</summary>
    public List<string> Operations { get; set; } = [];

    /// <summary>The number of the last intent that finished (committed or undone); the next one is Done + 1.</summary>
    public long Done { get; set; }

    public OrderIntent? Intent { get; set; }

    public static string PartitionFor(string orderId) => "order|" + orderId;

    public static OrderDocument New(string orderId) => new() { Pk = PartitionFor(orderId), OrderId = orderId };

    public IReadOnlyList<LocationAllocation> Held() => Lines
        .Where(l => l.Held > 0)
        .OrderBy(l => l.Sku, StringComparer.Ordinal)
        .ThenBy(l => l.Location, StringComparer.Ordinal)
        .Select(l => new LocationAllocation(l.Sku, l.Location, l.Held))
        .ToList();

    public int HeldAt(string sku, string location) => Lines.Find(l => l.Sku == sku && l.Location == location)?.Held ?? 0;

    public void Apply(string sku, IEnumerable<LineDelta> deltas)
    {
        foreach (var delta in deltas)
        {
            var line = Lines.Find(l => l.Sku == sku && l.Location == delta.Location);
            if (line is null)
            {
                line = new OrderLine { Sku = sku, Location = delta.Location };
                Lines.Add(line);
            }

            line.Held += delta.Held;
            line.Shipped += delta.Shipped;
            line.Released += delta.Released;
        }
    }
}

internal sealed class OrderLine
{
    public required string Sku { get; set; }

    public required string Location { get; set; }

    public int Held { get; set; }

    public int Shipped { get; set; }

    public int Released { get; set; }
}

internal enum IntentKind
{
    Reserve,
    Release,
    Ship,
    Move,
    OrderMovement,
}

/// <summary>
/// An operation in flight on an order: which SKU documents it may have stepped on, who drives it and since when (the
/// lease), and what committing it means. Steps on SKU documents are keyed by (order, <see cref="Number"/>); numbers are
/// never reused, so a step can always be told apart from the steps of earlier or later intents.
/// </summary>
internal sealed class OrderIntent
{
    public long Number { get; set; }

    public IntentKind Kind { get; set; }

    /// <summary>The ledger instance driving it (diagnostics).</summary>
    public required string Owner { get; set; }

    /// <summary>Unix ms by the owner's clock when it took the intent; it may be taken over once older than the lease plus clock skew.</summary>
    public long StartedAt { get; set; }

    public List<string> Skus { get; set; } = [];

    /// <summary>The operation id committing adds to <see cref="OrderDocument.Operations"/>.</summary>
    public string? Operation { get; set; }

    /// <summary>The status committing sets (null: unchanged).</summary>
    public ReservationStatus? CommitStatus { get; set; }
}

/// <summary>
/// A movement id, claimed before the movement is applied (partition <c>movement|{id}</c>, id <c>claim</c>), so that a
/// reused id is recognised whatever SKU it names; the claim keeps the content, to tell a repeat from a conflict.
/// </summary>
internal sealed class MovementClaims(CosmosDocuments meta)
{
    private const string ClaimId = "claim";

    /// <summary>True when this call made the claim; false when the same movement was claimed before.</summary>
    /// <exception cref="MovementConflictException">The id was claimed for a different movement.</exception>
    public async Task<bool> ClaimAsync(StockMovement movement, CancellationToken cancellationToken)
    {
        var claim = ClaimDocument.For(movement);
        while (true)
        {
            if (await meta.CreateAsync(claim, claim.Pk, cancellationToken) is not null)
            {
                return true;
            }

            if ((await meta.ReadAsync<ClaimDocument>(ClaimId, claim.Pk, cancellationToken))?.Document is { } existing)
            {
                return existing.SameAs(claim) ? false : throw new MovementConflictException(movement.MovementId);
            }
        }
    }

    /// <summary>Gives the id back after the movement was refused (nothing was recorded under it).</summary>
    public Task ReleaseAsync(StockMovement movement, CancellationToken cancellationToken) =>
        meta.DeleteAsync(ClaimId, ClaimDocument.For(movement).Pk, null, cancellationToken);

    private sealed class ClaimDocument
    {
        [JsonPropertyName("id")]
        public string Id { get; set; } = ClaimId;

        public required string Pk { get; set; }

        public string Type { get; set; } = "claim";

        public required string Sku { get; set; }

        public required string Location { get; set; }

        public MovementType MovementType { get; set; }

        public int Quantity { get; set; }

        public string? ToLocation { get; set; }

        public string? OrderId { get; set; }

        public static ClaimDocument For(StockMovement movement) => new()
        {
            Pk = "movement|" + movement.MovementId,
            Sku = movement.Sku,
            Location = movement.Location,
            MovementType = movement.Type,
            Quantity = movement.Quantity,
            ToLocation = movement.ToLocation,
            OrderId = movement.OrderId,
        };

        public bool SameAs(ClaimDocument other) =>
            (Sku, Location, MovementType, Quantity, ToLocation, OrderId) == (other.Sku, other.Location, other.MovementType, other.Quantity, other.ToLocation, other.OrderId);
    }
}

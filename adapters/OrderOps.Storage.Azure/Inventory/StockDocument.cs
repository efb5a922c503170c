using System.Text.Json.Serialization;
using OrderOps.Core.Inventory;

namespace OrderOps.Storage.Azure.Inventory;

/// <summary>
/// The one document per SKU (id <c>stock</c>, partition = the SKU) that every stock rule is checked against. Its
/// If-Match replace is the ledger's commit: the balances per location, the movements that produced them (in
/// <see cref="Outbox"/> until copied into their own documents), the steps of order operations still in flight and the
/// change-log entries not yet appended all change in that one write, so they can never disagree.
/// </summary>
internal sealed class StockDocument
{
    public const string DocumentId = "stock";

    [JsonPropertyName("id")]
    public string Id { get; set; } = DocumentId;

    public required string Sku { get; set; }

    public string Type { get; set; } = "stock";

    /// <summary>The last movement sequence given out (movements of this SKU are numbered 1, 2, 3…).</summary>
    public long Sequence { get; set; }

    /// <summary>The highest sequence copied into a movement document so far (0: none, so no lookup is needed).</summary>
    public long Flushed { get; set; }

    /// <summary>The last change-log entry number given out for this SKU.</summary>
    public long ChangeSequence { get; set; }

    /// <summary>Bumped by recovery so that a write based on an older read of this document cannot commit (see the ledger).</summary>
    public long Fence { get; set; }

    public Dictionary<string, LocationBalance> Locations { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Applied steps of order intents that are not yet confirmed (see <see cref="PendingStep"/>).</summary>
    public List<PendingStep> Steps { get; set; } = [];

    /// <summary>Committed movements not yet copied into their own documents.</summary>
    public List<MovementRecord> Outbox { get; set; } = [];

    /// <summary>Balance changes committed here and not yet known to be in the change log.</summary>
    public List<UnloggedChange> Unlogged { get; set; } = [];

    public PendingStep? FindStep(string orderId, long intent) =>
        Steps.Find(s => s.Intent == intent && s.OrderId == orderId);

    /// <summary>The movement with this id if it is in this document (outbox or an unconfirmed step).</summary>
    public MovementRecord? FindMovement(string movementId) =>
        Outbox.Find(m => m.MovementId == movementId) ?? Steps.SelectMany(s => s.Movements).FirstOrDefault(m => m.MovementId == movementId);

    public Dictionary<(string Sku, string Location), int> Available() =>
        Locations.ToDictionary(l => (Sku, l.Key), l => l.Value.OnHand - l.Value.Allocated);

    /// <summary>
    /// Checks every delta against the rules first, then applies them all (so a refused change leaves the document as it
    /// was): on hand and allocated never below zero, and where <see cref="BalanceRule.MustStayAvailable"/> (allocations,
    /// transfers out) available never below zero. Each applied delta is reported to <paramref name="changed"/>.
    /// </summary>
    /// <exception cref="InsufficientStockException">A rule would break.</exception>
    public void Apply(IReadOnlyList<BalanceRule> rules, Action<string, LocationBalance> changed)
    {
        var scratch = new Dictionary<string, (int OnHand, int Allocated)>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var (onHand, allocated) = scratch.TryGetValue(rule.Location, out var seen)
                ? seen
                : Locations.TryGetValue(rule.Location, out var stored) ? (stored.OnHand, stored.Allocated) : (0, 0);
            var newOnHand = checked(onHand + rule.OnHand);
            var newAllocated = checked(allocated + rule.Allocated);
            if (rule.MustStayAvailable && newOnHand - newAllocated < 0)
            {
                throw new InsufficientStockException(Sku, rule.Location, Math.Max(rule.Allocated, -rule.OnHand), Math.Max(0, onHand - allocated));
            }

            if (newOnHand < 0)
            {
                throw new InsufficientStockException(Sku, rule.Location, -rule.OnHand, onHand);
            }

            if (newAllocated < 0)
            {
                throw new InsufficientStockException(Sku, rule.Location, -rule.Allocated, allocated);
            }

            scratch[rule.Location] = (newOnHand, newAllocated);
        }

        foreach (var rule in rules)
        {
            if (!Locations.TryGetValue(rule.Location, out var balance))
            {
                balance = new LocationBalance();
                Locations[rule.Location] = balance;
            }

            balance.OnHand += rule.OnHand;
            balance.Allocated += rule.Allocated;
            changed(rule.Location, balance);
        }
    }

    /// <summary>Gives the movement the next sequence number and stamps it.</summary>
    public MovementRecord Number(MovementRecord movement)
    {
        movement.Sequence = ++Sequence;
        return movement;
    }
}

internal sealed class LocationBalance
{
    public int OnHand { get; set; }

    public int Allocated { get; set; }
}

/// <summary>One signed change to a location's balance and whether it must leave units available.</summary>
internal sealed record BalanceRule(string Location, int OnHand, int Allocated, bool MustStayAvailable = false)
{
    public BalanceRule Reverse() => new(Location, -OnHand, -Allocated);
}

/// <summary>What a step does to the order's reservation line at one location (held may go either way).</summary>
internal sealed record LineDelta(string Location, int Held, int Shipped, int Released)
{
    /// <summary>
    /// Units stop being held without leaving (a release, a reservation moved away): available again, so orders waiting
    /// for stock are worth another try. Negated, for a step being undone (an undone hold gives its units back).
    /// </summary>
    public static bool GiveBack(IEnumerable<LineDelta> lines, bool undone = false) =>
        lines.Any(l => undone ? l.Held + l.Shipped > 0 : l.Held + l.Shipped < 0);
}

/// <summary>
/// A step of an order intent applied to this SKU but not yet confirmed: its balance deltas are in effect (so nothing
/// can be oversold meanwhile) and it remembers them, so it can be undone exactly; its movements wait here and reach
/// the outbox only when the intent is confirmed, so an undone step leaves no trace, as a rolled-back transaction.
/// </summary>
internal sealed class PendingStep
{
    public required string OrderId { get; set; }

    public required long Intent { get; set; }

    /// <summary>When it was applied (Unix ms), for the repair of steps left behind by a crash.</summary>
    public long At { get; set; }

    public List<BalanceRule> Rules { get; set; } = [];

    public List<LineDelta> Lines { get; set; } = [];

    public List<MovementRecord> Movements { get; set; } = [];
}

internal sealed class MovementRecord
{
    public required string MovementId { get; set; }

    public long Sequence { get; set; }

    public MovementType Type { get; set; }

    public required string Location { get; set; }

    public int Quantity { get; set; }

    public string? ToLocation { get; set; }

    public string? OrderId { get; set; }

    public string? Reason { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long At { get; set; }

    public StockMovement ToMovement(string sku) => new()
    {
        MovementId = MovementId,
        Sku = sku,
        Location = Location,
        Type = Type,
        Quantity = Quantity,
        ToLocation = ToLocation,
        OrderId = OrderId,
        Reason = Reason,
        At = DateTimeOffset.FromUnixTimeMilliseconds(At),
        Sequence = Sequence,
    };

    public bool SameContentAs(StockMovement movement, string sku) =>
        sku == movement.Sku && Location == movement.Location && Type == movement.Type && Quantity == movement.Quantity
        && ToLocation == movement.ToLocation && OrderId == movement.OrderId;

    public static MovementRecord From(StockMovement movement, DateTimeOffset now) => new()
    {
        MovementId = movement.MovementId,
        Type = movement.Type,
        Location = movement.Location,
        Quantity = movement.Quantity,
        ToLocation = movement.ToLocation,
        OrderId = movement.OrderId,
        Reason = movement.Reason,
        At = (movement.At == default ? now : movement.At).ToUnixTimeMilliseconds(),
    };
}

/// <summary>A movement copied out of the outbox into its own document (id from <see cref="CosmosDocuments.HashedId"/>).</summary>
internal sealed class MovementDocument
{
    [JsonPropertyName("id")]
    public required string Id { get; set; }

    public required string Sku { get; set; }

    public string Type { get; set; } = "movement";

    public long Sequence { get; set; }

    public required MovementRecord Movement { get; set; }

    public static string IdFor(string movementId) => CosmosDocuments.HashedId("mv-", movementId);
}

/// <summary>A committed balance change waiting to be appended to the change log by the instance named in <see cref="By"/>.</summary>
internal sealed class UnloggedChange
{
    public long Change { get; set; }

    public required string Location { get; set; }

    public int OnHand { get; set; }

    public int Allocated { get; set; }

    /// <summary>Unix milliseconds.</summary>
    public long At { get; set; }

    public required string By { get; set; }
}

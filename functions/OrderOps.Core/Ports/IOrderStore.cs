using OrderOps.Core.Orders;

namespace OrderOps.Core.Ports;

/// <summary>
/// Orders with their immutable event history. The store is deliberately dumb: business rules (which update
/// wins, which transition is allowed) live in the core, which reads a record, decides, and writes it back with
/// the ETag it read (optimistic concurrency, the Cosmos DB model).
/// </summary>
public interface IOrderStore
{
    Task<OrderRecord?> GetAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes <paramref name="record"/> and appends <paramref name="newEvents"/> in one transaction.
    /// <paramref name="expectedETag"/> null means "must not exist yet".
    /// </summary>
    /// <exception cref="ConcurrencyConflictException">The stored ETag is not <paramref name="expectedETag"/>.</exception>
    /// <returns>The record as stored, with its new ETag.</returns>
    Task<OrderRecord> SaveAsync(OrderRecord record, string? expectedETag, IReadOnlyList<OrderEvent> newEvents, CancellationToken cancellationToken);

    Task<IReadOnlyList<OrderEvent>> GetEventsAsync(string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// A page of summaries, never whole orders: a page of 200 orders of 5 MB each would otherwise be a gigabyte in memory.
    /// A backend holds at most one whole order at a time while it builds the page, or none.
    /// </summary>
    Task<OrderPage> ListAsync(OrderQuery query, CancellationToken cancellationToken);
}

/// <summary>An order as stored: the canonical document plus what the platform keeps about it.</summary>
public sealed record OrderRecord
{
    public required CanonicalOrder Order { get; init; }

    /// <summary>Lifecycle state (see the orchestration); "received" when first stored.</summary>
    public required string Status { get; init; }

    /// <summary>Opaque concurrency token set by the store; empty before the first save.</summary>
    public string ETag { get; init; } = string.Empty;

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>When the platform last changed the record (not the channel's UpdatedAt).</summary>
    public DateTimeOffset ModifiedAt { get; init; }

    /// <summary>
    /// State owned by the lifecycle orchestration (timers, allocations, compensations owed), as a JSON
    /// document so the store needs no schema change when the orchestration learns something new.
    /// </summary>
    public string? ProcessState { get; init; }

    public string OrderId => Order.OrderId;
}

/// <summary>One immutable fact in an order's history.</summary>
public sealed record OrderEvent
{
    /// <summary>1-based position in the order's history, assigned by the store.</summary>
    public long Sequence { get; init; }

    public required string Type { get; init; }

    public required DateTimeOffset At { get; init; }

    /// <summary>Who did it: "channel:shopify", "operator:alice", "system:lifecycle", "timer:ship-by"...</summary>
    public required string Actor { get; init; }

    /// <summary>Why: the delivery, message or timer that caused it.</summary>
    public string? Cause { get; init; }

    /// <summary>Event details as a JSON object; null when the type says it all.</summary>
    public string? Data { get; init; }
}

public sealed record OrderQuery
{
    public string? Channel { get; init; }

    public string? Status { get; init; }

    /// <summary>Only orders whose record was modified at or after this time.</summary>
    public DateTimeOffset? ModifiedSince { get; init; }

    /// <summary>Opaque token from the previous page.</summary>
    public string? Continuation { get; init; }

    public int PageSize { get; init; } = 50;
}

public sealed record OrderPage(IReadOnlyList<OrderSummary> Orders, string? Continuation);

/// <summary>What a list shows of an order: who and where from, its state, totals and times.</summary>
public sealed record OrderSummary(
    string OrderId,
    string Channel,
    string ChannelAccount,
    string ChannelOrderId,
    string Status,
    string Currency,
    OrderTotals Totals,
    int LineCount,
    DateTimeOffset PlacedAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset ModifiedAt)
{
    public static OrderSummary From(OrderRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var order = record.Order;
        return new(order.OrderId, order.Channel, order.ChannelAccount, order.ChannelOrderId, record.Status, order.Currency, order.Totals, order.LineItems.Count, order.PlacedAt, record.CreatedAt, record.ModifiedAt);
    }
}

/// <summary>Thrown when a write's expected ETag does not match the stored one.</summary>
public sealed class ConcurrencyConflictException(string orderId)
    : Exception($"Order '{orderId}' was changed by someone else; read it again and retry.")
{
    public string OrderId { get; } = orderId;
}

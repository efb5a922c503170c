using OrderOps.Core.Orders;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// What the lifecycle decides on, read from the stored order at each step: ids, channel, money, dates, tags and
/// lines. Never the customer or the address: these facts travel through the orchestration's history, and personal
/// data stays in the order store (activities that need it, like a release, read the order themselves).
/// </summary>
public sealed record LifecycleOrderFacts
{
    public required string OrderId { get; init; }

    public required string Channel { get; init; }

    public string? ChannelOrderNumber { get; init; }

    public FinancialStatus FinancialStatus { get; init; }

    public required DateTimeOffset PlacedAt { get; init; }

    public DateTimeOffset? ShipBy { get; init; }

    public Money? Total { get; init; }

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<OrderLineFact> Lines { get; init; } = [];

    /// <summary>The channel cancelled the order (with this reason, possibly none).</summary>
    public bool CancelledByChannel { get; init; }

    public string? ChannelCancelReason { get; init; }

    public static LifecycleOrderFacts From(CanonicalOrder order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new LifecycleOrderFacts
        {
            OrderId = order.OrderId,
            Channel = order.Channel,
            ChannelOrderNumber = order.ChannelOrderNumber,
            FinancialStatus = order.FinancialStatus,
            PlacedAt = order.PlacedAt,
            ShipBy = order.ShipBy,
            Total = order.Totals.Total,
            Tags = order.Tags,
            Lines = order.LineItems.Select(l => new OrderLineFact(l.LineId, l.Sku, l.Quantity)).ToList(),
            CancelledByChannel = order.Cancellation is not null,
            ChannelCancelReason = order.Cancellation?.Reason,
        };
    }

    /// <summary>The lines that can be allocated: with a SKU and a positive quantity.</summary>
    public List<(string LineId, string Sku, int Quantity)> AllocatableLines() =>
        Lines.Where(l => !string.IsNullOrWhiteSpace(l.Sku) && l.Quantity > 0).Select(l => (l.LineId, l.Sku!, l.Quantity)).ToList();
}

public sealed record OrderLineFact(string LineId, string? Sku, int Quantity);

using OrderOps.Core.Orders;

namespace OrderOps.Core.Tests.Orders;

/// <summary>A small valid order to vary in tests.</summary>
internal static class SampleOrders
{
    public static readonly DateTimeOffset Placed = new(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);

    public static CanonicalOrder Valid(string channelOrderId = "1001", DateTimeOffset? updatedAt = null) => new()
    {
        OrderId = OrderId.Compose(Channels.Shopify, "example.myshopify.com", channelOrderId),
        Channel = Channels.Shopify,
        ChannelAccount = "example.myshopify.com",
        ChannelOrderId = channelOrderId,
        PlacedAt = Placed,
        UpdatedAt = updatedAt ?? Placed,
        Currency = "USD",
        Customer = new Customer { Name = "Ada", Email = "ada@example.com" },
        LineItems = [new LineItem { LineId = "1", Sku = "SKU-1", Title = "Widget", Quantity = 2, UnitPrice = new Money(9.99m, "USD") }],
        Totals = new OrderTotals { Total = new Money(19.98m, "USD") },
    };
}

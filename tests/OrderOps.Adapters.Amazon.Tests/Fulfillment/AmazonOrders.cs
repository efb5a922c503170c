using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests.Fulfillment;

/// <summary>
/// Orders that exist at the fake Amazon and, mapped by the real <see cref="AmazonOrderMapper"/>, as the lifecycle
/// holds them: the published Unshipped v2026-01-01 order with the ids of Amazon's published confirmShipment request.
/// </summary>
internal static class AmazonOrders
{
    /// <summary>The order id and item id of Amazon's published confirmShipment sandbox request.</summary>
    public static readonly string OrderId = Fixtures.ConfirmShipmentRequest().OrderId;

    public static readonly string ItemId = Fixtures.ConfirmShipmentRequest().Body["packageDetail"]!["orderItems"]![0]!["orderItemId"]!.GetValue<string>();

    /// <summary>Adds the order to the fake (Unshipped, one item of <paramref name="quantity"/>) and returns its canonical form.</summary>
    public static CanonicalOrder Seed(AmazonTestHost host, int quantity = 1, string? orderId = null, string sellerId = AmazonTestHost.SellerA)
    {
        var order = Fixtures.OrderFrom(Fixtures.UnshippedOrder(), orderId ?? OrderId, DateTimeOffset.UtcNow.AddMinutes(-10), ItemId, quantity);
        host.Fake.AddOrder(sellerId, order);
        return Map(sellerId, order);
    }

    public static CanonicalOrder Map(string sellerId, JsonObject order) =>
        Assert.Single(new AmazonOrderMapper().Map(new RawPayload
        {
            Id = "amazon:test",
            Channel = Channels.Amazon,
            Account = sellerId,
            Kind = "searchOrders",
            ReceivedAt = DateTimeOffset.UtcNow,
            Body = AmazonOrderDocument.Serialize(order),
        }));

    public static ShipmentNotice Shipment(string shipmentId = "1", string? carrier = "FedEx", string? tracking = "112345678", int quantity = 1, string? lineId = null) =>
        new(shipmentId, "east", carrier, tracking, null, [new ShippedLine(lineId ?? ItemId, "NABetaASINB00551Q3CS", quantity)], DateTimeOffset.Parse("2022-02-11T01:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
}

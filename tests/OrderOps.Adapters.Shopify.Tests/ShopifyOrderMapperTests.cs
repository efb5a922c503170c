using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;

namespace OrderOps.Adapters.Shopify.Tests;

public class ShopifyOrderMapperTests
{
    private readonly ShopifyOrderMapper _mapper = new();

    [Fact]
    public void Maps_shopifys_published_order_450789469()
    {
        var order = Assert.Single(_mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_GET_450789469_response.json"))));

        Assert.Equal("shopify:example.myshopify.com:450789469", order.OrderId);
        Assert.Equal(("example.myshopify.com", "450789469", "#1001"), (order.ChannelAccount, order.ChannelOrderId, order.ChannelOrderNumber));
        Assert.Equal(new DateTimeOffset(2008, 1, 10, 16, 0, 0, TimeSpan.Zero), order.PlacedAt);
        Assert.Equal(TimeSpan.Zero, order.PlacedAt.Offset);
        Assert.Equal("USD", order.Currency);
        Assert.Equal(new Customer { Name = "Bob Norman", Email = "bob.norman@mail.example.com", Phone = "+557734881234" }, order.Customer);
        Assert.Equal(
            new Address { Name = "Bob Norman", Line1 = "Chestnut Street 92", City = "Louisville", Region = "KY", PostalCode = "40202", CountryCode = "US", Phone = "+1(502)-459-2181" },
            order.ShippingAddress);
        Assert.Equal(FinancialStatus.PartiallyRefunded, order.FinancialStatus);
        Assert.Equal(FulfillmentStatus.Unfulfilled, order.FulfillmentStatus);
        Assert.Null(order.Cancellation);
        Assert.Empty(order.Tags);
    }

    [Fact]
    public void Maps_line_items_with_unit_price_discount_allocations_and_taxes()
    {
        var order = _mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_GET_450789469_response.json")))[0];

        Assert.Equal(["IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK"], order.LineItems.Select(l => l.Sku));
        var green = order.LineItems[0];
        Assert.Equal(("466157049", "39072856", "IPod Nano - 8gb - green", 1), (green.LineId, green.ChannelItemId, green.Title, green.Quantity));
        Assert.Equal(new Money(199.00m, "USD"), green.UnitPrice);
        Assert.Equal(new Discount { Code = "TENOFF", Amount = new Money(3.34m, "USD") }, Assert.Single(green.Discounts));
        Assert.Equal(new Tax { Title = "State Tax", Rate = 0.06m, Amount = new Money(3.98m, "USD") }, Assert.Single(green.Taxes));
        Assert.Equal(10.00m, order.LineItems.Sum(l => l.Discounts.Sum(d => d.Amount.Amount)));
    }

    [Fact]
    public void Maps_totals_and_shipping_lines_in_shop_money()
    {
        var order = _mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_GET_450789469_response.json")))[0];

        Assert.Equal(new OrderTotals
        {
            Subtotal = new Money(597.00m, "USD"),
            Discounts = new Money(10.00m, "USD"),
            Shipping = new Money(0.00m, "USD"),
            Tax = new Money(11.94m, "USD"),
            Total = new Money(598.94m, "USD"),
        }, order.Totals);
        var shipping = Assert.Single(order.ShippingLines);
        Assert.Equal(("Free Shipping", "Free Shipping", new Money(0m, "USD")), (shipping.Title, shipping.Code, shipping.Price!.Value));
    }

    [Fact]
    public void Keeps_every_unmapped_field_in_channel_metadata()
    {
        var order = _mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_GET_450789469_response.json")))[0];

        Assert.Equal("ABC123", order.ChannelMetadata["po_number"]!.GetValue<string>());
        Assert.Equal("Happy Birthday", order.ChannelMetadata["note_attributes"]![0]!["value"]!.GetValue<string>());
        Assert.Equal("255858046", order.ChannelMetadata["fulfillments"]![0]!["id"]!.ToJsonString());
        Assert.Equal(0, order.ChannelMetadata["lineItems"]!["466157049"]!["current_quantity"]!.GetValue<int>());
        Assert.Null(order.ChannelMetadata["line_items"]);
        Assert.Null(order.ChannelMetadata["total_price"]);
    }

    [Fact]
    public void Maps_the_published_cancelled_order()
    {
        var order = _mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_cancel_response.json")))[0];

        Assert.Equal(new Cancellation { CancelledAt = new DateTimeOffset(2025, 7, 2, 16, 31, 25, TimeSpan.Zero), Reason = "other" }, order.Cancellation);
        Assert.Equal(order.Cancellation!.CancelledAt, order.UpdatedAt);
    }

    [Fact]
    public void Mapped_published_orders_are_valid_canonical_orders()
    {
        foreach (var file in new[] { "shopify_rest_order_GET_450789469_response.json", "shopify_rest_order_cancel_response.json" })
        {
            var order = _mapper.Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody(file)))[0];
            Assert.Empty(OrderValidator.Validate(order));
        }
    }

    [Theory]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("{ broken", "not valid JSON")]
    [InlineData("{\"currency\":\"USD\",\"created_at\":\"2026-01-01T00:00:00Z\"}", "no id")]
    [InlineData("{\"id\":1,\"created_at\":\"2026-01-01T00:00:00Z\"}", "no currency")]
    [InlineData("{\"id\":1,\"currency\":\"USD\",\"created_at\":\"yesterday\"}", "cannot be mapped")]
    [InlineData("{\"id\":1,\"currency\":\"USD\",\"created_at\":\"2026-01-01T00:00:00Z\",\"line_items\":[{\"id\":5,\"quantity\":\"many\"}]}", "cannot be mapped")]
    public void Unmappable_payloads_raise_the_documented_exception(string body, string reason)
    {
        var ex = Assert.Throws<ChannelPayloadException>(() => _mapper.Map(ShopifyFixtures.Payload(Encoding.UTF8.GetBytes(body))));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_payload_without_a_shop_domain_cannot_be_mapped()
    {
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(ShopifyFixtures.Payload(Encoding.UTF8.GetBytes("{\"id\":1}"), shop: "")));
    }

    [Fact]
    public void Quoted_ids_and_missing_optional_sections_still_map()
    {
        var body = new JsonObject
        {
            ["id"] = "820982911946154508",
            ["currency"] = "CAD",
            ["created_at"] = "2026-05-01T12:00:00+02:00",
            ["tags"] = "vip, wholesale ,",
            ["line_items"] = new JsonArray(new JsonObject { ["id"] = 1, ["title"] = "Box", ["quantity"] = 3, ["price"] = "2.50" }),
        };

        var order = _mapper.Map(ShopifyFixtures.Payload(Encoding.UTF8.GetBytes(body.ToJsonString())))[0];

        Assert.Equal("shopify:example.myshopify.com:820982911946154508", order.OrderId);
        Assert.Equal(order.PlacedAt, order.UpdatedAt);
        Assert.Equal(new DateTimeOffset(2026, 5, 1, 10, 0, 0, TimeSpan.Zero), order.PlacedAt);
        Assert.Equal(["vip", "wholesale"], order.Tags);
        Assert.Equal(new Money(2.50m, "CAD"), order.LineItems[0].UnitPrice);
        Assert.Null(order.Customer);
        Assert.Empty(OrderValidator.Validate(order));
    }
}

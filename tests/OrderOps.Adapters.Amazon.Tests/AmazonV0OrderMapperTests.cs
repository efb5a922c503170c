using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>Payloads archived by the Orders API v0 poller (kind getOrders) still map: messages queued before the move are not lost.</summary>
public sealed class AmazonV0OrderMapperTests
{
    private const string Seller = "A1SELLERAAAAAA";
    private readonly AmazonOrderMapper _mapper = new();

    [Fact]
    public void Maps_the_published_sandbox_order_and_item()
    {
        var order = Map(Fixtures.V0UnshippedOrder(), Fixtures.V0Item());

        Assert.Equal("amazon:A1SELLERAAAAAA:902-1845936-5435065", order.OrderId);
        Assert.Equal("amazon", order.Channel);
        Assert.Equal(Seller, order.ChannelAccount);
        Assert.Equal("902-1845936-5435065", order.ChannelOrderId);
        Assert.Equal(DateTimeOffset.Parse("1970-01-19T03:58:30Z"), order.PlacedAt);
        Assert.Equal(DateTimeOffset.Parse("1970-01-19T03:58:32Z"), order.UpdatedAt);
        Assert.Equal(TimeSpan.Zero, order.PlacedAt.Offset);
        Assert.Equal(DateTimeOffset.Parse("1970-01-19T04:05:13Z"), order.ShipBy);
        Assert.Equal("USD", order.Currency);
        Assert.Equal(FinancialStatus.Authorized, order.FinancialStatus);
        Assert.Equal(FulfillmentStatus.Unfulfilled, order.FulfillmentStatus);
        Assert.Null(order.Cancellation);
        Assert.Contains("fbm", order.Tags);

        var line = Assert.Single(order.LineItems);
        Assert.Equal("05015851154158", line.LineId);
        Assert.Equal("NABetaASINB00551Q3CS", line.Sku);
        Assert.Equal("B00551Q3CS", line.ChannelItemId);
        Assert.Equal("B00551Q3CS [Card Book]", line.Title);
        Assert.Equal(1, line.Quantity);
        Assert.Equal(new Money(10.00m, "USD"), line.UnitPrice);
        Assert.Equal(new Money(1.01m, "USD"), Assert.Single(line.Taxes).Amount);
        Assert.Empty(line.Discounts); // PromotionDiscount 0.00 is no discount.
        Assert.Empty(order.ShippingLines); // The sample has no ShippingPrice.

        Assert.Equal(new Money(11.01m, "USD"), order.Totals.Total);
        Assert.Equal(new Money(10.00m, "USD"), order.Totals.Subtotal);
        Assert.Equal(new Money(1.01m, "USD"), order.Totals.Tax);

        Assert.Equal("Unshipped", order.ChannelMetadata["OrderStatus"]!.GetValue<string>());
        Assert.Equal("Std US D2D Dom", order.ChannelMetadata["ShipServiceLevel"]!.GetValue<string>());
        Assert.Equal("Found cheaper somewhere else.", order.ChannelMetadata["items"]!["05015851154158"]!["BuyerRequestedCancel"]!["BuyerCancelReason"]!.GetValue<string>());
        Assert.Empty(OrderValidator.Validate(order));
    }

    [Theory]
    [InlineData(1, "10.00", "10.00")]
    [InlineData(4, "10.00", "2.50")]
    [InlineData(2, "25.98", "12.99")]
    public void ItemPrice_is_the_price_of_the_whole_quantity(int quantity, string itemPrice, string expectedUnit)
    {
        var item = Fixtures.V0Item();
        item["QuantityOrdered"] = quantity;
        item["ItemPrice"] = new JsonObject { ["CurrencyCode"] = "USD", ["Amount"] = itemPrice };

        var order = Map(Fixtures.V0UnshippedOrder(), item);

        var line = Assert.Single(order.LineItems);
        Assert.Equal(decimal.Parse(expectedUnit, System.Globalization.CultureInfo.InvariantCulture), line.UnitPrice!.Value.Amount);
        Assert.Equal(decimal.Parse(itemPrice, System.Globalization.CultureInfo.InvariantCulture), order.Totals.Subtotal!.Value.Amount);
    }

    [Fact]
    public void A_line_total_that_does_not_divide_evenly_keeps_the_exact_total()
    {
        var item = Fixtures.V0Item();
        item["QuantityOrdered"] = 3;
        item["ItemPrice"] = new JsonObject { ["CurrencyCode"] = "USD", ["Amount"] = "10.00" };

        var order = Map(Fixtures.V0UnshippedOrder(), item);

        Assert.Equal(10.00m / 3, order.LineItems[0].UnitPrice!.Value.Amount); // Not rounded to 3.33.
        Assert.Equal(10.00m, order.Totals.Subtotal!.Value.Amount);
        Assert.Equal("10.00", order.ChannelMetadata["items"]!["05015851154158"]!["ItemPrice"]!["Amount"]!.GetValue<string>());
    }

    [Fact]
    public void Pending_order_has_no_prices_and_none_are_invented()
    {
        var pending = Fixtures.V0PendingOrder();
        Assert.Null(pending["OrderTotal"]); // As published: Amazon sends no OrderTotal for Pending orders.

        var order = Map(pending, Fixtures.V0PendingItem());

        Assert.Equal("amazon:A1SELLERAAAAAA:902-3159896-1390916", order.OrderId);
        Assert.Equal(FinancialStatus.Pending, order.FinancialStatus);
        Assert.Equal("USD", order.Currency); // From marketplace ATVPDKIKX0DER; no amount comes from it.
        var line = Assert.Single(order.LineItems);
        Assert.Null(line.UnitPrice);
        Assert.Empty(line.Taxes);
        Assert.Empty(line.Discounts);
        Assert.Empty(order.ShippingLines);
        Assert.Equal(new OrderTotals(), order.Totals);
        Assert.Empty(OrderValidator.Validate(order));
    }

    [Theory]
    [InlineData("Pending", FinancialStatus.Pending, FulfillmentStatus.Unfulfilled)]
    [InlineData("PendingAvailability", FinancialStatus.Pending, FulfillmentStatus.Unfulfilled)]
    [InlineData("Unshipped", FinancialStatus.Authorized, FulfillmentStatus.Unfulfilled)]
    [InlineData("PartiallyShipped", FinancialStatus.Authorized, FulfillmentStatus.Partial)]
    [InlineData("Shipped", FinancialStatus.Paid, FulfillmentStatus.Fulfilled)]
    [InlineData("InvoiceUnconfirmed", FinancialStatus.Paid, FulfillmentStatus.Fulfilled)]
    [InlineData("Canceled", FinancialStatus.Voided, FulfillmentStatus.Unfulfilled)]
    [InlineData("Unfulfillable", FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled)]
    public void Maps_order_statuses(string status, FinancialStatus financial, FulfillmentStatus fulfillment)
    {
        var source = Fixtures.V0UnshippedOrder();
        source["OrderStatus"] = status;

        var order = Map(source, Fixtures.V0Item());

        Assert.Equal(financial, order.FinancialStatus);
        Assert.Equal(fulfillment, order.FulfillmentStatus);
        Assert.Equal(status, order.ChannelMetadata["OrderStatus"]!.GetValue<string>());
        Assert.Equal(status == "Canceled", order.Cancellation is not null);
    }

    [Fact]
    public void Maps_buyer_address_and_shipping_without_copying_personal_data_to_metadata()
    {
        var source = Fixtures.V0UnshippedOrder();
        source["BuyerInfo"] = new JsonObject { ["BuyerEmail"] = "buyer@marketplace.amazon.com", ["BuyerName"] = "Jane Doe" };
        source["ShippingAddress"] = new JsonObject
        {
            ["Name"] = "Jane Doe", ["AddressLine1"] = "1 Main St", ["AddressLine2"] = "Apt 2", ["City"] = "Seattle",
            ["StateOrRegion"] = "WA", ["PostalCode"] = "98101", ["CountryCode"] = "US",
        };
        var item = Fixtures.V0Item();
        item["ShippingPrice"] = new JsonObject { ["CurrencyCode"] = "USD", ["Amount"] = "4.99" };
        item["ShippingTax"] = new JsonObject { ["CurrencyCode"] = "USD", ["Amount"] = "0.50" };

        var order = Map(source, item);

        Assert.Equal("Jane Doe", order.Customer!.Name);
        Assert.Equal("buyer@marketplace.amazon.com", order.Customer.Email);
        Assert.Equal("1 Main St", order.ShippingAddress!.Line1);
        Assert.Equal("WA", order.ShippingAddress.Region);
        Assert.Equal("US", order.ShippingAddress.CountryCode);
        var shipping = Assert.Single(order.ShippingLines);
        Assert.Equal(new Money(4.99m, "USD"), shipping.Price);
        Assert.Equal(new Money(0.50m, "USD"), Assert.Single(shipping.Taxes).Amount);
        Assert.Equal(new Money(1.51m, "USD"), order.Totals.Tax);
        var metadata = order.ChannelMetadata.ToJsonString();
        Assert.DoesNotContain("Jane Doe", metadata, StringComparison.Ordinal);
        Assert.DoesNotContain("buyer@", metadata, StringComparison.Ordinal);
        Assert.Empty(OrderValidator.Validate(order));
    }

    [Fact]
    public void Rejects_payloads_that_cannot_be_orders()
    {
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload("not json"u8.ToArray())));
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload("""{"items":[]}"""u8.ToArray())));
        var noId = Fixtures.V0UnshippedOrder();
        noId.Remove("AmazonOrderId");
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(AmazonOrderDocument.SerializeV0(noId, []))));
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(AmazonOrderDocument.SerializeV0(Fixtures.V0UnshippedOrder(), []), account: null)));
    }

    private CanonicalOrder Map(JsonObject order, params JsonObject[] items) =>
        Assert.Single(_mapper.Map(Payload(AmazonOrderDocument.SerializeV0(order, items))));

    private static RawPayload Payload(byte[] body, string? account = Seller) => new()
    {
        Id = "amazon:test",
        Channel = "amazon",
        Account = account,
        Kind = "getOrders",
        ReceivedAt = DateTimeOffset.UtcNow,
        Body = body,
    };
}

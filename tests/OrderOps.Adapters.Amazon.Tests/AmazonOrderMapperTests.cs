using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Amazon.Mapping;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ingest;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Xunit;

namespace OrderOps.Adapters.Amazon.Tests;

/// <summary>Orders API v2026-01-01 orders, as the model's own examples publish them, to canonical orders.</summary>
public sealed class AmazonOrderMapperTests
{
    private const string Seller = "A1SELLERAAAAAA";
    private readonly AmazonOrderMapper _mapper = new();

    public static TheoryData<string> PublishedOrders()
    {
        var data = new TheoryData<string> { Fixtures.ExampleOrder().ToJsonString(), Fixtures.Json(Fixtures.GetOrderExample)["order"]!.ToJsonString() };
        foreach (var sandbox in Fixtures.SearchOrdersSandbox().Concat(Fixtures.GetOrderSandbox()))
        {
            var response = sandbox!["response"]!;
            foreach (var order in response["orders"]?.AsArray().ToList() ?? [response["order"]])
            {
                if (order is not null)
                {
                    data.Add(order.ToJsonString());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PublishedOrders))]
    public void Every_published_example_maps_to_a_valid_canonical_order(string json)
    {
        var source = (JsonObject)JsonNode.Parse(json)!;
        var order = Map(source);

        Assert.Empty(OrderValidator.Validate(order));
        Assert.Equal(source["orderId"]!.GetValue<string>(), order.ChannelOrderId);
        Assert.Equal(source["orderItems"]!.AsArray().Count, order.LineItems.Count);
        Assert.Equal(source["proceeds"]!["grandTotal"]!["amount"]!.GetValue<string>(), order.Totals.Total!.Value.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var metadata = order.ChannelMetadata.ToJsonString();
        Assert.DoesNotContain("\"buyer\"", metadata, StringComparison.Ordinal);
        Assert.DoesNotContain("\"recipient\"", metadata, StringComparison.Ordinal);
        if (source["recipient"]?["deliveryAddress"]?["postalCode"] is { } postalCode)
        {
            Assert.DoesNotContain(postalCode.GetValue<string>(), metadata, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Maps_the_searchOrders_example_field_by_field()
    {
        var order = Map(Fixtures.ExampleOrder());

        Assert.Equal("amazon:A1SELLERAAAAAA:123-4567890-1234567", order.OrderId);
        Assert.Equal(DateTimeOffset.Parse("2024-12-25T10:30:00Z"), order.PlacedAt);
        Assert.Equal(DateTimeOffset.Parse("2024-12-25T14:45:00Z"), order.UpdatedAt);
        Assert.Equal("USD", order.Currency);
        Assert.Equal(new Customer { Name = "John Smith", Email = "buyer-email@marketplace.amazon.com" }, order.Customer);
        Assert.Equal("Smith Industries LLC", order.ShippingAddress!.Company);
        Assert.Equal("Suite 456", order.ShippingAddress.Line2); // The empty addressLine3 adds nothing.
        Assert.Equal(("Seattle", "WA", "98101", "US"), (order.ShippingAddress.City, order.ShippingAddress.Region, order.ShippingAddress.PostalCode, order.ShippingAddress.CountryCode));

        var echo = order.LineItems[0];
        Assert.Equal(("12345678901234", "ECHO-DOT-4-CHARCOAL", "B08N5WRWNW", 2), (echo.LineId, echo.Sku, echo.ChannelItemId, echo.Quantity));
        Assert.Equal(new Money(49.99m, "USD"), echo.UnitPrice);
        Assert.Equal(new Money(0.02m, "USD"), Assert.Single(echo.Taxes).Amount);
        Assert.Equal(new Money(49.99m, "USD"), order.LineItems[1].UnitPrice);

        Assert.Equal(new Money(149.97m, "USD"), order.Totals.Subtotal);
        Assert.Equal(new Money(0.02m, "USD"), order.Totals.Tax);
        Assert.Equal(new Money(154.99m, "USD"), order.Totals.Total); // Includes the separately settled DELIVERY_TIP.
        Assert.Equal((FinancialStatus.Paid, FulfillmentStatus.Fulfilled), (order.FinancialStatus, order.FulfillmentStatus));
        Assert.Equal(DateTimeOffset.Parse("2024-12-27T23:59:59Z"), order.ShipBy);
        Assert.Equal(["fbm", "prime", "business"], order.Tags);
        Assert.Equal("ATVPDKIKX0DER", order.ChannelMetadata["salesChannel"]!["marketplaceId"]!.GetValue<string>());
        Assert.Equal("SELLER-ORDER-2024-001", order.ChannelMetadata["orderAliases"]![0]!["aliasId"]!.GetValue<string>());
        Assert.Equal("SUBSCRIBE_AND_SAVE", order.ChannelMetadata["items"]!["12345678901234"]!["programs"]![1]!.GetValue<string>());
        Assert.Null(order.Cancellation);
    }

    [Fact]
    public void Splits_tax_between_item_and_shipping_as_the_getOrder_example_details_it()
    {
        var order = Map((JsonObject)Fixtures.Json(Fixtures.GetOrderExample)["order"]!.DeepClone());

        var line = Assert.Single(order.LineItems);
        Assert.Equal(new Money(29.99m, "GBP"), line.UnitPrice);
        Assert.Equal(new Money(3.00m, "GBP"), Assert.Single(line.Taxes).Amount);
        Assert.Equal("UK-BOXING-DAY-2024", Assert.Single(order.ChannelMetadata["items"]!["20212345678901"]!["promotion"]!["breakdowns"]!.AsArray())!["promotionId"]!.GetValue<string>());
        var shipping = Assert.Single(order.ShippingLines);
        Assert.Equal(new Money(10.00m, "GBP"), shipping.Price);
        Assert.Equal(new Money(1.00m, "GBP"), Assert.Single(shipping.Taxes).Amount);
        Assert.Equal((new Money(89.97m, "GBP"), new Money(10.00m, "GBP"), new Money(4.00m, "GBP")), (order.Totals.Subtotal!.Value, order.Totals.Shipping!.Value, order.Totals.Tax!.Value));
    }

    [Theory]
    [InlineData("PENDING_AVAILABILITY", FinancialStatus.Pending, FulfillmentStatus.Unfulfilled)]
    [InlineData("PENDING", FinancialStatus.Pending, FulfillmentStatus.Unfulfilled)]
    [InlineData("UNSHIPPED", FinancialStatus.Authorized, FulfillmentStatus.Unfulfilled)]
    [InlineData("PARTIALLY_SHIPPED", FinancialStatus.Authorized, FulfillmentStatus.Partial)]
    [InlineData("SHIPPED", FinancialStatus.Paid, FulfillmentStatus.Fulfilled)]
    [InlineData("CANCELLED", FinancialStatus.Voided, FulfillmentStatus.Unfulfilled)]
    [InlineData("UNFULFILLABLE", FinancialStatus.Unknown, FulfillmentStatus.Unfulfilled)]
    public void Every_fulfillment_status_of_the_model_has_a_canonical_meaning(string status, FinancialStatus financial, FulfillmentStatus fulfillment)
    {
        var source = Fixtures.UnshippedOrder();
        source["fulfillment"]!["fulfillmentStatus"] = status;

        var order = Map(source);

        Assert.Equal((financial, fulfillment), (order.FinancialStatus, order.FulfillmentStatus));
        Assert.Equal(status, order.ChannelMetadata["fulfillment"]!["fulfillmentStatus"]!.GetValue<string>());
        Assert.Equal(status == "PENDING_AVAILABILITY", order.Tags.Contains("preorder"));
        Assert.Equal(status == "CANCELLED", order.Cancellation is not null);
    }

    [Fact]
    public void A_pending_order_without_proceeds_is_unpriced_and_takes_its_marketplace_currency()
    {
        var order = Map(Fixtures.PendingOrder());

        Assert.Equal("USD", order.Currency);
        Assert.Null(order.LineItems[0].UnitPrice);
        Assert.Empty(order.LineItems[0].Taxes);
        Assert.Equal(new OrderTotals(), order.Totals);
        Assert.Empty(order.ShippingLines);
        Assert.Empty(OrderValidator.Validate(order));
    }

    [Fact]
    public void A_cancelled_order_carries_who_cancelled_it_and_why()
    {
        var source = Fixtures.ExampleOrder();
        source["fulfillment"]!["fulfillmentStatus"] = "CANCELLED";

        var order = Map(source);

        Assert.Equal(new Cancellation { CancelledAt = DateTimeOffset.Parse("2024-12-25T14:45:00Z"), Reason = "Buyer requested cancellation (cancelled by MERCHANT)" }, order.Cancellation);
        Assert.DoesNotContain("cancellation-requested", order.Tags);
    }

    [Fact]
    public void A_buyers_cancellation_request_not_yet_acted_on_is_tagged_for_the_operator()
    {
        var source = Fixtures.UnshippedOrder();
        source["orderItems"]![0]!["cancellation"] = new JsonObject { ["cancellationRequest"] = new JsonObject { ["requester"] = "BUYER", ["cancelReason"] = "Changed mind about purchase" } };

        var order = Map(source);

        Assert.Contains("cancellation-requested", order.Tags);
        Assert.Null(order.Cancellation);
    }

    [Fact]
    public void Rejects_payloads_that_cannot_be_orders()
    {
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload("not json"u8.ToArray())));
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload("[]"u8.ToArray())));
        var noId = Fixtures.UnshippedOrder();
        noId.Remove("orderId");
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(AmazonOrderDocument.Serialize(noId))));
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(AmazonOrderDocument.Serialize(Fixtures.UnshippedOrder()), account: null)));
        Assert.Throws<ChannelPayloadException>(() => _mapper.Map(Payload(AmazonOrderDocument.Serialize(Fixtures.UnshippedOrder())) with { Kind = "getOrderAddress" }));
    }

    private CanonicalOrder Map(JsonObject order) => Assert.Single(_mapper.Map(Payload(AmazonOrderDocument.Serialize(order))));

    private static RawPayload Payload(byte[] body, string? account = Seller) => new()
    {
        Id = "amazon:test",
        Channel = "amazon",
        Account = account,
        Kind = "searchOrders",
        ReceivedAt = DateTimeOffset.UtcNow,
        Body = body,
    };
}

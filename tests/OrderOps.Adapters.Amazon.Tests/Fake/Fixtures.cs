using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Tests.Fake;

/// <summary>
/// Amazon's published responses (see Fixtures/SOURCES.md): the Orders API v2026-01-01 model's examples, which the fake
/// serves, and the v0 sandbox bodies, which the v0 mapper of payloads archived before the move still reads.
/// </summary>
public static class Fixtures
{
    public const string GetOrders = "amazon_spapi_getOrders_200_TEST_CASE_200.json";
    public const string GetOrdersPage1 = "amazon_spapi_getOrders_200_with_NextToken_page1.json";
    public const string GetOrdersPage2 = "amazon_spapi_getOrders_200_NextToken_page2.json";
    public const string GetOrderItems = "amazon_spapi_getOrderItems_200_TEST_CASE_200.json";
    public const string GetOrders400 = "amazon_spapi_getOrders_400_sandbox.json";
    public const string ConfirmShipment204 = "amazon_spapi_confirmShipment_204_sandbox.json";
    public const string ConfirmShipment400 = "amazon_spapi_confirmShipment_400_sandbox.json";
    public const string SearchOrdersExample = "amazon_spapi_orders_2026-01-01_searchOrders_200_example.json";
    public const string SearchOrdersSandboxFile = "amazon_spapi_orders_2026-01-01_searchOrders_sandbox.json";
    public const string GetOrderExample = "amazon_spapi_orders_2026-01-01_getOrder_200_example.json";
    public const string GetOrderSandboxFile = "amazon_spapi_orders_2026-01-01_getOrder_sandbox.json";

    /// <summary>The nextToken of the v2026-01-01 model's first searchOrders sandbox case (and of v0's NextToken page 1).</summary>
    public const string PublishedNextToken = "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4";

    public static string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Directory, name));

    public static JsonObject Json(string name) => (JsonObject)JsonNode.Parse(Text(name))!;

    /// <summary>The response body of the v2026-01-01 model's searchOrders 400 sandbox case.</summary>
    public static string SearchOrdersBadRequestBody() => SearchOrdersSandbox().Last()!["response"]!.ToJsonString();

    /// <summary>The response body of Amazon's published getOrders 400 example.</summary>
    public static string BadRequestBody() => JsonNode.Parse(Text(GetOrders400))![0]!["response"]!.ToJsonString();

    /// <summary>The request (orderId and body) of Amazon's published confirmShipment sandbox case answered 204.</summary>
    public static (string OrderId, JsonObject Body) ConfirmShipmentRequest()
    {
        var parameters = JsonNode.Parse(Text(ConfirmShipment204))![0]!["request"]!["parameters"]!;
        return (parameters["orderId"]!["value"]!.GetValue<string>(), (JsonObject)parameters["body"]!["value"]!.DeepClone());
    }

    /// <summary>The response body of Amazon's published confirmShipment 400 sandbox case.</summary>
    public static string ConfirmShipmentBadRequestBody() => JsonNode.Parse(Text(ConfirmShipment400))![0]!["response"]!.ToJsonString();

    /// <summary>The first order of the published getOrders TEST_CASE_200 response (v0, Unshipped, priced).</summary>
    public static JsonObject V0UnshippedOrder() => (JsonObject)Json(GetOrders)["payload"]!["Orders"]![0]!.DeepClone();

    /// <summary>The Pending order of the published v0 NextToken page 1 (no OrderTotal, as Amazon returns Pending orders).</summary>
    public static JsonObject V0PendingOrder() => (JsonObject)Json(GetOrdersPage1)["payload"]!["Orders"]![0]!.DeepClone();

    /// <summary>The published v0 getOrderItems item (priced).</summary>
    public static JsonObject V0Item() => (JsonObject)Json(GetOrderItems)["payload"]!["OrderItems"]![0]!.DeepClone();

    /// <summary>
    /// The published v0 item as Amazon returns it while the order is Pending: "getOrderItems does not return information
    /// about pricing, taxes, shipping charges, gift status or promotions" (Orders API v0 reference).
    /// </summary>
    public static JsonObject V0PendingItem()
    {
        var item = V0Item();
        foreach (var priced in new[] { "ItemPrice", "ItemTax", "PromotionDiscount", "ShippingPrice", "ShippingTax", "ShippingDiscount", "IsGift", "PromotionIds" })
        {
            item.Remove(priced);
        }

        return item;
    }

    /// <summary>The searchOrders sandbox cases of the v2026-01-01 model ({request, response}), 200s then the 400.</summary>
    public static JsonArray SearchOrdersSandbox() => (JsonArray)JsonNode.Parse(Text(SearchOrdersSandboxFile))!;

    /// <summary>The getOrder sandbox cases of the v2026-01-01 model ({request, response}), 200s then the 400.</summary>
    public static JsonArray GetOrderSandbox() => (JsonArray)JsonNode.Parse(Text(GetOrderSandboxFile))!;

    /// <summary>The order of the model's searchOrders 200 example (US, merchant-fulfilled, SHIPPED, two items, every dataset).</summary>
    public static JsonObject ExampleOrder() => (JsonObject)Json(SearchOrdersExample)["orders"]![0]!.DeepClone();

    /// <summary>getOrder sandbox case 3: 114-9876543-1234567, US, merchant-fulfilled, UNSHIPPED, one item, priced.</summary>
    public static JsonObject UnshippedOrder() => (JsonObject)GetOrderSandbox()[2]!["response"]!["order"]!.DeepClone();

    /// <summary>
    /// The published Unshipped order as Amazon describes a Pending one: PENDING, no proceeds ("payment has not been
    /// authorized"). Derived: the model publishes no PENDING example.
    /// </summary>
    public static JsonObject PendingOrder()
    {
        var order = UnshippedOrder();
        order["fulfillment"]!["fulfillmentStatus"] = "PENDING";
        order.Remove("proceeds");
        foreach (var item in order["orderItems"]!.AsArray().OfType<JsonObject>())
        {
            item.Remove("proceeds");
            item["product"]!.AsObject().Remove("price");
        }

        return order;
    }

    /// <summary>A copy of <paramref name="template"/> with its own id, times and item ids, for stores of many orders.</summary>
    public static JsonObject OrderFrom(JsonObject template, string orderId, DateTimeOffset lastUpdate, string? itemId = null, int? quantity = null)
    {
        var order = (JsonObject)template.DeepClone();
        order["orderId"] = orderId;
        order["createdTime"] = Format(lastUpdate.AddMinutes(-1));
        order["lastUpdatedTime"] = Format(lastUpdate);
        foreach (var item in order["orderItems"]!.AsArray().OfType<JsonObject>())
        {
            item["orderItemId"] = itemId ?? item["orderItemId"]!.GetValue<string>();
            if (quantity is { } q)
            {
                item["quantityOrdered"] = q;
                item["fulfillment"] = new JsonObject { ["quantityFulfilled"] = 0, ["quantityUnfulfilled"] = q };
            }
        }

        return order;
    }

    public static JsonObject ItemFrom(JsonObject template, string orderItemId)
    {
        var item = (JsonObject)template.DeepClone();
        item["OrderItemId"] = orderItemId;
        return item;
    }

    public static string Format(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}

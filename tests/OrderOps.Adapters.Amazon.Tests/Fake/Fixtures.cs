using System.Text.Json.Nodes;

namespace OrderOps.Adapters.Amazon.Tests.Fake;

/// <summary>Amazon's published sandbox responses (see Fixtures/SOURCES.md), and orders built from them.</summary>
public static class Fixtures
{
    public const string GetOrders = "amazon_spapi_getOrders_200_TEST_CASE_200.json";
    public const string GetOrdersPage1 = "amazon_spapi_getOrders_200_with_NextToken_page1.json";
    public const string GetOrdersPage2 = "amazon_spapi_getOrders_200_NextToken_page2.json";
    public const string GetOrderItems = "amazon_spapi_getOrderItems_200_TEST_CASE_200.json";
    public const string GetOrders400 = "amazon_spapi_getOrders_400_sandbox.json";
    public const string ConfirmShipment204 = "amazon_spapi_confirmShipment_204_sandbox.json";
    public const string ConfirmShipment400 = "amazon_spapi_confirmShipment_400_sandbox.json";

    /// <summary>The NextToken of Amazon's published page 1.</summary>
    public const string PublishedNextToken = "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4";

    public static string Directory { get; set; } = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string Text(string name) => File.ReadAllText(Path.Combine(Directory, name));

    public static JsonObject Json(string name) => (JsonObject)JsonNode.Parse(Text(name))!;

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

    /// <summary>The first order of the published getOrders TEST_CASE_200 response (Unshipped, priced).</summary>
    public static JsonObject UnshippedOrder() => (JsonObject)Json(GetOrders)["payload"]!["Orders"]![0]!.DeepClone();

    /// <summary>The Pending order of the published NextToken page 1 (no OrderTotal, as Amazon returns Pending orders).</summary>
    public static JsonObject PendingOrder() => (JsonObject)Json(GetOrdersPage1)["payload"]!["Orders"]![0]!.DeepClone();

    /// <summary>The published getOrderItems item (priced).</summary>
    public static JsonObject Item() => (JsonObject)Json(GetOrderItems)["payload"]!["OrderItems"]![0]!.DeepClone();

    /// <summary>
    /// The published item as Amazon returns it while the order is Pending: "getOrderItems does not return information
    /// about pricing, taxes, shipping charges, gift status or promotions" (Orders API v0 reference).
    /// </summary>
    public static JsonObject PendingItem()
    {
        var item = Item();
        foreach (var priced in new[] { "ItemPrice", "ItemTax", "PromotionDiscount", "ShippingPrice", "ShippingTax", "ShippingDiscount", "IsGift", "PromotionIds" })
        {
            item.Remove(priced);
        }

        return item;
    }

    /// <summary>A copy of the published Unshipped order with its own id and times, for stores of many orders.</summary>
    public static JsonObject OrderFrom(JsonObject template, string amazonOrderId, DateTimeOffset lastUpdate)
    {
        var order = (JsonObject)template.DeepClone();
        order["AmazonOrderId"] = amazonOrderId;
        order["PurchaseDate"] = Format(lastUpdate.AddMinutes(-1));
        order["LastUpdateDate"] = Format(lastUpdate);
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

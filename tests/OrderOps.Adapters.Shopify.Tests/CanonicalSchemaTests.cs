using System.Text.Json;
using NJsonSchema;
using OrderOps.Adapters.Shopify.Orders;
using OrderOps.Core.Serialization;

namespace OrderOps.Adapters.Shopify.Tests;

/// <summary>The checked-in JSON Schema is what other systems validate against: our own output must satisfy it.</summary>
public class CanonicalSchemaTests
{
    private static readonly Lazy<JsonSchema> Schema = new(() =>
        JsonSchema.FromJsonAsync(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "canonical-order.v1.schema.json"))).GetAwaiter().GetResult());

    [Theory]
    [InlineData("shopify_rest_order_GET_450789469_response.json")]
    [InlineData("shopify_rest_order_cancel_response.json")]
    public void Canonical_json_of_published_orders_satisfies_the_schema(string file)
    {
        var order = new ShopifyOrderMapper().Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody(file)))[0];

        var errors = Schema.Value.Validate(OrderOpsJson.Serialize(order));

        Assert.Empty(errors.Select(e => $"{e.Path}: {e.Kind}"));
    }

    [Fact]
    public void The_schema_rejects_what_it_must()
    {
        var order = new ShopifyOrderMapper().Map(ShopifyFixtures.Payload(ShopifyFixtures.OrderBody("shopify_rest_order_GET_450789469_response.json")))[0];
        var json = JsonSerializer.SerializeToNode(order, OrderOpsJson.Options)!.AsObject();
        json["currency"] = "usd";
        json["lineItems"]![0]!["quantity"] = -1;
        json["surprise"] = true;

        var errors = Schema.Value.Validate(json.ToJsonString()).Select(e => $"{e.Path} {e.Kind}").ToList();

        Assert.Equal(["#/currency PatternMismatch", "#/lineItems[0] ArrayItemNotValid", "#/surprise NoAdditionalPropertiesAllowed"], errors.Order());
    }
}

using System.Text.Json.Nodes;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Shopify.Tests;

internal static class ShopifyFixtures
{
    /// <summary>A webhook body as Shopify sends it: the inner <c>order</c> object of a published REST response.</summary>
    public static byte[] OrderBody(string file) =>
        System.Text.Encoding.UTF8.GetBytes(((JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "shopify", file)))!)["order"]!.ToJsonString());

    public static RawPayload Payload(byte[] body, string shop = "Example.myshopify.com") => new()
    {
        Id = "shopify:example.myshopify.com:test",
        Channel = "shopify",
        Account = shop,
        Kind = "orders/create",
        ReceivedAt = DateTimeOffset.UnixEpoch,
        Body = body,
    };
}

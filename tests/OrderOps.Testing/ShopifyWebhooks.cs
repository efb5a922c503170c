using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using OrderOps.Adapters.Shopify.Webhooks;

namespace OrderOps.Testing;

/// <summary>Builds Shopify webhook deliveries signed the way Shopify signs them, from Shopify's published order.</summary>
public static class ShopifyWebhooks
{
    public const string Shop = "example.myshopify.com";

    private static readonly Lazy<JsonObject> PublishedOrder = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("shopify", "shopify_rest_order_GET_450789469_response.json")))!["order"]!);

    private static readonly Lazy<JsonObject> PublishedCancelledOrder = new(() =>
        (JsonObject)JsonNode.Parse(File.ReadAllText(RepositoryPaths.Fixture("shopify", "shopify_rest_order_cancel_response.json")))!["order"]!);

    /// <summary>Shopify's published order 450789469, as an orders/create body.</summary>
    public static byte[] PublishedOrderBody() => Encoding.UTF8.GetBytes(PublishedOrder.Value.ToJsonString());

    /// <summary>The same order after Shopify cancelled it (later updated_at), as an orders/cancelled body.</summary>
    public static byte[] PublishedCancelledOrderBody() => Encoding.UTF8.GetBytes(PublishedCancelledOrder.Value.ToJsonString());

    /// <summary>
    /// The published order with another id (and optionally another updated_at, or placed at another time, as a shop's
    /// live orders are): many distinct, realistic orders.
    /// </summary>
    public static byte[] OrderBody(long orderId, DateTimeOffset? updatedAt = null, DateTimeOffset? placedAt = null)
    {
        var order = (JsonObject)PublishedOrder.Value.DeepClone();
        order["id"] = orderId;
        order["name"] = "#" + orderId.ToString(CultureInfo.InvariantCulture);
        if (placedAt is { } placed)
        {
            var text = placed.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
            order["created_at"] = text;
            order["processed_at"] = text;
            order["updated_at"] = text;
        }

        if (updatedAt is { } at)
        {
            order["updated_at"] = at.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        }

        return Encoding.UTF8.GetBytes(order.ToJsonString());
    }

    public static HttpRequestMessage Delivery(byte[] body, string secret, string topic = ShopifyTopics.OrdersCreate, string? webhookId = null, string shop = Shop, string? eventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/shopify") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add(ShopifyWebhookHeaders.Hmac, ShopifyWebhookSignature.Sign(body, secret));
        request.Headers.Add(ShopifyWebhookHeaders.Topic, topic);
        request.Headers.Add(ShopifyWebhookHeaders.ShopDomain, shop);
        request.Headers.Add(ShopifyWebhookHeaders.ApiVersion, "2026-07");
        request.Headers.Add(ShopifyWebhookHeaders.WebhookId, webhookId ?? Guid.NewGuid().ToString());
        if (eventId is not null)
        {
            request.Headers.Add(ShopifyWebhookHeaders.EventId, eventId);
        }

        request.Headers.Add(ShopifyWebhookHeaders.TriggeredAt, DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
        return request;
    }
}

namespace OrderOps.Adapters.Shopify.Webhooks;

/// <summary>Headers Shopify sends with every webhook delivery (names are case-insensitive).</summary>
public static class ShopifyWebhookHeaders
{
    public const string Hmac = "X-Shopify-Hmac-Sha256";
    public const string Topic = "X-Shopify-Topic";
    public const string ShopDomain = "X-Shopify-Shop-Domain";
    public const string ApiVersion = "X-Shopify-API-Version";
    public const string WebhookId = "X-Shopify-Webhook-Id";
    public const string EventId = "X-Shopify-Event-Id";
    public const string TriggeredAt = "X-Shopify-Triggered-At";

    /// <summary>The headers worth archiving with the body (the signature is kept so a replay can be re-verified).</summary>
    public static IReadOnlyList<string> Archived { get; } = [Hmac, Topic, ShopDomain, ApiVersion, WebhookId, EventId, TriggeredAt];
}

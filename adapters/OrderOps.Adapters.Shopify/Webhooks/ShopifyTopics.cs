namespace OrderOps.Adapters.Shopify.Webhooks;

/// <summary>
/// Webhook topics. The order topics become canonical orders; any other well-formed topic (<c>resource/event</c>) is
/// acknowledged and archived, so subscribing to more topics never makes Shopify retry or disable the webhook.
/// </summary>
public static class ShopifyTopics
{
    public const string OrdersCreate = "orders/create";
    public const string OrdersUpdated = "orders/updated";
    public const string OrdersCancelled = "orders/cancelled";
    public const string OrdersPaid = "orders/paid";
    public const string OrdersFulfilled = "orders/fulfilled";
    public const string OrdersPartiallyFulfilled = "orders/partially_fulfilled";
    public const string OrdersEdited = "orders/edited";

    /// <summary>Topics whose body is the full REST Order resource.</summary>
    public static bool CarriesOrder(string topic) => topic is OrdersCreate or OrdersUpdated or OrdersCancelled or OrdersPaid or OrdersFulfilled or OrdersPartiallyFulfilled;

    /// <summary>Shopify topics are <c>resource/event</c> in lower case with underscores (e.g. <c>orders/partially_fulfilled</c>).</summary>
    public static bool IsWellFormed(string? topic)
    {
        if (string.IsNullOrEmpty(topic) || topic.Length > 100)
        {
            return false;
        }

        var slash = topic.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && slash < topic.Length - 1 && topic.IndexOf('/', slash + 1) < 0
            && topic.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '_' or '/');
    }

    /// <summary>A shop domain as Shopify sends it: <c>{shop}.myshopify.com</c>, compared in lower case.</summary>
    public static bool IsShopDomain(string? domain) =>
        !string.IsNullOrEmpty(domain) && domain.Length <= 255
        && domain.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.')
        && domain.Contains('.', StringComparison.Ordinal);

    /// <summary>
    /// What Shopify sends in <c>X-Shopify-Shop-Domain</c>: the shop's permanent <c>{name}.myshopify.com</c> domain (never a
    /// custom domain), so anything else in that header is not from Shopify.
    /// </summary>
    public static bool IsMyShopifyDomain(string? domain) =>
        IsShopDomain(domain) && domain!.EndsWith(".myshopify.com", StringComparison.Ordinal) && domain.Length > ".myshopify.com".Length;
}

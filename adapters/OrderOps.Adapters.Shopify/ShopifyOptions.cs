namespace OrderOps.Adapters.Shopify;

/// <summary>Shopify settings, bound from <c>Channels:Shopify</c>.</summary>
public sealed class ShopifyOptions
{
    /// <summary>The app's client secret: the key Shopify signs webhooks with. Required to accept any webhook.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// The secret before a rotation. Shopify can take up to an hour to sign with a new secret, so both are accepted
    /// until this is removed.
    /// </summary>
    public string? PreviousWebhookSecret { get; set; }

    /// <summary>Admin API access token (<c>X-Shopify-Access-Token</c>) used to tell Shopify about fulfillments and cancellations.</summary>
    public string? AdminAccessToken { get; set; }

    /// <summary>GraphQL Admin API version; <c>orderCancel</c> with <c>refund: Boolean!</c> is used as documented for 2025-01.</summary>
    public string AdminApiVersion { get; set; } = "2025-01";

    /// <summary>Base address of the Admin API; default <c>https://{shop domain}</c>. Tests and load drivers point it at a fake.</summary>
    public string? AdminApiBaseUrl { get; set; }

    /// <summary>Whether Shopify emails the customer when a fulfillment with tracking is created.</summary>
    public bool NotifyCustomerOnFulfillment { get; set; } = true;

    public IEnumerable<string> Secrets()
    {
        if (!string.IsNullOrEmpty(WebhookSecret))
        {
            yield return WebhookSecret;
        }

        if (!string.IsNullOrEmpty(PreviousWebhookSecret))
        {
            yield return PreviousWebhookSecret;
        }
    }
}

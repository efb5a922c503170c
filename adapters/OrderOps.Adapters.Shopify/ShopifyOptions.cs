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

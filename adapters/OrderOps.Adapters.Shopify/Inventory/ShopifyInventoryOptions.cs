namespace OrderOps.Adapters.Shopify.Inventory;

/// <summary>
/// Bound from <c>Channels:Shopify:Inventory</c>. The pooled available-to-sell of the <c>shopify</c> channel is set
/// as the <c>available</c> quantity of each SKU's inventory item at one Shopify location.
/// <code>
/// "Channels": { "Shopify": { "Inventory": {
///   "ShopDomain": "my-shop.myshopify.com", "ApiVersion": "2026-07", "AccessToken": "(secret)",
///   "LocationId": 655441491, "InventoryItemIds": { "HOODIE-L": 808950810 } } } }
/// </code>
/// </summary>
public sealed class ShopifyInventoryOptions
{
    public const string SectionName = "Channels:Shopify:Inventory";

    public string ShopDomain { get; set; } = string.Empty;

    /// <summary>Overrides https://{ShopDomain} (tests, proxies).</summary>
    public Uri? BaseAddress { get; set; }

    public string ApiVersion { get; set; } = "2026-07";

    /// <summary>Admin API access token (X-Shopify-Access-Token). A secret: from Key Vault or user secrets, never committed.</summary>
    public string AccessToken { get; set; } = string.Empty;

    /// <summary>The Shopify location whose available quantity mirrors the channel's available-to-sell.</summary>
    public long LocationId { get; set; }

    /// <summary>SKU → Shopify inventory item id. SKUs not listed here are not listed on Shopify (nothing is pushed).</summary>
    public Dictionary<string, long> InventoryItemIds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Requests the adapter allows itself in a burst. Shopify's REST bucket holds 40 per app and store; we keep
    /// headroom for the app's other calls to the same store (orders, fulfilments) and for a restarted process
    /// whose bucket on Shopify's side is not yet empty.
    /// </summary>
    public int BurstRequests { get; set; } = 20;

    /// <summary>Shopify's leak rate: 2 requests/s on standard plans (4 Advanced, 20 Plus).</summary>
    public double RequestsPerSecond { get; set; } = 2;

    /// <summary>Retries inside one push for 429 (after Retry-After), 5xx and timeouts; the fan-out retries beyond that with its own backoff.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public Uri ResolveBaseAddress() => BaseAddress ?? new Uri($"https://{ShopDomain}");

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BaseAddress is null && string.IsNullOrWhiteSpace(ShopDomain))
        {
            errors.Add($"{SectionName}:ShopDomain is required.");
        }

        if (string.IsNullOrWhiteSpace(AccessToken))
        {
            errors.Add($"{SectionName}:AccessToken is required.");
        }

        if (LocationId <= 0)
        {
            errors.Add($"{SectionName}:LocationId is required.");
        }

        if (RequestsPerSecond <= 0 || BurstRequests < 1)
        {
            errors.Add($"{SectionName}: RequestsPerSecond must be positive and BurstRequests at least 1.");
        }

        return errors;
    }
}

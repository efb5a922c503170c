namespace OrderOps.Adapters.Shopify;

/// <summary>
/// Shopify settings, bound from <c>Channels:Shopify</c>. One Shopify app (one webhook secret) installed in any number
/// of shops, each under <c>Shops:&lt;shop domain&gt;</c> with its own Admin API token and settings.
/// </summary>
public sealed class ShopifyOptions
{
    public const string SectionName = "Channels:Shopify";

    /// <summary>The oldest Admin API version this adapter speaks (<c>changeFromQuantity</c> and <c>@idempotent</c> are mandatory from it on).</summary>
    public const string OldestSupportedApiVersion = "2026-04";

    /// <summary>The Admin API version a shop uses unless it names another.</summary>
    public const string DefaultApiVersion = "2026-10";

    /// <summary>The app's client secret: the key Shopify signs webhooks with, for every shop. Required to accept any webhook.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>
    /// The secret before a rotation. Shopify can take up to an hour to sign with a new secret, so both are accepted
    /// until this is removed.
    /// </summary>
    public string? PreviousWebhookSecret { get; set; }

    /// <summary>The shops the app is installed in, keyed by their <c>*.myshopify.com</c> domain (compared ignoring case).</summary>
    public Dictionary<string, ShopifyShopOptions> Shops { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Single-shop form of before many shops: an Admin API token used for whichever shop an order came from when that
    /// shop has no <see cref="Shops"/> entry. Still accepted so a one-shop deployment keeps working; new deployments
    /// set <c>Shops:&lt;shop domain&gt;:AdminAccessToken</c>.
    /// </summary>
    public string? AdminAccessToken { get; set; }

    /// <summary>Single-shop form: the Admin API version of <see cref="AdminAccessToken"/>.</summary>
    public string AdminApiVersion { get; set; } = DefaultApiVersion;

    /// <summary>Single-shop form: overrides <c>https://{shop domain}</c> for <see cref="AdminAccessToken"/>.</summary>
    public string? AdminApiBaseUrl { get; set; }

    /// <summary>Whether Shopify emails the customer when a fulfillment with tracking is created.</summary>
    public bool NotifyCustomerOnFulfillment { get; set; } = true;

    /// <summary>Retries inside one Admin API call for 429, 5xx and timeouts; the fan-out and the lifecycle retry beyond that.</summary>
    public int MaxRetryAttempts { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Time allowed for one HTTP attempt, not counting the wait for cost points.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<string> Secrets() => NonEmpty(WebhookSecret, PreviousWebhookSecret);

    /// <summary>
    /// Whether webhooks from <paramref name="shopDomain"/> are accepted at all: with <see cref="Shops"/> configured only
    /// those shops are (a delivery signed for any other shop is refused); with none configured, the single-shop form
    /// of before accepts whichever shop the app secret signed for.
    /// </summary>
    public bool AcceptsWebhooksFrom(string shopDomain) => Shops.Count == 0 || Shops.ContainsKey(shopDomain);

    /// <summary>The secrets a shop's webhooks may be signed with: its own when it has one (a custom app per shop), else the app's.</summary>
    public IReadOnlyList<string> WebhookSecretsFor(string shopDomain) =>
        Shops.TryGetValue(shopDomain, out var shop) && NonEmpty(shop.WebhookSecret, shop.PreviousWebhookSecret).ToList() is { Count: > 0 } own
            ? own
            : Secrets().ToList();

    private static IEnumerable<string> NonEmpty(params string?[] secrets) => secrets.Where(s => !string.IsNullOrEmpty(s))!;

    /// <summary>How to reach a shop's Admin API: its own entry, else the single-shop token; null when neither exists.</summary>
    public ShopifyShopOptions? AdminFor(string shopDomain)
    {
        if (Shops.TryGetValue(shopDomain, out var shop) && !string.IsNullOrEmpty(shop.AdminAccessToken))
        {
            return shop;
        }

        return string.IsNullOrEmpty(AdminAccessToken)
            ? null
            : new ShopifyShopOptions
            {
                AdminAccessToken = AdminAccessToken,
                ApiVersion = AdminApiVersion,
                AdminApiBaseUrl = AdminApiBaseUrl is { Length: > 0 } url ? new Uri(url) : null,
            };
    }
}

/// <summary>One shop: <c>Channels:Shopify:Shops:&lt;shop domain&gt;</c>.</summary>
public sealed class ShopifyShopOptions
{
    /// <summary>
    /// The shop's own webhook signing secret, for a shop served by its own custom app; unset, the app-wide
    /// <see cref="ShopifyOptions.WebhookSecret"/> verifies its webhooks. A secret: Key Vault or user secrets.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>The shop's secret before a rotation, accepted until removed.</summary>
    public string? PreviousWebhookSecret { get; set; }

    /// <summary>The shop's Admin API access token (<c>X-Shopify-Access-Token</c>). A secret: Key Vault or user secrets.</summary>
    public string? AdminAccessToken { get; set; }

    /// <summary>GraphQL Admin API version, e.g. 2026-10. Shopify supports each version for twelve months.</summary>
    public string ApiVersion { get; set; } = ShopifyOptions.DefaultApiVersion;

    /// <summary>Overrides <c>https://{shop domain}</c> (tests, proxies).</summary>
    public Uri? AdminApiBaseUrl { get; set; }

    /// <summary>
    /// The Shopify location whose <c>available</c> quantity mirrors this shop's available-to-sell; without it the shop
    /// gets no inventory pushes (orders, fulfillments and cancellations still work).
    /// </summary>
    public long? LocationId { get; set; }

    /// <summary>
    /// The name of this shop's entry under <c>Inventory:Channels</c> (its locations and buffers): each shop is its own
    /// channel account in the fan-out. Default <c>shopify</c>, which only one shop may use.
    /// </summary>
    public string InventoryChannel { get; set; } = "shopify";

    /// <summary>
    /// Optional overrides SKU → inventory item id. Every other SKU is looked up in the shop by SKU; a SKU the shop
    /// does not list is "not listed", not an error.
    /// </summary>
    public Dictionary<string, long> InventoryItemIds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// GraphQL cost points per second this adapter spends on the shop (Shopify restores 100 a second on standard plans,
    /// more on Advanced and Plus; the app's other calls share the bucket, hence the headroom).
    /// </summary>
    public double CostPointsPerSecond { get; set; } = 50;

    /// <summary>Cost points the adapter may spend at once (Shopify's bucket holds 2,000 on standard plans).</summary>
    public int CostBurst { get; set; } = 1000;

    public Uri BaseAddress(string shopDomain) => AdminApiBaseUrl ?? new Uri($"https://{shopDomain}");

    public Uri GraphQlEndpoint(string shopDomain) => new(BaseAddress(shopDomain).AbsoluteUri.TrimEnd('/') + $"/admin/api/{ApiVersion}/graphql.json");
}

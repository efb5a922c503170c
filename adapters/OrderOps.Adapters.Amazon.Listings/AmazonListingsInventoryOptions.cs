namespace OrderOps.Adapters.Amazon.Listings;

/// <summary>Bound from <c>Channels:Amazon:Inventory</c>. One selling-partner account, one marketplace.</summary>
public sealed class AmazonListingsInventoryOptions
{
    public const string SectionName = "Channels:Amazon:Inventory";

    /// <summary>The regional SP-API endpoint, e.g. https://sellingpartnerapi-na.amazon.com.</summary>
    public Uri Endpoint { get; set; } = new("https://sellingpartnerapi-na.amazon.com");

    public string SellerId { get; set; } = string.Empty;

    public string MarketplaceId { get; set; } = "ATVPDKIKX0DER";

    /// <summary>productType sent with the patch; "PRODUCT" applies to offer-only attributes such as fulfillment availability.</summary>
    public string ProductType { get; set; } = "PRODUCT";

    /// <summary>Merchant-fulfilled quantity lives under fulfillment channel DEFAULT.</summary>
    public string FulfillmentChannelCode { get; set; } = "DEFAULT";

    /// <summary>Our SKU → the seller SKU on Amazon, where they differ. Unlisted SKUs are sent as they are.</summary>
    public Dictionary<string, string> SellerSkus { get; set; } = new(StringComparer.Ordinal);

    /// <summary>patchListingsItem allows 5 requests per second per account.</summary>
    public double RequestsPerSecond { get; set; } = 5;

    public int BurstRequests { get; set; } = 5;

    public int MaxRetryAttempts { get; set; } = 2;

    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(SellerId))
        {
            errors.Add($"{SectionName}:SellerId is required.");
        }

        if (string.IsNullOrWhiteSpace(MarketplaceId))
        {
            errors.Add($"{SectionName}:MarketplaceId is required.");
        }

        if (RequestsPerSecond <= 0 || BurstRequests < 1)
        {
            errors.Add($"{SectionName}: RequestsPerSecond must be positive and BurstRequests at least 1.");
        }

        return errors;
    }
}

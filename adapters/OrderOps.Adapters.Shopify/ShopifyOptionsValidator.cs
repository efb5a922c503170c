using System.Globalization;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify.Webhooks;

namespace OrderOps.Adapters.Shopify;

/// <summary>Fails at start on settings that would only surface later as refused calls or pushes to the wrong shop.</summary>
internal sealed class ShopifyOptionsValidator : IValidateOptions<ShopifyOptions>
{
    public ValidateOptionsResult Validate(string? name, ShopifyOptions options)
    {
        var failures = new List<string>();
        const string prefix = ShopifyOptions.SectionName;
        if (!string.IsNullOrEmpty(options.AdminAccessToken))
        {
            CheckVersion(options.AdminApiVersion, $"{prefix}:AdminApiVersion", failures);
        }

        foreach (var (domain, shop) in options.Shops)
        {
            var key = $"{prefix}:Shops:{domain}";
            if (!ShopifyTopics.IsShopDomain(domain.ToLowerInvariant()) && shop.AdminApiBaseUrl is null)
            {
                failures.Add($"{key}: '{domain}' is not a shop domain such as my-shop.myshopify.com.");
            }

            if (string.IsNullOrWhiteSpace(shop.AdminAccessToken))
            {
                failures.Add($"{key}:AdminAccessToken is required.");
            }

            CheckVersion(shop.ApiVersion, $"{key}:ApiVersion", failures);
            if (shop.LocationId is <= 0)
            {
                failures.Add($"{key}:LocationId must be a Shopify location id.");
            }

            if (shop.CostPointsPerSecond <= 0 || shop.CostBurst < 10)
            {
                failures.Add($"{key}: CostPointsPerSecond must be positive and CostBurst at least 10 (one mutation).");
            }
        }

        foreach (var shared in options.Shops.Where(s => s.Value.LocationId is not null).GroupBy(s => s.Value.InventoryChannel, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            failures.Add($"Shops {string.Join(", ", shared.Select(s => s.Key))} all push to inventory channel '{shared.Key}': give each its own {prefix}:Shops:<shop>:InventoryChannel (and an Inventory:Channels entry).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>YYYY-MM, not older than the oldest version whose inventory mutations this adapter sends.</summary>
    private static void CheckVersion(string version, string key, List<string> failures)
    {
        if (!DateTime.TryParseExact(version, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            failures.Add($"{key} '{version}' is not an Admin API version such as {ShopifyOptions.DefaultApiVersion}.");
        }
        else if (string.CompareOrdinal(version, ShopifyOptions.OldestSupportedApiVersion) < 0)
        {
            failures.Add($"{key} '{version}' is older than {ShopifyOptions.OldestSupportedApiVersion}, which Shopify no longer supports or which lacks changeFromQuantity and @idempotent; use {ShopifyOptions.DefaultApiVersion}.");
        }
    }
}

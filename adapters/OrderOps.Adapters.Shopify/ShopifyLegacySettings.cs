using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace OrderOps.Adapters.Shopify;

/// <summary>
/// Reads the single-shop inventory section of before many shops (<c>Channels:Shopify:Inventory</c>: ShopDomain,
/// BaseAddress, ApiVersion, AccessToken, LocationId, InventoryItemIds) as one shop of
/// <see cref="ShopifyOptions.Shops"/> whose inventory channel is <c>shopify</c>, so a deployment configured that way
/// keeps pushing. A shop configured under <c>Shops</c> with the same domain wins.
/// </summary>
internal static class ShopifyLegacySettings
{
    public const string InventorySection = "Inventory";

    public static void Apply(ShopifyOptions options, IConfigurationSection section)
    {
        var legacy = section.GetSection(InventorySection);
        if (!legacy.Exists())
        {
            return;
        }

        var baseAddress = legacy["BaseAddress"] is { Length: > 0 } address ? new Uri(address) : null;
        var domain = legacy["ShopDomain"] is { Length: > 0 } configured ? configured : baseAddress?.Authority;
        if (string.IsNullOrEmpty(domain) || options.Shops.ContainsKey(domain))
        {
            return;
        }

        var shop = new ShopifyShopOptions
        {
            AdminAccessToken = legacy["AccessToken"],
            AdminApiBaseUrl = baseAddress,
            LocationId = long.TryParse(legacy["LocationId"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var location) ? location : null,
        };
        if (legacy["ApiVersion"] is { Length: > 0 } version)
        {
            shop.ApiVersion = version;
        }

        foreach (var item in legacy.GetSection("InventoryItemIds").GetChildren())
        {
            if (long.TryParse(item.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                shop.InventoryItemIds[item.Key] = id;
            }
        }

        options.Shops[domain] = shop;
    }
}

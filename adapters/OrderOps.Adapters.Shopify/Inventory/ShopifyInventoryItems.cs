using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Shopify.Admin;
using OrderOps.Core.Ports;

namespace OrderOps.Adapters.Shopify.Inventory;

/// <summary>
/// SKU → inventory item of one shop, asked of the shop itself (<c>productVariants(query: "sku:…")</c>) instead of a
/// hand-kept map, and remembered durably in <see cref="ICheckpointStore"/> (<c>shopify:{shop}:sku:{sku}</c>) so a
/// restart does not look every SKU up again. <see cref="ShopifyShopOptions.InventoryItemIds"/> overrides single SKUs.
/// A SKU the shop does not list is remembered as such for <see cref="NotListedFor"/>, then asked again (a product may
/// be added); <see cref="ForgetAsync"/> drops an id Shopify says is unknown.
/// </summary>
public sealed class ShopifyInventoryItems(ShopifyAdminClient admin, ICheckpointStore checkpoints, IOptionsMonitor<ShopifyOptions> options, TimeProvider time)
{
    public static readonly TimeSpan NotListedFor = TimeSpan.FromMinutes(15);

    private const string Query = """
        query InventoryItemBySku($query: String!) {
          productVariants(first: 5, query: $query) { nodes { sku inventoryItem { id } } }
        }
        """;

    private readonly ConcurrentDictionary<(string Shop, string Sku), DateTimeOffset> _notListed = new();

    /// <returns>The inventory item's global id; null when the shop does not list the SKU.</returns>
    public async Task<ItemLookup> FindAsync(string shopDomain, string sku, CancellationToken cancellationToken)
    {
        if (options.CurrentValue.Shops.TryGetValue(shopDomain, out var shop) && shop.InventoryItemIds.TryGetValue(sku, out var configured))
        {
            return ItemLookup.Found($"gid://shopify/InventoryItem/{configured}");
        }

        if (await checkpoints.GetAsync(CheckpointName(shopDomain, sku), cancellationToken) is { Length: > 0 } remembered)
        {
            return ItemLookup.Found(remembered);
        }

        if (_notListed.TryGetValue((shopDomain, sku), out var until) && until > time.GetUtcNow())
        {
            return ItemLookup.NotListed;
        }

        // Shopify's search syntax: a quoted value is matched as a whole; the exact SKU is still checked below.
        var response = await admin.SendAsync(shopDomain, Query, new JsonObject { ["query"] = $"sku:\"{sku.Replace("\"", "\\\"", StringComparison.Ordinal)}\"" }, estimatedCost: 6, cancellationToken);
        if (!response.Succeeded)
        {
            return ItemLookup.Failed(response);
        }

        var id = (response.Data?["productVariants"]?["nodes"] as JsonArray)?.OfType<JsonObject>()
            .Where(v => v["sku"]?.GetValue<string>() == sku)
            .Select(v => v["inventoryItem"]?["id"]?.GetValue<string>())
            .FirstOrDefault(i => i is not null);
        if (id is null)
        {
            _notListed[(shopDomain, sku)] = time.GetUtcNow() + NotListedFor;
            return ItemLookup.NotListed;
        }

        await checkpoints.SetAsync(CheckpointName(shopDomain, sku), id, cancellationToken);
        return ItemLookup.Found(id);
    }

    /// <summary>Shopify no longer knows the remembered id (the variant was deleted or re-created): look it up again next time.</summary>
    public Task ForgetAsync(string shopDomain, string sku, CancellationToken cancellationToken) =>
        checkpoints.SetAsync(CheckpointName(shopDomain, sku), string.Empty, cancellationToken);

    public static string CheckpointName(string shopDomain, string sku) => $"shopify:{shopDomain.ToLowerInvariant()}:sku:{sku}";
}

/// <summary>What a SKU lookup found: an inventory item id, "not listed", or Shopify's failure.</summary>
public sealed record ItemLookup(string? InventoryItemId, GraphQlResponse? Failure)
{
    public static ItemLookup NotListed { get; } = new(null, null);

    public static ItemLookup Found(string id) => new(id, null);

    public static ItemLookup Failed(GraphQlResponse response) => new(null, response);
}

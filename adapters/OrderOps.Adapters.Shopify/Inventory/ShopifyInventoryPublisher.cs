using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Shopify.Admin;
using OrderOps.Core.Ports;
using Polly.Timeout;

namespace OrderOps.Adapters.Shopify.Inventory;

/// <summary>
/// Sets a SKU's <c>available</c> quantity at one shop's location with the GraphQL Admin API's
/// <c>inventorySetQuantities</c>, as Shopify requires from 2026-04: every quantity carries <c>changeFromQuantity</c>
/// (compare-and-set against the quantity last seen on Shopify) and the mutation carries <c>@idempotent(key:)</c>.
/// </summary>
/// <remarks>
/// <para>The quantity last seen is what this publisher last set or read; when it has none (first push, restart) it
/// reads the level first. On <c>CHANGE_FROM_QUANTITY_STALE</c> (Shopify sold or someone edited the level meanwhile) it
/// reads the current value and sets again: OrderOps' ledger is the source of truth, so the new value is the same
/// available-to-sell. The idempotency key is a hash of shop, item, location, from and to, so an HTTP retry of the same
/// change can never apply twice, and a different change never collides with it. Shopify remembers a key whose attempt
/// failed (<c>IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED</c>, "retry with a new idempotency key", from 2026-10): the same
/// from→to can come back later (a stale push from 5 to 7, then Shopify back at 5), so that answer sets again under a
/// fresh key, which <c>changeFromQuantity</c> keeps from applying twice.</para>
/// <para>Failures: THROTTLED, 429, 5xx and timeouts are Transient with Shopify's wait; <c>userErrors</c> such as an
/// unknown location or an item not stocked there are Permanent (a person must act); an inventory item Shopify no
/// longer knows is looked up again by SKU once, and a SKU the shop does not list is NotListed.</para>
/// </remarks>
public sealed class ShopifyInventoryPublisher(
    string shopDomain,
    ShopifyShopOptions shop,
    ShopifyAdminClient admin,
    ShopifyInventoryItems items,
    ILogger<ShopifyInventoryPublisher> logger) : IChannelInventoryPublisher
{
    private const string SetMutation = """
        mutation SetAvailable($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
          inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
            inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
            userErrors { code field message }
          }
        }
        """;

    private const string LevelQuery = """
        query AvailableAt($id: ID!, $locationId: ID!) {
          inventoryItem(id: $id) { inventoryLevel(locationId: $locationId) { quantities(names: ["available"]) { name quantity } } }
        }
        """;

    private readonly ConcurrentDictionary<string, int> _lastSeen = new(StringComparer.Ordinal);

    public string Channel => shop.InventoryChannel;

    /// <summary>Shopify's limits are per shop: one channel-sync orchestration per shop domain.</summary>
    public string Account => $"shopify:{shopDomain}";

    public string ShopDomain => shopDomain;

    public async Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        try
        {
            string? keySalt = null;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var lookup = await items.FindAsync(shopDomain, sku, cancellationToken);
                if (lookup.Failure is { } failed)
                {
                    return Failed(failed);
                }

                if (lookup.InventoryItemId is not { } itemId)
                {
                    return PublishResult.NotListed;
                }

                var outcome = await SetAsync(itemId, quantity, keySalt, cancellationToken);
                switch (outcome.Code)
                {
                    case null:
                        return outcome.Result!;
                    case "CHANGE_FROM_QUANTITY_STALE":
                        logger.LogInformation("Shopify's available quantity of {Sku} in {Shop} changed meanwhile; reading it and setting again.", sku, shopDomain);
                        _lastSeen.TryRemove(itemId, out _);
                        continue;
                    case "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED":
                        keySalt = Guid.NewGuid().ToString("N");
                        continue;
                    case "INVALID_INVENTORY_ITEM":
                        await items.ForgetAsync(shopDomain, sku, cancellationToken);
                        _lastSeen.TryRemove(itemId, out _);
                        continue;
                    default:
                        return new PublishResult(PublishStatus.Permanent, outcome.Message);
                }
            }

            return new PublishResult(PublishStatus.Transient, $"Shopify's quantity of {sku} kept changing while it was being set.");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutRejectedException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new PublishResult(PublishStatus.Transient, $"network: {ex.Message}");
        }
    }

    private async Task<SetOutcome> SetAsync(string itemId, int quantity, string? keySalt, CancellationToken cancellationToken)
    {
        var locationId = $"gid://shopify/Location/{shop.LocationId}";
        if (!_lastSeen.TryGetValue(itemId, out var from))
        {
            var read = await admin.SendAsync(shopDomain, LevelQuery, new JsonObject { ["id"] = itemId, ["locationId"] = locationId }, estimatedCost: 3, cancellationToken);
            if (!read.Succeeded)
            {
                return new SetOutcome(null, null, Failed(read));
            }

            if (read.Data?["inventoryItem"] is null)
            {
                return new SetOutcome("INVALID_INVENTORY_ITEM", "Shopify does not know the inventory item.", null);
            }

            if (read.Data["inventoryItem"]?["inventoryLevel"] is not JsonObject level)
            {
                return new SetOutcome("ITEM_NOT_STOCKED_AT_LOCATION", $"Shopify's inventory item {itemId} is not stocked at location {shop.LocationId} of {shopDomain}.", null);
            }

            from = (level["quantities"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(q => q["name"]?.GetValue<string>() == "available")?["quantity"]?.GetValue<int>() ?? 0;
        }

        var input = new JsonObject
        {
            ["name"] = "available",
            ["reason"] = "correction",
            ["referenceDocumentUri"] = "gid://orderops/AvailableToSell/" + Uri.EscapeDataString(itemId),
            ["quantities"] = new JsonArray(new JsonObject { ["inventoryItemId"] = itemId, ["locationId"] = locationId, ["quantity"] = quantity, ["changeFromQuantity"] = from }),
        };
        var response = await admin.SendAsync(shopDomain, SetMutation, new JsonObject { ["input"] = input, ["idempotencyKey"] = IdempotencyKey(itemId, locationId, from, quantity, keySalt) }, estimatedCost: 10, cancellationToken);
        if (!response.Succeeded)
        {
            return new SetOutcome(null, null, Failed(response));
        }

        var userErrors = (response.Data?["inventorySetQuantities"]?["userErrors"] as JsonArray)?.OfType<JsonObject>().ToList() ?? [];
        if (userErrors.Count > 0)
        {
            var first = userErrors[0];
            var code = first["code"]?.GetValue<string>() ?? "USER_ERROR";
            if (code is "IDEMPOTENCY_CONCURRENT_REQUEST")
            {
                return new SetOutcome(null, null, new PublishResult(PublishStatus.Transient, "Shopify is still processing the same change.", TimeSpan.FromSeconds(1)));
            }

            return new SetOutcome(code, $"Shopify refused the quantity: {code}: {first["message"]?.GetValue<string>()}", null);
        }

        _lastSeen[itemId] = quantity;
        return new SetOutcome(null, null, PublishResult.Published);
    }

    private static PublishResult Failed(GraphQlResponse response) =>
        response.Transient
            ? new PublishResult(PublishStatus.Transient, response.Describe(), response.RetryAfter)
            // 401/403 (token, scopes), 404, GraphQL errors in the query itself: a person must act.
            : new PublishResult(PublishStatus.Permanent, response.Describe());

    private string IdempotencyKey(string itemId, string locationId, int from, int to, string? salt) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{shopDomain}|{itemId}|{locationId}|{from}|{to}{(salt is null ? "" : "|" + salt)}")))[..40];

    /// <summary>Code null: <see cref="Result"/> is final. Otherwise the userError (or local finding) to act on.</summary>
    private sealed record SetOutcome(string? Code, string? Message, PublishResult? Result);
}

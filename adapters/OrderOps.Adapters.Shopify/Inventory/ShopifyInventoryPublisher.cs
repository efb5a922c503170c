using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Polly.Timeout;

namespace OrderOps.Adapters.Shopify.Inventory;

/// <summary>
/// Sets a SKU's available quantity at the configured Shopify location with REST
/// <c>POST /admin/api/{version}/inventory_levels/set.json</c>. The <see cref="HttpClient"/> it gets runs through
/// the resilience pipeline of <see cref="ShopifyInventoryServiceCollectionExtensions"/> (retry honouring
/// Retry-After, the store's rate limit, per-attempt timeout).
/// </summary>
public sealed class ShopifyInventoryPublisher(HttpClient http, ShopifyInventoryOptions options) : IChannelInventoryPublisher
{
    public string Channel => Channels.Shopify;

    public async Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        if (!options.InventoryItemIds.TryGetValue(sku, out var inventoryItemId))
        {
            return PublishResult.NotListed;
        }

        var body = new InventoryLevelSet(options.LocationId, inventoryItemId, quantity);
        try
        {
            using var response = await http.PostAsJsonAsync($"admin/api/{options.ApiVersion}/inventory_levels/set.json", body, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return PublishResult.Published;
            }

            var detail = await ReadErrorAsync(response, cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError =>
                    new PublishResult(PublishStatus.Transient, $"HTTP {(int)response.StatusCode}: {detail}", RetryAfter(response)),
                // 401/403 (token, scopes), 404 (item or location gone), 422 (e.g. item not stocked there): a person must act.
                _ => new PublishResult(PublishStatus.Permanent, $"HTTP {(int)response.StatusCode}: {detail}"),
            };
        }
        catch (HttpRequestException exception)
        {
            return new PublishResult(PublishStatus.Transient, $"network: {exception.Message}");
        }
        catch (TimeoutRejectedException exception)
        {
            return new PublishResult(PublishStatus.Transient, $"timeout: {exception.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PublishResult(PublishStatus.Transient, "timeout: the HTTP client gave up");
        }
    }

    /// <summary>Shopify sends Retry-After in (possibly fractional) seconds on 429.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.RetryAfter?.Delta is { } delta)
        {
            return delta;
        }

        return response.Headers.TryGetValues("Retry-After", out var values) &&
            double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static async Task<string> ReadErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return text.Length > 500 ? text[..500] : text;
    }

    /// <summary>The request body, as in Shopify's published example (location_id, inventory_item_id, available).</summary>
    internal sealed record InventoryLevelSet(
        [property: JsonPropertyName("location_id")] long LocationId,
        [property: JsonPropertyName("inventory_item_id")] long InventoryItemId,
        [property: JsonPropertyName("available")] int Available);
}

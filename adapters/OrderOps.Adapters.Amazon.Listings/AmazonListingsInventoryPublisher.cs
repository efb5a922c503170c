using System.Net;
using System.Net.Http.Json;
using OrderOps.Adapters.Http;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using Polly.Timeout;

namespace OrderOps.Adapters.Amazon.Listings;

/// <summary>
/// Sets a SKU's merchant-fulfilled quantity on Amazon with
/// <c>PATCH /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=…</c> (patchListingsItem), through the
/// resilience pipeline registered by <see cref="AmazonListingsServiceCollectionExtensions"/> (retry, the
/// account's 5 rps limit, per-attempt timeout).
/// </summary>
public sealed class AmazonListingsInventoryPublisher(HttpClient http, AmazonListingsInventoryOptions options, IAccessTokenSource tokens) : IChannelInventoryPublisher
{
    public string Channel => Channels.Amazon;

    /// <summary>patchListingsItem's limit is per selling-partner account: one channel-sync orchestration per seller.</summary>
    public string Account => $"amazon:{options.SellerId}";

    /// <summary>The seller's patchListingsItem rate, paced by its channel-sync orchestration across app instances.</summary>
    public double? PushesPerSecond => options.RequestsPerSecond;

    public async Task<PublishResult> PublishAsync(string sku, int quantity, CancellationToken cancellationToken)
    {
        var sellerSku = options.SellerSkus.GetValueOrDefault(sku, sku);
        var uri = $"listings/2021-08-01/items/{Uri.EscapeDataString(options.SellerId)}/{Uri.EscapeDataString(sellerSku)}?marketplaceIds={Uri.EscapeDataString(options.MarketplaceId)}";
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, uri)
            {
                Content = JsonBody.Create(ListingsInventoryPatch.ForQuantity(options.ProductType, options.FulfillmentChannelCode, quantity)),
            };
            request.Headers.Add("x-amz-access-token", await tokens.GetAccessTokenAsync(cancellationToken));
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return PublishResult.NotListed;
            }

            if (response.IsSuccessStatusCode)
            {
                var submission = await response.Content.ReadFromJsonAsync<ListingsSubmissionResponse>(cancellationToken);
                return submission?.Status == "ACCEPTED"
                    ? PublishResult.Published
                    : new PublishResult(PublishStatus.Permanent, $"{submission?.Status ?? "no status"}: {string.Join("; ", (submission?.Issues ?? []).Select(i => $"{i.Code} {i.Message}"))}");
            }

            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            detail = detail.Length > 500 ? detail[..500] : detail;
            switch (response.StatusCode)
            {
                case HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden:
                    // Usually an expired or revoked token: fetch a new one next time; parking stops a hopeless loop.
                    tokens.Invalidate();
                    return new PublishResult(PublishStatus.Transient, $"HTTP {(int)response.StatusCode}: {detail}");
                case HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout or >= HttpStatusCode.InternalServerError:
                    return new PublishResult(PublishStatus.Transient, $"HTTP {(int)response.StatusCode}: {detail}", response.Headers.RetryAfter?.Delta);
                default:
                    return new PublishResult(PublishStatus.Permanent, $"HTTP {(int)response.StatusCode}: {detail}");
            }
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
}

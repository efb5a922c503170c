using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Http;
using OrderOps.Core.Ports;
using OrderOps.Core.Serialization;

namespace OrderOps.Adapters.Fulfillment;

/// <summary>
/// Webhook-out to each configured location: <c>POST {Url}</c> with <c>{"type":"release"|"cancel", "orderId", ...}</c> and an
/// <c>Idempotency-Key</c> header (<c>release:{attemptId}</c> / <c>cancel:{attemptId}</c>, the attempt being the order's
/// reservation generation: the order id, then <c>{orderId}~2</c>...) the location uses to ignore repeats; a release after a
/// compensated attempt is a new attempt with a new key.
/// 2xx = accepted; 409 with <c>{"status":"already_shipped"}</c> = too late to cancel; other 4xx = refused; 5xx, 408, 429
/// and network errors are retried by the resilience pipeline, then reported as unavailable.
/// </summary>
public sealed class HttpFulfillmentLocation(IHttpClientFactory clients, IOptionsMonitor<FulfillmentOptions> options) : IFulfillmentLocation
{
    public const string ClientName = "fulfillment-locations";
    public const string KeyHeader = "X-OrderOps-Key";

    public bool IsKnown(string locationId) => options.CurrentValue.Locations.ContainsKey(locationId);

    public Task<FulfillmentCallResult> ReleaseAsync(FulfillmentRelease release, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(release);
        var body = new
        {
            type = "release",
            release.OrderId,
            release.AttemptId,
            release.LocationId,
            release.Channel,
            release.ChannelOrderNumber,
            release.Lines,
            release.ShipTo,
            release.ShipBy,
        };
        return PostAsync(release.LocationId, "release:" + release.AttemptId, body, cancellationToken);
    }

    public Task<FulfillmentCallResult> CancelAsync(FulfillmentCancel cancel, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cancel);
        return PostAsync(cancel.LocationId, "cancel:" + cancel.AttemptId,
            new { type = "cancel", cancel.OrderId, cancel.AttemptId, cancel.LocationId, cancel.Reason }, cancellationToken);
    }

    private async Task<FulfillmentCallResult> PostAsync(string locationId, string idempotencyKey, object body, CancellationToken cancellationToken)
    {
        if (!options.CurrentValue.Locations.TryGetValue(locationId, out var location) || !Uri.TryCreate(location.Url, UriKind.Absolute, out var url))
        {
            return new FulfillmentCallResult(FulfillmentCallStatus.Rejected, $"Location '{locationId}' has no Fulfillment:Locations:{locationId}:Url configured.");
        }

        using var content = JsonBody.Create(body, OrderOpsJson.Options);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        if (!string.IsNullOrEmpty(location.ApiKey))
        {
            request.Headers.Add(KeyHeader, location.ApiKey);
        }

        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return FulfillmentCallResult.Accepted;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.Conflict && IsAlreadyShipped(text))
            {
                return new FulfillmentCallResult(FulfillmentCallStatus.AlreadyShipped, text);
            }

            var status = (int)response.StatusCode is >= 400 and < 500 and not 408 and not 429 ? FulfillmentCallStatus.Rejected : FulfillmentCallStatus.Unavailable;
            return new FulfillmentCallResult(status, $"HTTP {(int)response.StatusCode}: {Truncate(text)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new FulfillmentCallResult(FulfillmentCallStatus.Unavailable, ex.Message);
        }
    }

    private static bool IsAlreadyShipped(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.TryGetProperty("status", out var status) && status.GetString() == "already_shipped";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] : text;
}

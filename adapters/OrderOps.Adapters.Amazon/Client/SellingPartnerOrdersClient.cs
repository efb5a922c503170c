using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// The Orders API v0 operations the poller and the channel notifier need. Authentication, rate limiting, retries and the per-account circuit
/// breaker live in the named <see cref="HttpClient"/>'s handlers (see <c>AddAmazonChannel</c>); this class builds
/// requests, pages, and turns Amazon's error documents into <see cref="SellingPartnerApiException"/>.
/// Safe to use as a singleton: it asks <see cref="IHttpClientFactory"/> for a client per call.
/// </summary>
public sealed class SellingPartnerOrdersClient
{
    public const string HttpClientName = "OrderOps.Amazon.SpApi";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<AmazonOptions> _options;

    public SellingPartnerOrdersClient(IHttpClientFactory httpClientFactory, IOptionsMonitor<AmazonOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
    }

    /// <summary>One page of orders updated in the query's window.</summary>
    /// <exception cref="SellingPartnerApiException">Amazon answered with an error that retries did not cure.</exception>
    public async Task<GetOrdersPage> GetOrdersAsync(string sellerId, GetOrdersQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentNullException.ThrowIfNull(query);
        if (query.MarketplaceIds.Count == 0)
        {
            throw new ArgumentException("getOrders needs at least one marketplace id.", nameof(query));
        }

        var parameters = new List<(string, string)> { ("MarketplaceIds", string.Join(',', query.MarketplaceIds)) };
        if (query.LastUpdatedAfter is { } after)
        {
            parameters.Add(("LastUpdatedAfter", FormatTime(after)));
        }

        if (query.LastUpdatedBefore is { } before)
        {
            parameters.Add(("LastUpdatedBefore", FormatTime(before)));
        }

        if (query.MaxResultsPerPage is { } max)
        {
            parameters.Add(("MaxResultsPerPage", max.ToString(CultureInfo.InvariantCulture)));
        }

        if (!string.IsNullOrEmpty(query.NextToken))
        {
            parameters.Add(("NextToken", query.NextToken));
        }

        var payload = await SendAsync(sellerId, SpApiOperations.GetOrders, "orders/v0/orders", parameters, cancellationToken);
        return new GetOrdersPage(Objects(payload?["Orders"]), Text(payload?["NextToken"]));
    }

    /// <summary>One page of an order's items.</summary>
    /// <exception cref="SellingPartnerApiException">Amazon answered with an error that retries did not cure.</exception>
    public async Task<OrderItemsPage> GetOrderItemsPageAsync(string sellerId, string amazonOrderId, string? nextToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(amazonOrderId);
        var parameters = new List<(string, string)>();
        if (!string.IsNullOrEmpty(nextToken))
        {
            parameters.Add(("NextToken", nextToken));
        }

        var path = $"orders/v0/orders/{Uri.EscapeDataString(amazonOrderId)}/orderItems";
        var payload = await SendAsync(sellerId, SpApiOperations.GetOrderItems, path, parameters, cancellationToken);
        return new OrderItemsPage(Objects(payload?["OrderItems"]), Text(payload?["NextToken"]));
    }

    /// <summary>All items of an order, following NextToken; each page is a separately rate-limited call.</summary>
    public async Task<IReadOnlyList<JsonObject>> GetOrderItemsAsync(string sellerId, string amazonOrderId, CancellationToken cancellationToken)
    {
        var items = new List<JsonObject>();
        string? nextToken = null;
        do
        {
            var page = await GetOrderItemsPageAsync(sellerId, amazonOrderId, nextToken, cancellationToken);
            items.AddRange(page.OrderItems);
            nextToken = page.NextToken;
        }
        while (!string.IsNullOrEmpty(nextToken));

        return items;
    }

    /// <summary>
    /// Confirms one package of an order (Orders API v0 <c>confirmShipment</c>,
    /// <c>POST /orders/v0/orders/{orderId}/shipmentConfirmation</c>; Amazon answers 204). Amazon documents that a
    /// second call with the same <c>packageReferenceId</c> edits that package rather than adding one, which is what
    /// makes repeating this call safe.
    /// </summary>
    /// <exception cref="SellingPartnerApiException">Amazon refused the confirmation, or retries did not cure an error.</exception>
    public async Task ConfirmShipmentAsync(string sellerId, string amazonOrderId, ConfirmShipmentRequest confirmation, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(amazonOrderId);
        ArgumentNullException.ThrowIfNull(confirmation);
        var path = $"orders/v0/orders/{Uri.EscapeDataString(amazonOrderId)}/shipmentConfirmation";
        await SpApiHttp.SendAsync(_httpClientFactory, _options.CurrentValue.Endpoint,
            new SpApiCall(sellerId, SpApiOperations.ConfirmShipment, HttpMethod.Post, path) { Body = confirmation.ToJson() }, cancellationToken);
    }

    private async Task<JsonObject?> SendAsync(
        string sellerId, string operation, string path, IReadOnlyList<(string Name, string Value)> parameters, CancellationToken cancellationToken)
    {
        var root = await SpApiHttp.SendAsync(_httpClientFactory, _options.CurrentValue.Endpoint,
            new SpApiCall(sellerId, operation, HttpMethod.Get, path) { Parameters = parameters }, cancellationToken);
        return root?["payload"] as JsonObject;
    }

    internal static Uri BuildUri(Uri endpoint, string path, IReadOnlyList<(string Name, string Value)> parameters) =>
        SpApiHttp.BuildUri(endpoint, path, parameters);

    internal static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static List<JsonObject> Objects(JsonNode? array) =>
        array is JsonArray items ? items.OfType<JsonObject>().Select(o => (JsonObject)o.DeepClone()).ToList() : [];

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

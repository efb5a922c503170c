using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace OrderOps.Adapters.Amazon.Client;

/// <summary>
/// The Orders API operations the poller and the channel notifier need: <c>searchOrders</c> and <c>getOrder</c> of
/// version 2026-01-01 (v0's getOrders, getOrder, getOrderItems and getOrderAddress are deprecated; Amazon's changelog
/// sets 2027-03-27 for the move), and v0 <c>confirmShipment</c>, which has no successor and stays. Authentication, rate limiting, retries and the per-account circuit
/// breaker live in the named <see cref="HttpClient"/>'s handlers (see <c>AddAmazonChannel</c>); this class builds
/// requests, pages, and turns Amazon's error documents into <see cref="SellingPartnerApiException"/>.
/// Safe to use as a singleton: it asks <see cref="IHttpClientFactory"/> for a client per call.
/// </summary>
public sealed class SellingPartnerOrdersClient
{
    public const string HttpClientName = "OrderOps.Amazon.SpApi";

    /// <summary>Path prefix of Orders API v2026-01-01 (no <c>payload</c> envelope in its answers, unlike v0).</summary>
    public const string OrdersPath = "orders/2026-01-01";

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly IOptionsMonitor<AmazonOptions> _options;

    public SellingPartnerOrdersClient(IHttpClientFactory httpClientFactory, IOptionsMonitor<AmazonOptions> options)
    {
        _httpClientFactory = httpClientFactory;
        _options = options;
    }

    /// <summary>One page of orders updated in the query's window (<c>searchOrders</c>).</summary>
    /// <exception cref="SellingPartnerApiException">Amazon answered with an error that retries did not cure.</exception>
    public async Task<SearchOrdersPage> SearchOrdersAsync(string sellerId, SearchOrdersQuery query, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentNullException.ThrowIfNull(query);
        if (query.MarketplaceIds.Count == 0)
        {
            throw new ArgumentException("searchOrders needs at least one marketplace id.", nameof(query));
        }

        var parameters = new List<(string, string)>
        {
            ("lastUpdatedAfter", FormatTime(query.LastUpdatedAfter)),
            ("marketplaceIds", string.Join(',', query.MarketplaceIds)),
        };
        if (query.LastUpdatedBefore is { } before)
        {
            parameters.Add(("lastUpdatedBefore", FormatTime(before)));
        }

        if (query.MaxResultsPerPage is { } max)
        {
            parameters.Add(("maxResultsPerPage", max.ToString(CultureInfo.InvariantCulture)));
        }

        if (query.IncludedData.Count > 0)
        {
            parameters.Add(("includedData", string.Join(',', query.IncludedData)));
        }

        if (!string.IsNullOrEmpty(query.PaginationToken))
        {
            parameters.Add(("paginationToken", query.PaginationToken));
        }

        var root = await GetAsync(sellerId, SpApiOperations.SearchOrders, $"{OrdersPath}/orders", parameters, cancellationToken);
        return new SearchOrdersPage(Objects(root?["orders"]), Text(root?["pagination"]?["nextToken"]));
    }

    /// <summary>One order with the datasets asked for (<c>getOrder</c>); used where one order must be read again.</summary>
    /// <exception cref="SellingPartnerApiException">Amazon answered with an error that retries did not cure (404: no such order).</exception>
    public async Task<JsonObject> GetOrderAsync(string sellerId, string orderId, IReadOnlyList<string> includedData, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sellerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(orderId);
        ArgumentNullException.ThrowIfNull(includedData);
        List<(string, string)> parameters = includedData.Count > 0 ? [("includedData", string.Join(',', includedData))] : [];
        var root = await GetAsync(sellerId, SpApiOperations.GetOrder, $"{OrdersPath}/orders/{Uri.EscapeDataString(orderId)}", parameters, cancellationToken);
        return root?["order"] is JsonObject order
            ? (JsonObject)order.DeepClone()
            : throw new SellingPartnerApiException($"SP-API getOrder answered without an order for {orderId}.");
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

    private Task<JsonNode?> GetAsync(
        string sellerId, string operation, string path, IReadOnlyList<(string Name, string Value)> parameters, CancellationToken cancellationToken) =>
        SpApiHttp.SendAsync(_httpClientFactory, _options.CurrentValue.Endpoint,
            new SpApiCall(sellerId, operation, HttpMethod.Get, path) { Parameters = parameters }, cancellationToken);

    internal static Uri BuildUri(Uri endpoint, string path, IReadOnlyList<(string Name, string Value)> parameters) =>
        SpApiHttp.BuildUri(endpoint, path, parameters);

    internal static string FormatTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static List<JsonObject> Objects(JsonNode? array) =>
        array is JsonArray items ? items.OfType<JsonObject>().Select(o => (JsonObject)o.DeepClone()).ToList() : [];

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}

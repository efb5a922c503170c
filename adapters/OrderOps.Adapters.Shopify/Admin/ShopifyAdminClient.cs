using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using OrderOps.Adapters.Http;

namespace OrderOps.Adapters.Shopify.Admin;

/// <summary>
/// One GraphQL Admin API call to one shop (<c>POST {base}/admin/api/{version}/graphql.json</c>) with the shop's own
/// token and version. Before sending it takes the call's estimated cost from the shop's point bucket (a token bucket in
/// cost points, not requests, because Shopify meters GraphQL by query cost); the named HttpClient's pipeline retries
/// 429/5xx/timeouts. What Shopify answers — data, errors, <c>extensions.cost</c> — is handed back as is.
/// </summary>
public sealed class ShopifyAdminClient(IHttpClientFactory clients, IOptionsMonitor<ShopifyOptions> options) : IDisposable
{
    public const string HttpClientName = "shopify-admin";

    private readonly ConcurrentDictionary<string, RateLimiter> _buckets = new(StringComparer.OrdinalIgnoreCase);

    /// <exception cref="ShopNotConfiguredException">No token is configured for the shop.</exception>
    public async Task<GraphQlResponse> SendAsync(string shopDomain, string query, JsonObject variables, int estimatedCost, CancellationToken cancellationToken)
    {
        var shop = options.CurrentValue.AdminFor(shopDomain) ?? throw new ShopNotConfiguredException(shopDomain);
        var bucket = _buckets.GetOrAdd(shopDomain, _ => RateLimitedPushPipeline.TokenBucket(shop.CostPointsPerSecond, shop.CostBurst));
        using (var lease = await bucket.AcquireAsync(Math.Clamp(estimatedCost, 1, shop.CostBurst), cancellationToken))
        {
            if (!lease.IsAcquired)
            {
                return GraphQlResponse.Local("the shop's cost bucket refused the call");
            }
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, shop.GraphQlEndpoint(shopDomain))
        {
            Content = JsonBody.Create(new JsonObject { ["query"] = query, ["variables"] = variables }),
        };
        request.Headers.Add("X-Shopify-Access-Token", shop.AdminAccessToken);
        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var retryAfter = response.Headers.RetryAfter?.Delta
            ?? (response.Headers.TryGetValues("Retry-After", out var values) && double.TryParse(values.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? TimeSpan.FromSeconds(seconds) : null);
        if (!response.IsSuccessStatusCode)
        {
            return new GraphQlResponse(null, [new GraphQlError($"Shopify answered HTTP {(int)response.StatusCode}.", null)], response.StatusCode, retryAfter, null);
        }

        var body = JsonNode.Parse(text) as JsonObject;
        var errors = (body?["errors"] as JsonArray)?.OfType<JsonObject>()
            .Select(e => new GraphQlError(e["message"]?.GetValue<string>() ?? "(no message)", e["extensions"]?["code"]?.GetValue<string>()))
            .ToList() ?? [];
        var cost = body?["extensions"]?["cost"] as JsonObject;
        return new GraphQlResponse(body?["data"], errors, response.StatusCode, retryAfter ?? ThrottleWait(cost), cost);
    }

    public void Dispose()
    {
        foreach (var bucket in _buckets.Values)
        {
            bucket.Dispose();
        }
    }

    /// <summary>How long until the shop's bucket holds the points this call asked for (Shopify's THROTTLED answer).</summary>
    private static TimeSpan? ThrottleWait(JsonObject? cost)
    {
        if (cost?["throttleStatus"] is not JsonObject status || cost["requestedQueryCost"] is not JsonValue requested)
        {
            return null;
        }

        var available = status["currentlyAvailable"]?.GetValue<double>() ?? 0;
        var restore = status["restoreRate"]?.GetValue<double>() ?? 0;
        var missing = requested.GetValue<double>() - available;
        return missing > 0 && restore > 0 ? TimeSpan.FromSeconds(missing / restore) : null;
    }
}

/// <summary>Shopify's answer: <c>data</c>, top-level <c>errors</c> (with <c>extensions.code</c>, e.g. THROTTLED) and <c>extensions.cost</c>.</summary>
public sealed record GraphQlResponse(JsonNode? Data, IReadOnlyList<GraphQlError> Errors, HttpStatusCode Status, TimeSpan? RetryAfter, JsonObject? Cost)
{
    /// <summary>Over the shop's cost limit (GraphQL THROTTLED) or its request limit (429): retry after <see cref="RetryAfter"/>.</summary>
    public bool Throttled => Status == HttpStatusCode.TooManyRequests || Errors.Any(e => e.Code == "THROTTLED");

    /// <summary>Worth retrying later: throttled, 5xx, 408.</summary>
    public bool Transient => Throttled || (int)Status >= 500 || Status == HttpStatusCode.RequestTimeout;

    public bool Succeeded => Errors.Count == 0 && Data is not null;

    public string Describe() => string.Join("; ", Errors.Select(e => e.Code is null ? e.Message : $"{e.Code}: {e.Message}"));

    internal static GraphQlResponse Local(string message) => new(null, [new GraphQlError(message, "THROTTLED")], HttpStatusCode.TooManyRequests, null, null);
}

public sealed record GraphQlError(string Message, string? Code);

/// <summary>A shop without an Admin API token in configuration.</summary>
public sealed class ShopNotConfiguredException(string shopDomain)
    : InvalidOperationException($"No Admin API token is configured for shop '{shopDomain}': set {ShopifyOptions.SectionName}:Shops:{shopDomain}:AdminAccessToken.")
{
    public string ShopDomain { get; } = shopDomain;
}

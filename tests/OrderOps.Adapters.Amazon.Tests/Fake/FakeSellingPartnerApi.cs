using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrderOps.Adapters.Amazon.Tests.Fake;

/// <summary>
/// A Selling Partner API + Login with Amazon stand-in on Kestrel (127.0.0.1, random port). Orders API v2026-01-01:
/// it serves the model's published example responses verbatim (<see cref="ReplayPublishedPages"/>) or keeps a store of
/// orders (built from those examples) that searchOrders filters by lastUpdatedAfter/Before and marketplace and pages
/// with its own tokens, and getOrder reads; both return only the datasets <c>includedData</c> names, as the model
/// describes them. Errors are shaped as Amazon documents them.
/// Faults (429, 5xx, expired tokens) are injected per operation and seller. confirmShipment and the Feeds API live in
/// the partial files next to this one.
/// </summary>
public sealed partial class FakeSellingPartnerApi : IAsyncDisposable
{
    public const string ClientId = "amzn1.application-oa2-client.fake";
    public const string ClientSecret = "fake-client-secret-never-logged";

    private readonly Lock _lock = new();
    private readonly WebApplication _app;
    private readonly Dictionary<string, string> _sellerByRefreshToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _sellerByAccessToken = new(StringComparer.Ordinal);
    private readonly HashSet<string> _expiredTokens = new(StringComparer.Ordinal);
    private readonly List<StoredOrder> _orders = [];
    private readonly Dictionary<string, Queue<Fault>> _faults = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), ServerBucket> _buckets = new();
    private int _issued;
    private int _spApiRequests;

    private FakeSellingPartnerApi(WebApplication app)
    {
        _app = app;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public Uri LwaEndpoint => new(BaseAddress, "auth/o2/token");

    /// <summary>Every SP-API request as received: operation, seller, query string.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    private int _tokenRequests;
    private int _throttled;

    public int TokenRequests => Volatile.Read(ref _tokenRequests);

    /// <summary>Requests answered 429 by <see cref="EnforcedLimits"/>.</summary>
    public int Throttled => Volatile.Read(ref _throttled);

    public List<string> IssuedAccessTokens { get; } = [];

    /// <summary>expires_in of issued tokens (Amazon: 3600).</summary>
    public int ExpiresInSeconds { get; set; } = 3600;

    /// <summary>
    /// When set, searchOrders answers with the model's published sandbox responses: the first (with its nextToken), then
    /// for that token the second (the last page). Amazon publishes them as separate cases; chaining them is this fake's.
    /// </summary>
    public bool ReplayPublishedPages { get; set; }

    /// <summary>When &gt; 0, the N-th SP-API request is answered 403 "The access token you provided has expired." and its token expires.</summary>
    public int ExpireTokenOnRequest { get; set; }

    /// <summary>Usage plans enforced server-side, like Amazon (429 when the bucket is empty); null: not enforced.</summary>
    public Dictionary<string, (double Rate, int Burst)>? EnforcedLimits { get; set; }

    /// <summary>x-amzn-RateLimit-Limit sent per operation; null: the header is not sent.</summary>
    public Dictionary<string, string>? RateLimitHeaders { get; set; }

    /// <summary>Runs before searchOrders is answered, with the seller id (to hold a poll in flight).</summary>
    public Func<string, Task>? BeforeSearchOrders { get; set; }

    public static async Task<FakeSellingPartnerApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var fake = new FakeSellingPartnerApi(app);
        app.MapPost("/auth/o2/token", fake.TokenAsync);
        app.MapGet("/orders/2026-01-01/orders", fake.SearchOrdersAsync);
        app.MapGet("/orders/2026-01-01/orders/{orderId}", fake.GetOrderAsync);
        fake.MapShipmentConfirmation(app);
        fake.MapFeeds(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return fake;
    }

    public void AddSeller(string sellerId, string refreshToken)
    {
        lock (_lock)
        {
            _sellerByRefreshToken[refreshToken] = sellerId;
        }
    }

    /// <summary>Adds a v2026-01-01 Order (items included) with every dataset; requests see the ones they ask for.</summary>
    public void AddOrder(string sellerId, JsonObject order)
    {
        lock (_lock)
        {
            _orders.Add(new StoredOrder(sellerId, (JsonObject)order.DeepClone()));
        }
    }

    /// <summary>Queues a fault for the next request of <paramref name="operation"/> (an SP-API operation name), optionally for one seller only.</summary>
    public void EnqueueFault(string operation, Fault fault, string? sellerId = null)
    {
        lock (_lock)
        {
            var key = $"{operation}|{sellerId}";
            if (!_faults.TryGetValue(key, out var queue))
            {
                _faults[key] = queue = new Queue<Fault>();
            }

            queue.Enqueue(fault);
        }
    }

    /// <summary>Every request of the seller fails with <paramref name="fault"/> until <see cref="Heal"/>.</summary>
    public void FailSeller(string sellerId, Fault fault)
    {
        lock (_lock)
        {
            _failingSellers[sellerId] = fault;
        }
    }

    public void Heal(string sellerId)
    {
        lock (_lock)
        {
            _failingSellers.Remove(sellerId);
        }
    }

    private readonly Dictionary<string, Fault> _failingSellers = new(StringComparer.Ordinal);

    public int RequestCount(string operation, string? sellerId = null) =>
        Requests.Count(r => r.Operation == operation && (sellerId is null || r.SellerId == sellerId));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task TokenAsync(HttpContext context)
    {
        Interlocked.Increment(ref _tokenRequests);
        var form = await context.Request.ReadFormAsync();
        if (form["client_id"] != ClientId || form["client_secret"] != ClientSecret)
        {
            await WriteJson(context, HttpStatusCode.Unauthorized, new JsonObject { ["error"] = "invalid_client", ["error_description"] = "Client authentication failed" });
            return;
        }

        string? seller;
        lock (_lock)
        {
            _sellerByRefreshToken.TryGetValue(form["refresh_token"].ToString(), out seller);
        }

        if (form["grant_type"] != "refresh_token" || seller is null)
        {
            await WriteJson(context, HttpStatusCode.BadRequest, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "The request has an invalid grant parameter : refresh_token" });
            return;
        }

        var token = $"Atza|fake-{seller}-{Interlocked.Increment(ref _issued)}";
        lock (_lock)
        {
            _sellerByAccessToken[token] = seller;
            IssuedAccessTokens.Add(token);
        }

        await WriteJson(context, HttpStatusCode.OK, new JsonObject
        {
            ["access_token"] = token,
            ["refresh_token"] = form["refresh_token"].ToString(),
            ["token_type"] = "bearer",
            ["expires_in"] = ExpiresInSeconds,
        });
    }

    private async Task SearchOrdersAsync(HttpContext context)
    {
        var seller = await AdmitAsync(context, "searchOrders");
        if (seller is null)
        {
            return;
        }

        if (BeforeSearchOrders is { } hook)
        {
            await hook(seller);
        }

        var query = context.Request.Query;
        if (ReplayPublishedPages)
        {
            var cases = Fixtures.SearchOrdersSandbox();
            var page = query["paginationToken"] == Fixtures.PublishedNextToken ? cases[1] : cases[0];
            await WriteJson(context, HttpStatusCode.OK, page!["response"]!.DeepClone());
            return;
        }

        var marketplaces = query["marketplaceIds"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
        if (ParseTime(query["lastUpdatedAfter"]) is not { } after || query["createdAfter"].Count > 0)
        {
            // The poller always asks by lastUpdatedAfter; the model wants exactly one of createdAfter and lastUpdatedAfter.
            await WriteErrors(context, HttpStatusCode.BadRequest, "InvalidInput", "Exactly one of createdAfter and lastUpdatedAfter is required.");
            return;
        }

        var before = ParseTime(query["lastUpdatedBefore"]) ?? DateTimeOffset.MaxValue;
        var pageSize = int.TryParse(query["maxResultsPerPage"], out var size) ? size : 100;
        var offset = 0;
        if (query["paginationToken"] is { Count: > 0 } token && !TryReadToken(token.ToString(), out offset))
        {
            await WriteErrors(context, HttpStatusCode.BadRequest, "InvalidInput", "Invalid paginationToken.");
            return;
        }

        var included = IncludedData(query);
        List<JsonObject> matching;
        lock (_lock)
        {
            // Insertion order, not sorted by lastUpdatedTime: Amazon documents no order either.
            matching = _orders
                .Where(o => o.SellerId == seller && (marketplaces.Length == 0 || marketplaces.Contains(o.Order["salesChannel"]?["marketplaceId"]?.GetValue<string>())))
                .Where(o => ParseTime(o.Order["lastUpdatedTime"]!.GetValue<string>()) is { } t && t >= after && t <= before)
                .Select(o => Project(o.Order, included))
                .ToList();
        }

        var response = new JsonObject { ["orders"] = new JsonArray([.. matching.Skip(offset).Take(pageSize)]) };
        if (offset + pageSize < matching.Count)
        {
            response["pagination"] = new JsonObject { ["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes($"fake:{offset + pageSize}")) };
        }

        if (query["lastUpdatedBefore"].Count > 0)
        {
            response["lastUpdatedBefore"] = query["lastUpdatedBefore"].ToString();
        }

        await WriteJson(context, HttpStatusCode.OK, response);
    }

    private async Task GetOrderAsync(HttpContext context, string orderId)
    {
        var seller = await AdmitAsync(context, "getOrder");
        if (seller is null)
        {
            return;
        }

        JsonObject? order;
        lock (_lock)
        {
            order = _orders.FirstOrDefault(o => o.SellerId == seller && o.Order["orderId"]?.GetValue<string>() == orderId) is { } found
                ? Project(found.Order, IncludedData(context.Request.Query))
                : null;
        }

        if (order is null)
        {
            await WriteErrors(context, HttpStatusCode.NotFound, "NotFound", "The specified resource does not exist.");
            return;
        }

        await WriteJson(context, HttpStatusCode.OK, new JsonObject { ["order"] = order });
    }

    private static HashSet<string> IncludedData(IQueryCollection query) =>
        query["includedData"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    /// <summary>The order without the datasets not asked for (the model's includedData: which Order and OrderItem fields each brings).</summary>
    private static JsonObject Project(JsonObject stored, HashSet<string> included)
    {
        var order = (JsonObject)stored.DeepClone();
        foreach (var (dataset, field) in OrderDatasets)
        {
            if (!included.Contains(dataset))
            {
                order.Remove(field);
            }
        }

        foreach (var item in (order["orderItems"] as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            foreach (var (dataset, field) in ItemDatasets)
            {
                if (!included.Contains(dataset))
                {
                    item.Remove(field);
                }
            }
        }

        return order;
    }

    private static readonly (string Dataset, string Field)[] OrderDatasets =
    [
        ("BUYER", "buyer"), ("RECIPIENT", "recipient"), ("PROCEEDS", "proceeds"), ("FULFILLMENT", "fulfillment"),
        ("PACKAGES", "packages"), ("TAX", "tax"), ("PAYMENT", "payment"), ("FULFILLMENT_ORDERS", "fulfillmentOrders"),
    ];

    private static readonly (string Dataset, string Field)[] ItemDatasets =
    [
        ("PROCEEDS", "proceeds"), ("EXPENSE", "expense"), ("PROMOTION", "promotion"), ("CANCELLATION", "cancellation"),
        ("FULFILLMENT", "fulfillment"), ("TAX", "tax"),
    ];

    /// <summary>Authenticates, records, injects faults and enforces limits; the seller when the request may proceed.</summary>
    private async Task<string?> AdmitAsync(HttpContext context, string operation)
    {
        var token = context.Request.Headers["x-amz-access-token"].ToString();
        string? seller;
        bool expired;
        int number;
        Fault? fault = null;
        lock (_lock)
        {
            _sellerByAccessToken.TryGetValue(token, out seller);
            number = ++_spApiRequests;
            if (seller is not null && ExpireTokenOnRequest == number)
            {
                _expiredTokens.Add(token);
            }

            expired = _expiredTokens.Contains(token);
            if (seller is not null)
            {
                if (_failingSellers.TryGetValue(seller, out var failing))
                {
                    fault = failing;
                }
                else if ((_faults.TryGetValue($"{operation}|{seller}", out var forSeller) && forSeller.TryDequeue(out var f1)) ||
                         (_faults.TryGetValue($"{operation}|", out var any) && any.TryDequeue(out f1)))
                {
                    fault = f1;
                }
            }
        }

        Requests.Enqueue(new RecordedRequest(operation, seller, context.Request.QueryString.Value ?? string.Empty));
        if (RateLimitHeaders?.TryGetValue(operation, out var limit) == true)
        {
            context.Response.Headers["x-amzn-RateLimit-Limit"] = limit;
        }

        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        if (seller is null)
        {
            await WriteErrors(context, HttpStatusCode.Forbidden, "Unauthorized", "Access to requested resource is denied.", string.Empty);
            return null;
        }

        if (expired)
        {
            await WriteErrors(context, HttpStatusCode.Forbidden, "Unauthorized", "Access to requested resource is denied.", "The access token you provided has expired.");
            return null;
        }

        if (fault is { } injected)
        {
            if (injected.RetryAfter is { } retryAfter)
            {
                context.Response.Headers.RetryAfter = retryAfter;
            }

            if (injected.Body is { } body)
            {
                await WriteText(context, injected.Status, body);
                return null;
            }

            var (code, message) = injected.Status == HttpStatusCode.TooManyRequests
                ? ("QuotaExceeded", "You exceeded your quota for the requested resource.")
                : ("InternalFailure", "We encountered an internal error. Please try again.");
            await WriteErrors(context, injected.Status, code, message);
            return null;
        }

        if (EnforcedLimits?.TryGetValue(operation, out var plan) == true)
        {
            ServerBucket bucket;
            lock (_lock)
            {
                if (!_buckets.TryGetValue((seller, operation), out bucket!))
                {
                    _buckets[(seller, operation)] = bucket = new ServerBucket(plan.Rate, plan.Burst);
                }
            }

            if (!bucket.TryTake())
            {
                Interlocked.Increment(ref _throttled);
                await WriteErrors(context, HttpStatusCode.TooManyRequests, "QuotaExceeded", "You exceeded your quota for the requested resource.");
                return null;
            }
        }

        return seller;
    }

    private static bool TryReadToken(string token, out int offset)
    {
        offset = 0;
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            return text.StartsWith("fake:", StringComparison.Ordinal) && int.TryParse(text[5..], out offset);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t) ? t : null;

    private static Task WriteErrors(HttpContext context, HttpStatusCode status, string code, string message, string? details = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (details is not null)
        {
            error["details"] = details;
        }

        return WriteJson(context, status, new JsonObject { ["errors"] = new JsonArray(error) });
    }

    private static Task WriteJson(HttpContext context, HttpStatusCode status, JsonNode body) => WriteText(context, status, body.ToJsonString());

    private static async Task WriteText(HttpContext context, HttpStatusCode status, string body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body);
    }

    private sealed record StoredOrder(string SellerId, JsonObject Order);

    /// <summary>Amazon's bucket, on the real clock (used by the load driver).</summary>
    private sealed class ServerBucket(double rate, int burst)
    {
        private readonly Lock _lock = new();
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private double _tokens = burst;
        private TimeSpan _last;

        public bool TryTake()
        {
            lock (_lock)
            {
                var now = _clock.Elapsed;
                _tokens = Math.Min(burst, _tokens + ((now - _last).TotalSeconds * rate));
                _last = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
                return true;
            }
        }
    }
}

/// <summary>An injected error answer; <paramref name="Body"/> replaces the default Amazon-shaped error document.</summary>
public sealed record Fault(HttpStatusCode Status, string? RetryAfter = null, string? Body = null);

public sealed record RecordedRequest(string Operation, string? SellerId, string Query);

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace OrderOps.Inventory.Tests.Shopify;

/// <summary>
/// A Shopify GraphQL Admin API stand-in on 127.0.0.1:0 for any number of shops, each under its own base address
/// (<c>/shops/{shop}/admin/api/{version}/graphql.json</c>, as <c>AdminApiBaseUrl</c> points there) with its own token,
/// variants, locations and levels. It answers the three operations the inventory publisher sends in the shapes
/// Shopify documents (see tests/Fixtures/SOURCES.md): <c>productVariants(query: "sku:…")</c>,
/// <c>inventoryItem.inventoryLevel.quantities</c> and <c>inventorySetQuantities</c> — refusing a mutation without
/// <c>@idempotent</c> or without <c>changeFromQuantity</c>, answering <c>CHANGE_FROM_QUANTITY_STALE</c> when it does not
/// match, replaying a repeated idempotency key without applying it again. It runs Shopify's cost bucket per shop
/// (THROTTLED with <c>extensions.cost.throttleStatus</c> when empty) and injects faults on demand.
/// </summary>
public sealed class FakeShopifyServer : IAsyncDisposable
{
    public const string MutationCost = "10";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, FakeShop> _shops = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentQueue<(DateTimeOffset At, string Shop, int Status, string Operation)> _requests = new();
    private int _requestCount;

    private FakeShopifyServer(WebApplication app) => _app = app;

    public Uri Root { get; private set; } = null!;

    /// <summary>Called with the 1-based request number; returns the fault to inject, or null to serve normally.</summary>
    public Func<int, Fault?> Faults { get; set; } = _ => null;

    public IReadOnlyList<(DateTimeOffset At, string Shop, int Status, string Operation)> Requests => _requests.ToList();

    /// <summary>Calls that arrived with the shop's bucket too empty for them (answered THROTTLED, as Shopify does).</summary>
    public int Throttled => _shops.Values.Sum(s => s.Throttled);

    public static async Task<FakeShopifyServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeShopifyServer(app);
        app.MapPost("/shops/{shop}/admin/api/{version}/graphql.json", server.HandleAsync);
        await app.StartAsync();
        server.Root = new Uri(app.Urls.First());
        return server;
    }

    public FakeShop AddShop(string domain, string token, long locationId, double restoreRate = 100, double maximumAvailable = 2000) =>
        _shops[domain] = new FakeShop(domain, token, locationId, restoreRate, maximumAvailable);

    public FakeShop Shop(string domain) => _shops[domain];

    public Uri BaseAddress(string domain) => new(Root, $"/shops/{domain}/");

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context, string shop)
    {
        var number = Interlocked.Increment(ref _requestCount);
        if (!_shops.TryGetValue(shop, out var store) || context.Request.Headers["X-Shopify-Access-Token"] != store.Token)
        {
            // Shopify's answer to a missing or wrong token.
            await Reply(context, shop, 401, "auth", """{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}""");
            return;
        }

        switch (Faults(number))
        {
            case { Kind: FaultKind.TooManyRequests } fault:
                context.Response.Headers["Retry-After"] = fault.RetryAfterSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                await Reply(context, shop, 429, "fault", """{"errors":"Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."}""");
                return;
            case { Kind: FaultKind.ServerError }:
                await Reply(context, shop, 503, "fault", """{"errors":"Service Unavailable"}""");
                return;
            case { Kind: FaultKind.Hang } fault:
                try
                {
                    await Task.Delay(fault.Hang, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return; // A request the client gave up on is never applied.
                }

                break;
        }

        var request = (JsonObject)(await JsonNode.ParseAsync(context.Request.Body))!;
        var query = request["query"]!.GetValue<string>();
        var variables = request["variables"] as JsonObject ?? [];
        var (operation, cost) = query.Contains("inventorySetQuantities", StringComparison.Ordinal) ? ("set", 10)
            : query.Contains("productVariants", StringComparison.Ordinal) ? ("sku", 6)
            : query.Contains("inventoryLevel", StringComparison.Ordinal) ? ("level", 3)
            : ("unknown", 1);
        var (admitted, throttle) = store.Spend(cost);
        if (!admitted)
        {
            await Reply(context, shop, 200, operation + ":throttled", new JsonObject
            {
                ["errors"] = new JsonArray(new JsonObject { ["message"] = "Throttled", ["extensions"] = new JsonObject { ["code"] = "THROTTLED", ["documentation"] = "https://shopify.dev/api/usage/rate-limits" } }),
                ["extensions"] = new JsonObject { ["cost"] = Cost(cost, 0, throttle) },
            }.ToJsonString());
            return;
        }

        var data = operation switch
        {
            "sku" => store.Variants(variables["query"]!.GetValue<string>()),
            "level" => store.Level(variables["id"]!.GetValue<string>(), variables["locationId"]!.GetValue<string>()),
            "set" => store.Set(query, variables),
            _ => null,
        };
        if (data is null)
        {
            await Reply(context, shop, 200, operation, """{"errors":[{"message":"Field is missing or the query is not one this fake knows.","extensions":{"code":"undefinedField"}}]}""");
            return;
        }

        await Reply(context, shop, 200, operation, new JsonObject { ["data"] = data, ["extensions"] = new JsonObject { ["cost"] = Cost(cost, cost, throttle) } }.ToJsonString());
    }

    private static JsonObject Cost(int requested, int actual, JsonObject throttleStatus) => new()
    {
        ["requestedQueryCost"] = requested,
        ["actualQueryCost"] = actual == 0 ? null : actual,
        ["throttleStatus"] = throttleStatus,
    };

    private async Task Reply(HttpContext context, string shop, int status, string operation, string json)
    {
        _requests.Enqueue((DateTimeOffset.UtcNow, shop, status, operation));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(json);
    }
}

/// <summary>One shop of the fake: variants by SKU, available quantities by item and location, its cost bucket.</summary>
public sealed class FakeShop(string domain, string token, long locationId, double restoreRate, double maximumAvailable)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, string> _itemBySku = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _available = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Parameters, JsonObject Response)> _idempotent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _failedKeys = new(StringComparer.Ordinal);
    private readonly double _maximum = maximumAvailable;
    private double _points = maximumAvailable;
    private DateTimeOffset _last = DateTimeOffset.UtcNow;

    public string Domain => domain;

    public string Token => token;

    public string LocationGid => $"gid://shopify/Location/{locationId}";

    public int Throttled { get; private set; }

    /// <summary>Every mutation body that was applied (not replays of an idempotency key).</summary>
    public List<JsonObject> Applied { get; } = [];

    public List<string> IdempotencyKeys { get; } = [];

    /// <summary>A variant with this SKU stocked at the shop's location.</summary>
    public string AddVariant(string sku, long inventoryItemId, int available = 0)
    {
        lock (_lock)
        {
            var gid = $"gid://shopify/InventoryItem/{inventoryItemId}";
            _itemBySku[sku] = gid;
            _available[gid] = available;
            return gid;
        }
    }

    public int? Available(string sku)
    {
        lock (_lock)
        {
            return _itemBySku.TryGetValue(sku, out var gid) && _available.TryGetValue(gid, out var quantity) ? quantity : null;
        }
    }

    /// <summary>A sale or an edit on Shopify's side, which the publisher does not know about.</summary>
    public void ChangeOnShopify(string sku, int available)
    {
        lock (_lock)
        {
            _available[_itemBySku[sku]] = available;
        }
    }

    public void DeleteVariant(string sku)
    {
        lock (_lock)
        {
            _available.Remove(_itemBySku[sku]);
            _itemBySku.Remove(sku);
        }
    }

    internal (bool Admitted, JsonObject ThrottleStatus) Spend(int cost)
    {
        lock (_lock)
        {
            var now = DateTimeOffset.UtcNow;
            _points = Math.Min(_maximum, _points + ((now - _last).TotalSeconds * restoreRate));
            _last = now;
            var admitted = _points >= cost;
            if (admitted)
            {
                _points -= cost;
            }
            else
            {
                Throttled++;
            }

            return (admitted, new JsonObject { ["maximumAvailable"] = _maximum, ["currentlyAvailable"] = Math.Floor(_points), ["restoreRate"] = restoreRate });
        }
    }

    internal JsonObject Variants(string search)
    {
        lock (_lock)
        {
            var sku = search.StartsWith("sku:\"", StringComparison.Ordinal) ? search[5..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : search;
            var nodes = _itemBySku.TryGetValue(sku, out var gid)
                ? new JsonArray(new JsonObject { ["sku"] = sku, ["inventoryItem"] = new JsonObject { ["id"] = gid } })
                : [];
            return new JsonObject { ["productVariants"] = new JsonObject { ["nodes"] = nodes } };
        }
    }

    internal JsonObject Level(string itemGid, string locationGid)
    {
        lock (_lock)
        {
            if (!_available.TryGetValue(itemGid, out var quantity))
            {
                return new JsonObject { ["inventoryItem"] = null };
            }

            JsonNode? level = locationGid == LocationGid
                ? new JsonObject { ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = quantity }) }
                : null;
            return new JsonObject { ["inventoryItem"] = new JsonObject { ["inventoryLevel"] = level } };
        }
    }

    internal JsonObject? Set(string query, JsonObject variables)
    {
        var key = variables["idempotencyKey"]?.GetValue<string>();
        if (!query.Contains("@idempotent(key:", StringComparison.Ordinal) || string.IsNullOrEmpty(key))
        {
            return Payload(UserError("IDEMPOTENCY_KEY_REQUIRED", ["idempotencyKey"], "The @idempotent directive with a key is required from 2026-04."));
        }

        var input = (JsonObject)variables["input"]!;
        var parameters = input.ToJsonString();
        lock (_lock)
        {
            IdempotencyKeys.Add(key);
            if (_failedKeys.Contains(key))
            {
                // Shopify (2026-10 InventorySetQuantitiesUserErrorCode): a key whose attempt failed is not tried again.
                return Payload(UserError("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", ["idempotencyKey"], "An earlier request with this key failed; use a new key."));
            }

            if (_idempotent.TryGetValue(key, out var earlier))
            {
                return earlier.Parameters == parameters
                    ? (JsonObject)earlier.Response.DeepClone()
                    : Payload(UserError("IDEMPOTENCY_KEY_PARAMETER_MISMATCH", ["idempotencyKey"], "The same idempotency key cannot be used with different operation parameters."));
            }

            var changes = new JsonArray();
            var quantities = input["quantities"]!.AsArray().OfType<JsonObject>().ToList();
            for (var i = 0; i < quantities.Count; i++)
            {
                var q = quantities[i];
                var item = q["inventoryItemId"]!.GetValue<string>();
                JsonArray field = ["input", "quantities", i.ToString(CultureInfo.InvariantCulture)];
                if (q["locationId"]!.GetValue<string>() != LocationGid)
                {
                    return Failed(key, UserError("INVALID_LOCATION", [.. field.Select(f => f!.DeepClone()), "locationId"], "The specified location could not be found."));
                }

                if (!_available.TryGetValue(item, out var current))
                {
                    return Failed(key, UserError("INVALID_INVENTORY_ITEM", [.. field.Select(f => f!.DeepClone()), "inventoryItemId"], "The specified inventory item could not be found."));
                }

                if (!q.ContainsKey("changeFromQuantity"))
                {
                    return Failed(key, UserError("CHANGE_FROM_QUANTITY_REQUIRED", [.. field.Select(f => f!.DeepClone()), "changeFromQuantity"], "changeFromQuantity is required from 2026-04; pass null to opt out."));
                }

                if (q["changeFromQuantity"] is JsonValue from && from.GetValue<int>() != current)
                {
                    return Failed(key, UserError("CHANGE_FROM_QUANTITY_STALE", [.. field.Select(f => f!.DeepClone()), "changeFromQuantity"], "The changeFromQuantity value does not match persisted value."));
                }

                var quantity = q["quantity"]!.GetValue<int>();
                changes.Add(new JsonObject { ["name"] = "available", ["delta"] = quantity - current, ["quantityAfterChange"] = null });
                _available[item] = quantity;
            }

            Applied.Add((JsonObject)input.DeepClone());
            var response = Payload(null, new JsonObject { ["reason"] = input["reason"]?.DeepClone(), ["changes"] = changes });
            _idempotent[key] = (parameters, (JsonObject)response.DeepClone());
            return response;
        }
    }

    private JsonObject Failed(string key, JsonObject userError)
    {
        _failedKeys.Add(key);
        return Payload(userError);
    }

    private static JsonObject UserError(string code, JsonArray field, string message) => new() { ["code"] = code, ["field"] = field, ["message"] = message };

    private static JsonObject Payload(JsonObject? userError, JsonObject? group = null) => new()
    {
        ["inventorySetQuantities"] = new JsonObject
        {
            ["inventoryAdjustmentGroup"] = group,
            ["userErrors"] = userError is null ? [] : new JsonArray(userError),
        },
    };
}

public enum FaultKind
{
    TooManyRequests,
    ServerError,
    Hang,
}

public sealed record Fault(FaultKind Kind, double RetryAfterSeconds = 1, TimeSpan Hang = default);

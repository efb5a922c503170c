using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OrderOps.Testing;

/// <summary>
/// What OrderOps talks to, on Kestrel at 127.0.0.1 (a free port): fulfillment locations (<c>POST /locations/{id}</c>,
/// idempotent by the Idempotency-Key header as the adapter contract asks) and Shopify's GraphQL Admin API
/// (<c>POST /admin/api/{version}/graphql.json</c>: the order's fulfillment orders, fulfillmentCreate, orderCancel, and
/// for inventory pushes an item's available level, inventorySetQuantities, and a SKU search that finds nothing).
/// Every call is recorded with a monotonic timestamp.
/// </summary>
public sealed class FakeOutsideWorld : IAsyncDisposable
{
    /// <summary>Line ids of Shopify's published order 450789469 (every test order is a copy of it).</summary>
    public static readonly string[] PublishedLineIds = ["466157049", "518995019", "703073504"];

    private readonly WebApplication _app;

    private FakeOutsideWorld(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>(location, type, orderId, idempotency key, first time?).</summary>
    public ConcurrentQueue<(string Location, string Type, string OrderId, bool First)> LocationCalls { get; } = new();

    /// <summary>How each location call framed its body: its Content-Length, and whether it came chunked.</summary>
    public ConcurrentQueue<(long? ContentLength, bool Chunked)> LocationBodies { get; } = new();

    /// <summary>Fulfillments created in Shopify: (order gid, tracking number, when, Stopwatch ticks).</summary>
    public ConcurrentQueue<(string OrderGid, string? TrackingNumber, long Ticks)> Fulfillments { get; } = new();

    public ConcurrentQueue<string> Cancellations { get; } = new();

    /// <summary>
    /// When set, orderCancel answers this <c>orderCancelUserErrors</c> entry (a code of Shopify's published
    /// OrderCancelUserErrorCode, e.g. NO_REFUND_PERMISSION) and cancels nothing.
    /// </summary>
    public (string Code, string Message)? CancelRefusal { get; set; }

    /// <summary>Available quantity per inventory item gid, as inventorySetQuantities last set it.</summary>
    public ConcurrentDictionary<string, int> InventoryAvailable { get; } = new();

    /// <summary>inventorySetQuantities answers this userError code for these inventory item gids (and sets nothing).</summary>
    public ConcurrentDictionary<string, string> InventoryRefusals { get; } = new();

    /// <summary>Status code a location answers (200 by default; 409 answers <c>{"status":"already_shipped"}</c>).</summary>
    public ConcurrentDictionary<string, int> LocationStatus { get; } = new();

    /// <summary>How long a location takes to answer (to hold calls in flight when a test kills the caller).</summary>
    public TimeSpan LocationDelay { get; set; }

    /// <summary>Location calls answered so far (a call received but not answered is in flight).</summary>
    public int LocationAnswers => _locationAnswers;

    private int _locationAnswers;

    private ConcurrentDictionary<string, bool> SeenKeys { get; } = new();

    private ConcurrentDictionary<string, ConcurrentBag<string>> TrackingByOrder { get; } = new();

    public static async Task<FakeOutsideWorld> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var world = new FakeOutsideWorld(app);
        app.MapPost("/locations/{id}", world.LocationAsync);
        app.MapPost("/admin/api/{version}/graphql.json", world.ShopifyAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        world.BaseAddress = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
        return world;
    }

    public string LocationUrl(string id) => new Uri(BaseAddress, "/locations/" + id).ToString();

    /// <summary>App settings wiring OrderOps to this world (configuration-key form: use "__" for environment variables).</summary>
    public Dictionary<string, string> Settings(params string[] locations)
    {
        var settings = new Dictionary<string, string>
        {
            ["Channels:Shopify:AdminAccessToken"] = "shpat_fake",
            ["Channels:Shopify:AdminApiBaseUrl"] = BaseAddress.ToString(),
        };
        foreach (var location in locations)
        {
            settings[$"Fulfillment:Locations:{location}:Url"] = LocationUrl(location);
        }

        return settings;
    }

    /// <summary>
    /// Settings that push the <c>shopify</c> inventory channel (from <paramref name="location"/>, 1 unit of buffer) to
    /// this world's Shopify as the webhooks' shop, each SKU of <paramref name="items"/> mapped to its inventory item id.
    /// </summary>
    public Dictionary<string, string> ShopifyInventorySettings(string location, IReadOnlyDictionary<string, long> items)
    {
        var settings = new Dictionary<string, string>
        {
            ["Inventory:Locations:0"] = location,
            ["Inventory:Channels:shopify:Locations:0"] = location,
            ["Inventory:Channels:shopify:Buffer:Absolute"] = "1",
            ["Channels:Shopify:Inventory:ShopDomain"] = ShopifyWebhooks.Shop,
            ["Channels:Shopify:Inventory:BaseAddress"] = BaseAddress.ToString(),
            ["Channels:Shopify:Inventory:AccessToken"] = "shpat_fake",
            ["Channels:Shopify:Inventory:LocationId"] = "655441491",
        };
        foreach (var (sku, item) in items)
        {
            settings[$"Channels:Shopify:Inventory:InventoryItemIds:{sku}"] = item.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return settings;
    }

    /// <summary>The gid Shopify gives inventory item <paramref name="id"/>.</summary>
    public static string InventoryItem(long id) => "gid://shopify/InventoryItem/" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public int Releases(string? orderId = null) => LocationCalls.Count(c => c.Type == "release" && c.First && (orderId is null || c.OrderId == orderId));

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<IResult> LocationAsync(string id, HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        LocationBodies.Enqueue((request.ContentLength, request.Headers.TransferEncoding.ToString().Contains("chunked", StringComparison.OrdinalIgnoreCase)));
        var key = request.Headers["Idempotency-Key"].ToString();
        var first = SeenKeys.TryAdd(id + "|" + key, true);
        LocationCalls.Enqueue((id, body?["type"]?.GetValue<string>() ?? "?", body?["orderId"]?.GetValue<string>() ?? "?", first));
        if (LocationDelay > TimeSpan.Zero)
        {
            await Task.Delay(LocationDelay);
        }

        Interlocked.Increment(ref _locationAnswers);
        var status = LocationStatus.GetValueOrDefault(id, 200);
        return Results.Json(new { status = status switch { < 300 => "accepted", 409 => "already_shipped", _ => "failed" } }, statusCode: status);
    }

    private async Task<IResult> ShopifyAsync(HttpRequest request)
    {
        if (request.Headers["X-Shopify-Access-Token"].ToString() != "shpat_fake")
        {
            return Results.Json(new { errors = "[API] Invalid API key or access token" }, statusCode: 401);
        }

        var body = (await JsonNode.ParseAsync(request.Body))!;
        var query = body["query"]!.GetValue<string>();
        var variables = body["variables"]!;
        if (query.Contains("fulfillmentCreate", StringComparison.Ordinal))
        {
            var fulfillment = variables["fulfillment"]!;
            var tracking = fulfillment["trackingInfo"]?["number"]?.GetValue<string>();
            var foId = fulfillment["lineItemsByFulfillmentOrder"]![0]!["fulfillmentOrderId"]!.GetValue<string>();
            var orderGid = "gid://shopify/Order/" + foId.Split('/')[^1];
            Fulfillments.Enqueue((orderGid, tracking, Stopwatch.GetTimestamp()));
            TrackingByOrder.GetOrAdd(orderGid, _ => []).Add(tracking ?? string.Empty);
            return Results.Json(new { data = new { fulfillmentCreate = new { fulfillment = new { id = "gid://shopify/Fulfillment/" + Fulfillments.Count }, userErrors = Array.Empty<object>() } } });
        }

        if (InventoryAnswer(query, variables) is { } inventory)
        {
            return Results.Json(inventory, (JsonSerializerOptions?)null);
        }

        if (query.Contains("orderCancel", StringComparison.Ordinal))
        {
            if (CancelRefusal is { } refusal)
            {
                return Results.Json(new { data = new { orderCancel = new { job = (object?)null, orderCancelUserErrors = new[] { new { field = (string[]?)null, message = refusal.Message, code = refusal.Code } } } } });
            }

            Cancellations.Enqueue(variables["orderId"]!.GetValue<string>());
            return Results.Json(new { data = new { orderCancel = new { job = new { id = "gid://shopify/Job/1" }, orderCancelUserErrors = Array.Empty<object>() } } });
        }

        // The order with one open fulfillment order holding every published line (ids carry the order id to match back).
        var gid = variables["id"]!.GetValue<string>();
        var orderNumber = gid.Split('/')[^1];
        var tracked = TrackingByOrder.TryGetValue(gid, out var numbers) ? numbers.ToArray() : [];
        var order = new JsonObject
        {
            // An order cancelled here reads as cancelled, so a second cancel is recognised as done, as on Shopify.
            ["cancelledAt"] = Cancellations.Contains(gid) ? "2026-01-01T00:00:00Z" : null,
            ["fulfillments"] = new JsonArray(tracked.Select(n => (JsonNode?)new JsonObject { ["trackingInfo"] = new JsonArray(new JsonObject { ["number"] = n }) }).ToArray()),
            ["fulfillmentOrders"] = new JsonObject
            {
                ["nodes"] = new JsonArray(new JsonObject
                {
                    ["id"] = "gid://shopify/FulfillmentOrder/" + orderNumber,
                    ["status"] = "OPEN",
                    ["lineItems"] = new JsonObject
                    {
                        ["nodes"] = new JsonArray(PublishedLineIds.Select(l => (JsonNode?)new JsonObject
                        {
                            ["id"] = $"gid://shopify/FulfillmentOrderLineItem/{l}", ["remainingQuantity"] = 100, ["lineItem"] = new JsonObject { ["id"] = "gid://shopify/LineItem/" + l },
                        }).ToArray()),
                    },
                }),
            },
        };
        return Results.Json(new JsonObject { ["data"] = new JsonObject { ["order"] = order } }, (JsonSerializerOptions?)null);
    }

    private JsonObject? InventoryAnswer(string query, JsonNode variables)
    {
        if (query.Contains("inventorySetQuantities", StringComparison.Ordinal))
        {
            var quantity = variables["input"]!["quantities"]![0]!;
            var item = quantity["inventoryItemId"]!.GetValue<string>();
            var errors = new JsonArray();
            if (InventoryRefusals.TryGetValue(item, out var code))
            {
                errors.Add(new JsonObject { ["code"] = code, ["field"] = new JsonArray("input"), ["message"] = "The location is not valid." });
            }
            else
            {
                InventoryAvailable[item] = quantity["quantity"]!.GetValue<int>();
            }

            return new JsonObject { ["data"] = new JsonObject { ["inventorySetQuantities"] = new JsonObject { ["userErrors"] = errors } } };
        }

        if (query.Contains("inventoryLevel", StringComparison.Ordinal))
        {
            var available = InventoryAvailable.GetValueOrDefault(variables["id"]!.GetValue<string>());
            return new JsonObject
            {
                ["data"] = new JsonObject
                {
                    ["inventoryItem"] = new JsonObject
                    {
                        ["inventoryLevel"] = new JsonObject { ["quantities"] = new JsonArray(new JsonObject { ["name"] = "available", ["quantity"] = available }) },
                    },
                },
            };
        }

        return query.Contains("productVariants", StringComparison.Ordinal)
            ? new JsonObject { ["data"] = new JsonObject { ["productVariants"] = new JsonObject { ["nodes"] = new JsonArray() } } }
            : null;
    }
}

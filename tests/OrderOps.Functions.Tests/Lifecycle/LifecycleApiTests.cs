using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using OrderOps.Testing.Storage;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>The lifecycle through the app's HTTP surface, against fake locations and a fake Shopify Admin API.</summary>
public sealed class LifecycleApiTests : IAsyncLifetime
{
    private FakeOutsideWorld _world = null!;
    private AppFactory _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        _app = new AppFactory(settings: _world.Settings("east", "west"));
        _client = _app.CreateKeyedClient();
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
        {
            await stock.SetOnHandAsync("east", sku, 5, default);
        }
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task A_webhook_order_is_released_shipped_with_tracking_told_to_shopify_and_completed()
    {
        var orderId = await PlaceAsync(1001);
        var released = await _app.WaitForOrderAsync(orderId, v => Status(v) == "released");
        Assert.Equal(1, _world.Releases(orderId));
        Assert.Equal("east", released.GetProperty("lifecycle").GetProperty("releasedLocations")[0].GetString());
        Assert.Contains(released.GetProperty("lifecycle").GetProperty("pendingTimers").EnumerateArray(), t => t.GetProperty("kind").GetString() == "fulfillment-ack");

        using (var shipped = await _client.PostAsJsonAsync("/api/fulfillment/events", Shipped(orderId, "east", "ship-1", "1Z999")))
        {
            Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        }

        var view = await _app.WaitForOrderAsync(orderId, v => Status(v) == "shipped");
        Assert.Contains(_world.Fulfillments, f => f.OrderGid == "gid://shopify/Order/1001" && f.TrackingNumber == "1Z999");
        Assert.True(view.GetProperty("lifecycle").GetProperty("shipments")[0].GetProperty("channelNotified").GetBoolean());

        using (await _client.PostAsJsonAsync("/api/fulfillment/events", new { eventId = "d1", type = "delivered", orderId, locationId = "east" }))
        {
        }

        var done = await _app.WaitForOrderAsync(orderId, v => Status(v) == "completed");
        var moves = done.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "lifecycle.transition")
            .Select(e => e.GetProperty("data").GetProperty("to").GetString()).ToList();
        Assert.Equal(["validated", "allocated", "released", "shipped", "delivered", "completed"], moves);
        Assert.Empty(done.GetProperty("lifecycle").GetProperty("pendingTimers").EnumerateArray());
    }

    [Fact]
    public async Task Fulfillment_events_need_the_key_and_a_valid_body()
    {
        using var anonymous = _app.CreateClient();
        using (var response = await anonymous.PostAsJsonAsync("/api/fulfillment/events", Shipped("x", "east", "s", "t")))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var bad = await _client.PostAsJsonAsync("/api/fulfillment/events", new { type = "shipped", orderId = "x", locationId = "east" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("shipmentId", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("lines", out _));
    }

    [Fact]
    public async Task An_unresolvable_order_lands_in_the_exception_queue_and_an_operator_retry_resolves_it()
    {
        var stock = _app.Services.GetRequiredService<IInventoryLedger>();
        await stock.SetOnHandAsync("east", "IPOD2008RED", 0, default);
        var orderId = await PlaceAsync(1002);
        await _app.WaitForOrderAsync(orderId, v => v.GetProperty("lifecycle").GetProperty("openExceptions").GetArrayLength() > 0);

        var list = await _client.GetFromJsonAsync<JsonElement>("/api/exceptions");
        var exception = Assert.Single(list.GetProperty("exceptions").EnumerateArray(), e => e.GetProperty("orderId").GetString() == orderId);
        Assert.Equal(("insufficient-stock", "shopify", "open"), (exception.GetProperty("kind").GetString(), exception.GetProperty("channel").GetString(), exception.GetProperty("status").GetString()));
        Assert.Equal(["retry", "cancel"], exception.GetProperty("options").EnumerateArray().Select(o => o.GetString()));
        Assert.False(string.IsNullOrEmpty(exception.GetProperty("recommendedAction").GetString()));
        var id = exception.GetProperty("exceptionId").GetString()!;

        using (var wrong = await _client.PostAsJsonAsync($"/api/exceptions/{Uri.EscapeDataString(id)}/resolve", new { resolution = "override", reason = "no" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode);
        }

        using (var missing = await _client.PostAsJsonAsync("/api/exceptions/nope/resolve", new { resolution = "retry" }))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await stock.SetOnHandAsync("east", "IPOD2008RED", 5, default);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/exceptions/{Uri.EscapeDataString(id)}/resolve") { Content = JsonContent.Create(new { resolution = "retry" }) };
        request.Headers.Add("X-OrderOps-Operator", "ann");
        using var resolved = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("released", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());

        var all = await _client.GetFromJsonAsync<JsonElement>("/api/exceptions?status=all");
        var closed = Assert.Single(all.GetProperty("exceptions").EnumerateArray(), e => e.GetProperty("exceptionId").GetString() == id);
        Assert.Equal(("resolved", "retry", "operator:ann"), (closed.GetProperty("status").GetString(), closed.GetProperty("resolution").GetString(), closed.GetProperty("resolvedBy").GetString()));
        var events = (await _client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId)).GetProperty("events").EnumerateArray();
        Assert.Contains(events, e => e.GetProperty("type").GetString() == "lifecycle.exceptionResolved" && e.GetProperty("actor").GetString() == "operator:ann");
    }

    [Fact]
    public async Task Stock_an_order_gives_back_when_cancelled_goes_to_the_order_waiting_for_it()
    {
        await _app.Services.GetRequiredService<IInventoryLedger>().SetOnHandAsync("east", "IPOD2008RED", 1, default);
        var holding = await PlaceAsync(1021);
        await _app.WaitForOrderAsync(holding, v => Status(v) == "released");
        var waiting = await PlaceAsync(1022);
        await _app.WaitForOrderAsync(waiting, v => v.GetProperty("lifecycle").GetProperty("openExceptions").EnumerateArray()
            .Any(e => e.GetProperty("kind").GetString() == "insufficient-stock"));

        using (var cancelled = await _client.PostAsJsonAsync($"/api/orders/{holding}/cancel", new { reason = "customer called" }))
        {
            Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        }

        // The give-back reaches the ledger, whose announcement retries the waiting order: no receipt, no operator.
        var view = await _app.WaitForOrderAsync(waiting, v => Status(v) == "released");
        Assert.Contains(view.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "lifecycle.exceptionResolved"
            && e.GetProperty("actor").GetString() == "system:stock-arrived" && e.GetProperty("data").GetProperty("kind").GetString() == "insufficient-stock");
        Assert.Equal(1, (await _app.Services.GetRequiredService<IInventoryLedger>().GetStockAsync()).Single(s => s is { LocationId: "east", Sku: "IPOD2008RED" }).Reserved);
    }

    [Fact]
    public async Task A_cancel_with_a_malformed_body_is_400_and_changes_nothing()
    {
        var orderId = await PlaceAsync(1011);
        await _app.WaitForOrderAsync(orderId, v => Status(v) == "released");

        using var response = await _client.PostAsync(new Uri($"/api/orders/{orderId}/cancel", UriKind.Relative), new StringContent("{\"reason\":", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("released", Status(await _app.WaitForOrderAsync(orderId)));
        Assert.DoesNotContain(_world.LocationCalls, c => c.Type == "cancel" && c.OrderId == orderId);
    }

    [Fact]
    public async Task A_fulfillment_event_for_an_unknown_order_or_location_is_refused_not_dropped()
    {
        var orderId = await PlaceAsync(1012);
        await _app.WaitForOrderAsync(orderId, v => Status(v) == "released");

        using var unknownOrder = await _client.PostAsJsonAsync("/api/fulfillment/events", Shipped("shopify:example.myshopify.com:999999", "east", "ship-x", "1Z0"));
        using var unknownLocation = await _client.PostAsJsonAsync("/api/fulfillment/events", Shipped(orderId, "moon", "ship-y", "1Z1"));

        Assert.Equal(HttpStatusCode.NotFound, unknownOrder.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownLocation.StatusCode);
        Assert.Equal("application/problem+json", unknownLocation.Content.Headers.ContentType?.MediaType);
        var lifecycle = _app.Services.GetRequiredService<DurableTaskClient>();
        Assert.Null(await lifecycle.GetInstanceAsync(OrderLifecycleNames.InstanceId("shopify:example.myshopify.com:999999")));
        Assert.DoesNotContain("ship-y", (await _app.WaitForOrderAsync(orderId)).GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_cancel_after_release_cancels_at_the_location_and_in_shopify()
    {
        var orderId = await PlaceAsync(1003);
        await _app.WaitForOrderAsync(orderId, v => Status(v) == "released");

        using var response = await _client.PostAsJsonAsync($"/api/orders/{orderId}/cancel", new { reason = "customer called" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.Contains(_world.LocationCalls, c => c is { Type: "cancel", Location: "east" } && c.OrderId == orderId);
        Assert.Contains("gid://shopify/Order/1003", _world.Cancellations);
        Assert.Equal(0, (await _app.Services.GetRequiredService<IInventoryLedger>().GetStockAsync()).Sum(s => s.Reserved));
    }

    [Fact]
    public async Task A_shopify_cancellation_webhook_runs_the_compensations_without_cancelling_in_shopify_again()
    {
        var orderId = $"shopify:{ShopifyWebhooks.Shop}:450789469";
        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedOrderBody(), AppFactory.WebhookSecret)))
        {
        }

        await _app.WaitForOrderAsync(orderId, v => Status(v) == "released");
        using (await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.PublishedCancelledOrderBody(), AppFactory.WebhookSecret, topic: "orders/cancelled")))
        {
        }

        var view = await _app.WaitForOrderAsync(orderId, v => Status(v) == "cancelled");
        Assert.Contains(_world.LocationCalls, c => c is { Type: "cancel", Location: "east" } && c.OrderId == orderId);
        Assert.Empty(_world.Cancellations);
        Assert.Contains(view.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "lifecycle.compensated");
    }

    private static string? Status(JsonElement view) => view.GetProperty("status").GetString();

    private async Task<string> PlaceAsync(long shopifyOrderId)
    {
        using var response = await _client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(shopifyOrderId), AppFactory.WebhookSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return $"shopify:{ShopifyWebhooks.Shop}:{shopifyOrderId}";
    }

    internal static object Shipped(string orderId, string location, string shipmentId, string tracking) => new
    {
        eventId = "evt-" + shipmentId,
        type = "shipped",
        orderId,
        locationId = location,
        shipmentId,
        carrier = "UPS",
        trackingNumber = tracking,
        lines = FakeOutsideWorld.PublishedLineIds.Select(l => new { lineId = l, quantity = 1 }).ToArray(),
    };
}

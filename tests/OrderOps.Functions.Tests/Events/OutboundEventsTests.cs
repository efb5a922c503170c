using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using OrderOps.Core.Ports;
using OrderOps.Functions.Tests.Lifecycle;
using OrderOps.Testing;
using OrderOps.Testing.Storage;

namespace OrderOps.Functions.Tests.Events;

/// <summary>
/// Outbound events from the standalone app to a webhook subscriber on loopback: written by the stores' commits, signed,
/// in order per order, once; a failing subscriber parks, a gone one is disabled, a slow one slows nothing else.
/// </summary>
public sealed class OutboundEventsTests : IAsyncLifetime
{
    private FakeOutsideWorld _world = null!;
    private EventSubscriber _subscriber = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        _subscriber = await EventSubscriber.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _subscriber.DisposeAsync();
        await _world.DisposeAsync();
    }

    [Fact]
    public async Task An_order_that_ships_is_told_to_the_subscriber_signed_in_order_once()
    {
        await using var app = await StartAppAsync();
        using var client = app.CreateKeyedClient();
        var orderId = await PlaceAsync(app, 2001);
        await app.WaitForOrderAsync(orderId, v => Status(v) == "released");
        using (var shipped = await client.PostAsJsonAsync("/api/fulfillment/events", LifecycleApiTests.Shipped(orderId, "east", "ship-1", "1Z1")))
        {
            Assert.Equal(HttpStatusCode.Accepted, shipped.StatusCode);
        }

        var received = await WaitForAsync(() => _subscriber.Accepted.Where(d => d.Subject == orderId).ToList(), list => list.Any(d => d.Type == "orderops.order.shipped"));

        // The fixture order was placed long ago, so its ship-by timer has fired too (exception events in between).
        Assert.Equal(
            ["orderops.order.received", "orderops.order.validated", "orderops.order.allocated", "orderops.order.released", "orderops.shipment.recorded", "orderops.order.shipped"],
            received.Select(d => d.Type).Where(t => !t.StartsWith("orderops.exception.", StringComparison.Ordinal)));
        Assert.All(received, d => Assert.True(d.SignatureValid && d.ContentLength > 0));
        Assert.Equal(received.Count, received.Select(d => d.Id).Distinct().Count());
        var sequences = received.Select(d => d.Envelope["data"]!["sequence"]!.GetValue<long>()).ToList();
        Assert.Equal(sequences.Order(), sequences);
        var first = received[0].Envelope;
        Assert.Equal(("1.0", "urn:orderops", orderId), (first["specversion"]!.GetValue<string>(), first["source"]!.GetValue<string>(), first["subject"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_subscriber_that_keeps_failing_is_parked_listed_and_replayed_in_order()
    {
        _subscriber.Status = 503;
        await using var app = await StartAppAsync(new() { ["Events:Delivery:MaxAttempts"] = "1", ["Events:WebhookDelivery:MaxRetryAttempts"] = "1", ["Events:WebhookDelivery:RetryBaseDelay"] = "00:00:00.010" });
        using var client = app.CreateKeyedClient();
        var orderId = await PlaceAsync(app, 2002);
        await app.WaitForOrderAsync(orderId, v => Status(v) == "released");

        var parked = await WaitForAsync(
            async () => await client.GetFromJsonAsync<JsonElement>("/api/events/subscribers/erp/parked"),
            body => body.GetProperty("deliveries").GetArrayLength() > 0);
        var head = parked.GetProperty("deliveries")[0];
        Assert.Equal(("orderops.order.received", "HTTP 503 Service Unavailable"), (head.GetProperty("type").GetString(), head.GetProperty("lastError").GetString()));
        // Nothing of the order overtook the parked event.
        Assert.DoesNotContain(_subscriber.Accepted, d => d.Subject == orderId);

        _subscriber.Status = 200;
        using (var replay = await client.PostAsync(new Uri("/api/events/subscribers/erp/replay", UriKind.Relative), null))
        {
            Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        }

        var received = await WaitForAsync(() => _subscriber.Accepted.Where(d => d.Subject == orderId).ToList(), list => list.Any(d => d.Type == "orderops.order.released"));
        Assert.Equal(["orderops.order.received", "orderops.order.validated", "orderops.order.allocated", "orderops.order.released"],
            received.Select(d => d.Type).Where(t => !t.StartsWith("orderops.exception.", StringComparison.Ordinal)).Take(4));
    }

    [Fact]
    public async Task A_subscriber_answering_410_is_disabled_for_an_operator_and_keeps_its_events_until_replayed()
    {
        _subscriber.Status = 410;
        await using var app = await StartAppAsync();
        using var client = app.CreateKeyedClient();
        var orderId = await PlaceAsync(app, 2003);

        var listed = await WaitForAsync(
            async () => await client.GetFromJsonAsync<JsonElement>("/api/events/subscribers"),
            body => body.GetProperty("subscribers")[0].GetProperty("disabled").GetBoolean());
        Assert.Equal("HTTP 410 Gone", listed.GetProperty("subscribers")[0].GetProperty("reason").GetString());
        await app.WaitForOrderAsync(orderId, v => Status(v) == "released");
        var pending = await client.GetFromJsonAsync<JsonElement>("/api/events/subscribers/erp/parked?all=true");
        Assert.True(pending.GetProperty("deliveries").GetArrayLength() >= 4);

        _subscriber.Status = 200;
        using (await client.PostAsync(new Uri("/api/events/subscribers/erp/replay", UriKind.Relative), null))
        {
        }

        var received = await WaitForAsync(() => _subscriber.Accepted.Where(d => d.Subject == orderId).ToList(), list => list.Any(d => d.Type == "orderops.order.released"));
        Assert.Equal("orderops.order.received", received[0].Type);
    }

    [Fact]
    public async Task A_slow_subscriber_does_not_hold_up_the_order()
    {
        _subscriber.Delay = TimeSpan.FromSeconds(30);
        await using var app = await StartAppAsync(new() { ["Events:WebhookDelivery:AttemptTimeout"] = "00:01:00" });
        var orderId = await PlaceAsync(app, 2004);

        await app.WaitForOrderAsync(orderId, v => Status(v) == "released");

        // The order went all the way while the subscriber still sits on (at most) the first event.
        Assert.True(_subscriber.Deliveries.Count <= 1, $"{_subscriber.Deliveries.Count} deliveries arrived.");
    }

    [Fact]
    public async Task Unknown_subscribers_are_404_and_the_endpoints_need_the_key()
    {
        await using var app = await StartAppAsync();
        using var keyed = app.CreateKeyedClient();
        using var anonymous = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await keyed.GetAsync(new Uri("/api/events/subscribers/nobody/parked", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await keyed.PostAsync(new Uri("/api/events/subscribers/nobody/replay", UriKind.Relative), null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(new Uri("/api/events/subscribers", UriKind.Relative))).StatusCode);
    }

    private async Task<AppFactory> StartAppAsync(Dictionary<string, string>? extra = null)
    {
        var settings = _world.Settings("east");
        foreach (var (key, value) in _subscriber.Settings("erp"))
        {
            settings[key] = value;
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var app = new AppFactory(settings);
        var stock = app.Services.GetRequiredService<IInventoryLedger>();
        foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
        {
            await stock.SetOnHandAsync("east", sku, 5, default);
        }

        return app;
    }

    private static async Task<string> PlaceAsync(AppFactory app, long shopifyOrderId)
    {
        using var client = app.CreateClient();
        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(shopifyOrderId), AppFactory.WebhookSecret));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return $"shopify:{ShopifyWebhooks.Shop}:{shopifyOrderId}";
    }

    private static string Status(JsonElement view) => view.GetProperty("status").GetString()!;

    private static Task<T> WaitForAsync<T>(Func<T> read, Func<T, bool> until) => WaitForAsync(() => Task.FromResult(read()), until);

    private static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var value = await read();
            if (until(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The expected deliveries did not arrive.");
            }

            await Task.Delay(20);
        }
    }
}

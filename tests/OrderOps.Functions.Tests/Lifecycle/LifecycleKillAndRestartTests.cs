using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrderOps.Functions.Tests.Lossless;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Testing.Storage;
using OrderOps.Testing;

namespace OrderOps.Functions.Tests.Lifecycle;

/// <summary>
/// The real standalone process killed (SIGKILL) mid-orchestration: while orders are being allocated and released
/// (activities in flight), while shipment events are being applied (events in flight), and while orders wait on a
/// durable timer. After each restart every order reaches the right state exactly once in its history, stock
/// reservations match, Shopify heard about every shipment, and the timers fire.
/// </summary>
[Collection(nameof(RealProcessCollection))]
public sealed class LifecycleKillAndRestartTests : IAsyncLifetime
{
    private const string ApiKey = "lifecycle-kill-key";
    private const string Secret = "lifecycle-kill-secret";
    private const int Orders = 30;
    private static readonly string[] Locations = ["east", "west", "north"];
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-lifecycle-kill", Guid.NewGuid().ToString("N"));
    private FakeOutsideWorld _world = null!;

    public async Task InitializeAsync()
    {
        _world = await FakeOutsideWorld.StartAsync();
        using var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _dataDirectory });
        var stock = new SqliteInventoryLedger(database, TimeProvider.System);
        foreach (var location in Locations)
        {
            foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
            {
                await stock.SetOnHandAsync(location, sku, 1000, default);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        if (Directory.Exists(_dataDirectory))
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task Killed_mid_orchestration_every_order_resumes_and_ends_right_after_restart()
    {
        // 1. Kill while orders are being validated, allocated and released: the locations answer slowly, so releases
        //    are in flight (received by the location, not yet recorded by OrderOps) when the process dies.
        _world.LocationDelay = TimeSpan.FromSeconds(2);
        var acknowledged = new System.Collections.Concurrent.ConcurrentQueue<long>();
        await using (var first = await StartAsync())
        {
            using var client = first.CreateClient();
            var sender = Task.Run(async () =>
            {
                for (var id = 7001L; id <= 7000 + Orders; id++)
                {
                    try
                    {
                        using var response = await client.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(id), Secret));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            acknowledged.Enqueue(id);
                        }
                    }
                    catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                    {
                        return; // killed: this delivery was never acknowledged
                    }
                }
            });

            await WaitAsync(() => _world.Releases() >= 3);
            var inFlight = _world.Releases() - _world.LocationAnswers;
            first.Kill();
            await sender;
            Assert.True(inFlight > 0, "No release was in flight when the process died; nothing was interrupted.");
        }

        _world.LocationDelay = TimeSpan.Zero;
        var orderIds = acknowledged.Select(id => $"shopify:{ShopifyWebhooks.Shop}:{id}").ToList();
        Assert.NotEmpty(orderIds);

        // 2. Restart: every order is released exactly once; then kill while shipments are being applied.
        await using (var second = await StartAsync())
        {
            using var client = second.CreateClient(ApiKey);
            foreach (var orderId in orderIds.ToList())
            {
                await WaitForStatusAsync(client, orderId, "released");
            }

            // A delivery processed before the kill whose 200 never reached the sender is an order too.
            var page = await client.GetFromJsonAsync<JsonElement>("/api/orders?pageSize=200");
            orderIds = orderIds.Union(page.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!)).ToList();
            foreach (var orderId in orderIds)
            {
                await WaitForStatusAsync(client, orderId, "released");
            }

            foreach (var orderId in orderIds)
            {
                var view = await client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId);
                Assert.Single(Transitions(view), "released");
                Assert.Equal(1, _world.Releases(orderId));
            }

            var sent = 0;
            foreach (var orderId in orderIds)
            {
                var location = (await client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId)).GetProperty("lifecycle").GetProperty("releasedLocations")[0].GetString()!;
                using var response = await client.PostAsJsonAsync("/api/fulfillment/events", LifecycleApiTests.Shipped(orderId, location, "ship-" + orderId.Split(':')[^1], "TRK" + orderId.Split(':')[^1]));
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                if (++sent == orderIds.Count / 2)
                {
                    await WaitAsync(() => !_world.Fulfillments.IsEmpty);
                    second.Kill();
                    break;
                }
            }
        }

        // 3. Restart: the rest of the shipments arrive (the first half again, as a location retrying would).
        await using var third = await StartAsync();
        using var last = third.CreateClient(ApiKey);

        // Deliveries whose 200 was lost are redelivered from the durable ingest queue; count every stored order.
        var all = await last.GetFromJsonAsync<JsonElement>("/api/orders?pageSize=200");
        orderIds = orderIds.Union(all.GetProperty("orders").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!)).ToList();
        // A shipment queued before the kill may be applied any moment now, so released and shipped are both right here.
        foreach (var orderId in orderIds)
        {
            await WaitForStatusAsync(last, orderId, "released", "shipped");
        }

        foreach (var orderId in orderIds)
        {
            var location = (await last.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId)).GetProperty("lifecycle").GetProperty("releasedLocations")[0].GetString()!;
            using var response = await last.PostAsJsonAsync("/api/fulfillment/events", LifecycleApiTests.Shipped(orderId, location, "ship-" + orderId.Split(':')[^1], "TRK" + orderId.Split(':')[^1]));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        foreach (var orderId in orderIds)
        {
            var view = await WaitForStatusAsync(last, orderId, "shipped");
            Assert.Single(Transitions(view), "shipped");
            Assert.Single(view.GetProperty("lifecycle").GetProperty("shipments").EnumerateArray());
            Assert.Contains(_world.Fulfillments, f => f.TrackingNumber == "TRK" + orderId.Split(':')[^1]);
        }

        third.Kill();
        using var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = _dataDirectory });
        var levels = await new SqliteInventoryLedger(database, TimeProvider.System).GetStockAsync();
        Assert.All(levels, l => Assert.Equal(0, l.Reserved));
        Assert.Equal(Locations.Length * 3 * 1000 - orderIds.Count * 3, levels.Sum(l => l.OnHand));
    }

    [Fact]
    public async Task Killed_while_orders_wait_on_a_durable_timer_the_timer_still_fires_after_restart()
    {
        // Orders released to a location that never acknowledges: their fulfillment-ack timer (8 s, Exception policy) is
        // pending in the orchestration when the process dies, and must fire once it runs again.
        var timer = new Dictionary<string, string>
        {
            ["OrderOps__Lifecycle__FulfillmentAck__After"] = "00:00:08",
            ["OrderOps__Lifecycle__FulfillmentAck__Policy"] = "Exception",
        };
        var orderIds = new List<string>();
        await using (var first = await StartAsync(timer))
        {
            using var webhooks = first.CreateClient();
            using var client = first.CreateClient(ApiKey);
            for (var id = 7501L; id <= 7505; id++)
            {
                using var response = await webhooks.SendAsync(ShopifyWebhooks.Delivery(ShopifyWebhooks.OrderBody(id), Secret));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                orderIds.Add($"shopify:{ShopifyWebhooks.Shop}:{id}");
            }

            foreach (var orderId in orderIds)
            {
                var view = await WaitForStatusAsync(client, orderId, "released");
                Assert.Contains(view.GetProperty("lifecycle").GetProperty("pendingTimers").EnumerateArray(), t => t.GetProperty("kind").GetString() == "fulfillment-ack");
            }

            first.Kill();
        }

        var restarted = DateTimeOffset.UtcNow;
        await using var second = await StartAsync(timer);
        using var after = second.CreateClient(ApiKey);
        foreach (var orderId in orderIds)
        {
            var view = await WaitForAsync(after, orderId, v => v.GetProperty("lifecycle").GetProperty("openExceptions").EnumerateArray()
                .Any(e => e.GetProperty("kind").GetString() == "timer-expired" && e.GetProperty("context").GetProperty("timerKind").GetString() == "fulfillment-ack"));
            var fired = Assert.Single(view.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "lifecycle.timerFired"
                && e.GetProperty("data").GetProperty("kind").GetString() == "fulfillment-ack");
            Assert.True(fired.GetProperty("at").GetDateTimeOffset() >= restarted, "The timer fired before the kill; the test proved nothing.");
        }
    }

    private static async Task<JsonElement> WaitForAsync(HttpClient client, string orderId, Func<JsonElement, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var view = await client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId);
            if (until(view))
            {
                return view;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{orderId} never got there: {view.GetProperty("lifecycle")}");
            await Task.Delay(100);
        }
    }

    private static IEnumerable<string?> Transitions(JsonElement view) =>
        view.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("type").GetString() == "lifecycle.transition").Select(e => e.GetProperty("data").GetProperty("to").GetString());

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, string orderId, params string[] statuses)
    {
        var status = string.Join(" or ", statuses);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/api/orders/" + orderId, UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var view = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (statuses.Contains(view.GetProperty("status").GetString()))
                {
                    return view;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"{orderId} is {view.GetProperty("status").GetString()}, expected {status}: {view.GetProperty("lifecycle")}");
                }
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{orderId}: {(int)response.StatusCode}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out.");
            await Task.Delay(2);
        }
    }

    private Task<StandaloneProcess> StartAsync(Dictionary<string, string>? extra = null)
    {
        var settings = new Dictionary<string, string>(extra ?? [])
        {
            ["OrderOps__DataDirectory"] = _dataDirectory,
            ["Auth__ApiKeys__0"] = ApiKey,
            ["Channels__Shopify__WebhookSecret"] = Secret,
            ["OrderOps__Standalone__VisibilityTimeout"] = "00:00:02",
        };
        foreach (var (key, value) in _world.Settings(Locations))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        return StandaloneProcess.StartAsync(settings);
    }
}

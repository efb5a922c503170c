using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;
using OrderOps.Testing.Storage;
using OrderOps.Testing;

// Usage: dotnet run -c Release --project tests/OrderOps.LoadDrivers.Lifecycle -- [--orders 1000] [--concurrency 16] [--shipments 500] [--timeout 300] [--placed fixture|now] [--warmup 0] [--latencies FILE]
// 1. Seeds three locations (east, west, north) with every SKU of Shopify's published order, starts the built Function
//    app on a fresh data directory, wired to fake locations and a fake Shopify Admin API (both on loopback, in this process).
// 2. Throughput: posts --orders signed orders/create webhooks and waits until every order has been released to a
//    location (as seen by the fake location) and its record says so (GET /api/overview/orders counts it released):
//    orders per second from the first webhook to the last release.
// 3. Latency: posts --shipments "shipped" fulfillment events (a few at a time) and measures, per shipment, the time from
//    sending the event to the fake Shopify receiving the fulfillmentCreate with its tracking number (p50/p90/p99).
// 4. Outbound events: a webhook subscriber on loopback (signature verified) receives every business event; reports
//    events per second delivered (first to last arrival) and the lag from the transition (the envelope's time) to its
//    arrival (p50/p99), and checks each order's events arrived in order, once. --subscriber 0 leaves it out.
// --durable azure runs the orchestrations on DurableTask.AzureStorage (the Durable Functions backend) on the Azurite that
// ORDEROPS_STORAGE_CONNECTION_STRING names (tests/emulators/start.sh DIR && source DIR/env), a fresh task hub per run;
// everything else stays on the embedded backend, so the difference is the orchestration backend's.
// --placed now stamps each order as placed when it is sent, as a shop's live orders are; by default (fixture) they keep
// the published order's 2008 date, so every order is already past its ship-by date when it is released and each raises
// a ship-by exception during the measurement (two more activities per order, competing with the work measured).
// --warmup N first sends N other orders and waits for their release, unmeasured, so the measurement starts with the
// app's code compiled at full speed (a fresh process runs it unoptimized for its first seconds); default 0, a cold start.
// --latencies FILE writes each shipment's latency, in sending order, one per line (where in the run the slow ones were).
// Only loopback is addressed; every loop is bounded by a count and by --timeout.
var orders = Option("--orders", 1000);
var concurrency = Option("--concurrency", 16);
var shipments = Option("--shipments", 500);
var timeout = TimeSpan.FromSeconds(Option("--timeout", 300));
var withSubscriber = Option("--subscriber", 1) != 0;
var shopifyPoints = Option("--shopify-points", 1_000_000);
var durableOnAzure = args.SkipWhile(a => a != "--durable").Skip(1).FirstOrDefault() is "azure";
var warmup = Option("--warmup", 0);
var placedNow = args.SkipWhile(a => a != "--placed").Skip(1).FirstOrDefault() is "now";
string[] locations = ["east", "west", "north"];
const string Secret = "load-secret";
const string ApiKey = "load-key";
var dataDirectory = Path.Combine(Path.GetTempPath(), "orderops-lifecycle-load-" + Guid.NewGuid().ToString("N"));
using var deadline = new CancellationTokenSource(timeout);

try
{
    using (var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = dataDirectory }))
    {
        var stock = new SqliteInventoryLedger(database, TimeProvider.System);
        foreach (var location in locations)
        {
            foreach (var sku in new[] { "IPOD2008GREEN", "IPOD2008RED", "IPOD2008BLACK" })
            {
                await stock.SetOnHandAsync(location, sku, orders * 2, default);
            }
        }
    }

    SqliteConnection.ClearAllPools();
    await using var world = await FakeOutsideWorld.StartAsync();
    await using var subscriber = await EventSubscriber.StartAsync();
    var settings = new Dictionary<string, string>
    {
        ["OrderOps__DataDirectory"] = dataDirectory,
        ["Auth__ApiKeys__0"] = ApiKey,
        ["Channels__Shopify__WebhookSecret"] = Secret,
    };
    foreach (var (key, value) in world.Settings(locations))
    {
        settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
    }

    // The shop's GraphQL cost budget: by default the client spends Shopify's points as a real shop allows (50 a second,
    // ~2.5 fulfillments a second), which would measure the budget, not OrderOps. The fake Admin API has no cost limit,
    // so --shopify-points (default: effectively unlimited) sets the budget; pass 50 to see a real shop's pace.
    var shop = $"Channels__Shopify__Shops__{ShopifyWebhooks.Shop}__";
    settings[shop + "AdminAccessToken"] = "shpat_fake";
    settings[shop + "AdminApiBaseUrl"] = world.BaseAddress.ToString();
    settings[shop + "CostPointsPerSecond"] = shopifyPoints.ToString(CultureInfo.InvariantCulture);
    settings[shop + "CostBurst"] = Math.Max(1000, shopifyPoints).ToString(CultureInfo.InvariantCulture);

    if (durableOnAzure)
    {
        settings["OrderOps__Durable__Backend"] = "AzureStorage";
        settings["OrderOps__Durable__AzureStorageConnectionString"] = Environment.GetEnvironmentVariable("ORDEROPS_STORAGE_CONNECTION_STRING")
            ?? throw new InvalidOperationException("--durable azure needs ORDEROPS_STORAGE_CONNECTION_STRING (tests/emulators/start.sh DIR && source DIR/env).");
        settings["OrderOps__Durable__TaskHubName"] = "load" + Guid.NewGuid().ToString("N")[..12];
    }

    if (withSubscriber)
    {
        foreach (var (key, value) in subscriber.Settings("load"))
        {
            settings[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    await using var host = await StandaloneProcess.StartAsync(settings);
    using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
    using var client = new HttpClient(handler) { BaseAddress = host.BaseAddress };
    client.DefaultRequestHeaders.Add("x-functions-key", ApiKey);

    // Bodies are built before the clock starts; the same senders post the warm-up and the measured orders.
    byte[][] Bodies(long firstId, int count) =>
        Enumerable.Range(0, count).Select(i => ShopifyWebhooks.OrderBody(firstId + i, placedAt: placedNow ? DateTimeOffset.UtcNow : null)).ToArray();

    async Task PostAsync(byte[][] bodies, string webhookPrefix)
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < bodies.Length)
            {
                using var response = await client.SendAsync(ShopifyWebhooks.Delivery(bodies[n], Secret, webhookId: webhookPrefix + n.ToString(CultureInfo.InvariantCulture)), deadline.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"Webhook {webhookPrefix}{n} answered {(int)response.StatusCode}.");
                }
            }
        })));
    }

    // Released means the lifecycle's release step is done: the location has the order and the order's record says
    // released (its step saved). The location alone would end the clock while the last steps are still being saved, and
    // the shipments sent next would then be measured queueing behind them.
    async Task WaitForReleasesAsync(int count)
    {
        while (world.Releases() < count)
        {
            await Task.Delay(10, deadline.Token);
        }

        while (true)
        {
            var overview = await client.GetFromJsonAsync<JsonElement>("/api/overview/orders", deadline.Token);
            if (overview.GetProperty("counts").EnumerateArray().Where(c => c.GetProperty("state").GetString() == "released").Sum(c => c.GetProperty("count").GetInt64()) >= count)
            {
                return;
            }

            await Task.Delay(10, deadline.Token);
        }
    }

    const long WarmupFirstId = 900_000;
    var warmupIds = Enumerable.Range(0, warmup).Select(i => $"shopify:{ShopifyWebhooks.Shop}:{WarmupFirstId + i}").ToHashSet(StringComparer.Ordinal);
    if (warmup > 0)
    {
        await PostAsync(Bodies(WarmupFirstId, warmup), "warmup-");
        await WaitForReleasesAsync(warmup);
        Console.WriteLine($"warm-up: {warmup} orders released (not measured)");
    }

    // --- received -> released throughput -------------------------------------------------------------------------
    var bodies = Bodies(100_001, orders);
    var clock = Stopwatch.StartNew();
    await PostAsync(bodies, "load-");
    var acknowledged = clock.Elapsed;
    await WaitForReleasesAsync(warmup + orders);

    var released = clock.Elapsed;
    var perLocation = world.LocationCalls.Where(c => c.Type == "release" && c.First && !warmupIds.Contains(c.OrderId)).GroupBy(c => c.Location).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
    Console.WriteLine(FormattableString.Invariant($"throughput: {orders} orders received (webhooks acknowledged in {acknowledged.TotalSeconds:F1} s) and released in {released.TotalSeconds:F1} s = {orders / released.TotalSeconds:F0} orders/s received->released ({string.Join(", ", perLocation)})"));

    // --- shipment event -> channel update latency ---------------------------------------------------------------------
    var sentAt = new ConcurrentDictionary<string, long>();
    var toShip = Enumerable.Range(1, Math.Min(shipments, orders)).Select(i => (OrderId: $"shopify:{ShopifyWebhooks.Shop}:{100_000 + i}", Tracking: $"LOAD{i}")).ToArray();
    var index = -1;
    var shippers = Math.Max(1, concurrency / 4);
    await Task.WhenAll(Enumerable.Range(0, shippers).Select(_ => Task.Run(async () =>
    {
        int n;
        while ((n = Interlocked.Increment(ref index)) < toShip.Length)
        {
            var (orderId, tracking) = toShip[n];
            var view = await client.GetFromJsonAsync<JsonElement>("/api/orders/" + orderId, deadline.Token);
            var location = view.GetProperty("lifecycle").GetProperty("releasedLocations")[0].GetString();
            var shipped = new
            {
                eventId = "evt-" + tracking, type = "shipped", orderId, locationId = location, shipmentId = "shp-" + tracking, carrier = "UPS", trackingNumber = tracking,
                lines = FakeOutsideWorld.PublishedLineIds.Select(l => new { lineId = l, quantity = 1 }).ToArray(),
            };
            sentAt[tracking] = Stopwatch.GetTimestamp();
            using var response = await client.PostAsJsonAsync("/api/fulfillment/events", shipped, deadline.Token);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"Shipment {tracking} answered {(int)response.StatusCode}.");
            }

            await Task.Delay(20, deadline.Token); // a steady stream, not a burst: this measures latency, not capacity
        }
    })));
    while (world.Fulfillments.Select(f => f.TrackingNumber).Distinct().Count() < toShip.Length)
    {
        await Task.Delay(10, deadline.Token);
    }

    var byShipment = world.Fulfillments.GroupBy(f => f.TrackingNumber!).ToDictionary(g => g.Key, g => Stopwatch.GetElapsedTime(sentAt[g.Key], g.Min(f => f.Ticks)).TotalMilliseconds);
    var latencies = byShipment.Values.Order().ToList();
    if (args.SkipWhile(a => a != "--latencies").Skip(1).FirstOrDefault() is { Length: > 0 } latencyFile)
    {
        // One line per shipment in sending order: where in the run the slow ones were.
        await File.WriteAllLinesAsync(latencyFile, toShip.Select(s => FormattableString.Invariant($"{s.Tracking} {byShipment[s.Tracking]:F1}")));
    }

    Console.WriteLine(FormattableString.Invariant(
        $"shipment event -> Shopify fulfillmentCreate issued, {latencies.Count} shipments: p50 {Percentile(latencies, 0.50):F1} ms, p90 {Percentile(latencies, 0.90):F1} ms, p99 {Percentile(latencies, 0.99):F1} ms, max {latencies[^1]:F1} ms"));

    if (withSubscriber)
    {
        // --- outbound events: transition -> webhook delivery -------------------------------------------------------
        // Per order: received, validated, allocated, released; per shipped order also shipment.recorded and shipped.
        var expected = orders * 4 + toShip.Length * 2;
        while (subscriber.Accepted.Count() < expected)
        {
            await Task.Delay(10, deadline.Token);
        }

        var delivered = subscriber.Accepted.ToList();
        var lags = delivered.Select(d => (d.At - DateTimeOffset.Parse(d.Envelope["time"]!.GetValue<string>(), CultureInfo.InvariantCulture)).TotalMilliseconds).Order().ToList();
        var span = TimeSpan.FromTicks(delivered.Max(d => d.At).Ticks - delivered.Min(d => d.At).Ticks);
        var duplicates = delivered.Count - delivered.Select(d => d.Id).Distinct().Count();
        var outOfOrder = delivered.GroupBy(d => d.Subject).Count(g =>
        {
            var sequences = g.Select(d => d.Envelope["data"]!["sequence"]!.GetValue<long>()).ToList();
            return !sequences.SequenceEqual(sequences.Order());
        });
        Console.WriteLine(FormattableString.Invariant(
            $"outbound events -> loopback webhook subscriber: {delivered.Count} events ({delivered.Count(d => !d.SignatureValid)} bad signatures, {duplicates} duplicates, {outOfOrder} orders out of order) delivered over {span.TotalSeconds:F1} s = {delivered.Count / span.TotalSeconds:F0} events/s; transition -> delivery lag p50 {Percentile(lags, 0.50):F1} ms, p90 {Percentile(lags, 0.90):F1} ms, p99 {Percentile(lags, 0.99):F1} ms, max {lags[^1]:F1} ms"));
    }
}
finally
{
    SqliteConnection.ClearAllPools();
    if (Directory.Exists(dataDirectory))
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
}

static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

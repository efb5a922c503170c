// Runs AmazonOrderPoller against the fake SP-API with Amazon's documented usage plan of Orders API v2026-01-01
// searchOrders (0.0056 rps burst 20; 100 orders a page with their items, buyer, recipient, proceeds and fulfillment),
// enforced by the client's limiter and, like Amazon, by the server (429 when exceeded). Stops by itself after
// --duration (default 00:03:00) or when every order is queued, and prints orders/minute ingested.
//   dotnet run -c Release --project tests/OrderOps.LoadDrivers.AmazonPoller -- --duration 00:03:00 --orders 2000
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.Amazon.Tests.Doubles;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ports;

var duration = TimeSpan.Parse(Argument("--duration") ?? "00:03:00", CultureInfo.InvariantCulture);
var orderCount = int.Parse(Argument("--orders") ?? "2000", CultureInfo.InvariantCulture);
const string seller = "A1LOADSELLER01";
const string marketplace = "ATVPDKIKX0DER";

await using var fake = await FakeSellingPartnerApi.StartAsync();
fake.AddSeller(seller, "Atzr|load-driver-refresh-token");
const double searchRate = 0.0056;
const int searchBurst = 20;
fake.EnforcedLimits = new() { ["searchOrders"] = (searchRate, searchBurst), ["getOrder"] = (0.5, 30) };
fake.RateLimitHeaders = new() { ["searchOrders"] = "0.0056", ["getOrder"] = "0.5" };
var now = DateTimeOffset.UtcNow;
var template = Fixtures.UnshippedOrder();
for (var i = 0; i < orderCount; i++)
{
    fake.AddOrder(seller, Fixtures.OrderFrom(template, $"902-LOAD-{i:D7}", now.AddMinutes(-10 - (i % 1000)), itemId: $"{i:D14}"));
}

// Production defaults except endpoints and credentials: the rate limits are Amazon's documented ones.
var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
{
    ["Channels:Amazon:Endpoint"] = fake.BaseAddress.ToString(),
    ["Channels:Amazon:LwaEndpoint"] = fake.LwaEndpoint.ToString(),
    ["Channels:Amazon:ClientId"] = FakeSellingPartnerApi.ClientId,
    ["Channels:Amazon:ClientSecret"] = FakeSellingPartnerApi.ClientSecret,
    [$"Channels:Amazon:Accounts:{seller}:RefreshToken"] = "Atzr|load-driver-refresh-token",
    [$"Channels:Amazon:Accounts:{seller}:MarketplaceIds"] = marketplace,
}).Build();
var services = new ServiceCollection();
services.AddLogging(builder => builder.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
services.AddSingleton<ICheckpointStore, InMemoryCheckpointStore>();
services.AddSingleton<IRawArchive, InMemoryRawArchive>();
var queue = new InMemoryMessageQueue();
services.AddSingleton<IMessageQueue>(queue);
services.AddAmazonChannel(configuration);
await using var provider = services.BuildServiceProvider();
var poller = provider.GetRequiredService<AmazonOrderPoller>();

Console.WriteLine($"Seeded {orderCount} orders; polling for up to {duration} at searchOrders {searchRate} rps/burst {searchBurst}, 100 orders a page.");
using var stop = new CancellationTokenSource(duration);
var clock = Stopwatch.StartNew();
var samples = new List<(TimeSpan At, int Queued)>();
using var reporter = new PeriodicTimer(TimeSpan.FromSeconds(15));
var report = Task.Run(async () =>
{
    try
    {
        while (await reporter.WaitForNextTickAsync(stop.Token))
        {
            var queued = queue.Waiting.Count;
            lock (samples)
            {
                samples.Add((clock.Elapsed, queued));
            }

            Console.WriteLine(FormattableString.Invariant(
                $"{clock.Elapsed:mm\\:ss} queued {queued,5}  searchOrders {fake.RequestCount("searchOrders"),3}  getOrder {fake.RequestCount("getOrder"),3}  429s {fake.Throttled}"));
        }
    }
    catch (OperationCanceledException)
    {
    }
});

try
{
    var result = await poller.PollAsync(stop.Token);
    Console.WriteLine($"The poll finished before the time limit: {result.OrdersQueued} orders.");
}
catch (OperationCanceledException)
{
}

var elapsed = clock.Elapsed;
await report;
var total = queue.Waiting.Count;
Console.WriteLine(FormattableString.Invariant($"Ingested {total} orders in {elapsed.TotalSeconds:F0} s: {total / elapsed.TotalMinutes:F1} orders/minute overall."));
lock (samples)
{
    // Once the searchOrders burst (20 pages) is spent, one page every 1/0.0056 s = 178.6 s is the sustained rate.
    var burstSpent = samples.FirstOrDefault(s => s.Queued >= Math.Min(orderCount, searchBurst * 100));
    if (burstSpent.At > TimeSpan.Zero && total < orderCount && elapsed - burstSpent.At >= TimeSpan.FromSeconds(60))
    {
        Console.WriteLine(FormattableString.Invariant(
            $"Burst: {burstSpent.Queued} orders by {burstSpent.At.TotalSeconds:F0} s. Sustained after it: {(total - burstSpent.Queued) / (elapsed - burstSpent.At).TotalMinutes:F1} orders/minute (the plan allows {searchRate * 60 * 100:F1} at full pages)."));
    }
}

Console.WriteLine(FormattableString.Invariant(
    $"Requests: searchOrders {fake.RequestCount("searchOrders")}, getOrder {fake.RequestCount("getOrder")}, LWA {fake.TokenRequests}; throttled by the server: {fake.Throttled}."));
return 0;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

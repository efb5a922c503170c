// Runs AmazonOrderPoller against the fake SP-API with Amazon's documented usage plans (getOrders 0.0167 rps burst 20,
// getOrderItems 0.5 rps burst 30), enforced by the client's limiter and, like Amazon, by the server (429 when exceeded).
// Stops by itself after --duration (default 00:02:00) and prints orders/minute ingested.
//   dotnet run -c Release --project tests/OrderOps.LoadDrivers.AmazonPoller -- --duration 00:02:00 --orders 2000
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OrderOps.Adapters.Amazon.Polling;
using OrderOps.Adapters.Amazon.Tests.Doubles;
using OrderOps.Adapters.Amazon.Tests.Fake;
using OrderOps.Core.Ports;

var duration = TimeSpan.Parse(Argument("--duration") ?? "00:02:00", CultureInfo.InvariantCulture);
var orderCount = int.Parse(Argument("--orders") ?? "2000", CultureInfo.InvariantCulture);
const string seller = "A1LOADSELLER01";
const string marketplace = "ATVPDKIKX0DER";

await using var fake = await FakeSellingPartnerApi.StartAsync();
fake.AddSeller(seller, "Atzr|load-driver-refresh-token");
fake.EnforcedLimits = new() { ["getOrders"] = (0.0167, 20), ["getOrderItems"] = (0.5, 30) };
fake.RateLimitHeaders = new() { ["getOrders"] = "0.0167", ["getOrderItems"] = "0.5" };
var now = DateTimeOffset.UtcNow;
var template = Fixtures.UnshippedOrder();
for (var i = 0; i < orderCount; i++)
{
    var order = Fixtures.OrderFrom(template, $"902-LOAD-{i:D7}", now.AddMinutes(-10 - (i % 1000)));
    fake.AddOrder(seller, order, Fixtures.ItemFrom(Fixtures.Item(), $"{i:D14}"));
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

Console.WriteLine($"Seeded {orderCount} orders; polling for {duration} at getOrders 0.0167 rps/burst 20, getOrderItems 0.5 rps/burst 30.");
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
                $"{clock.Elapsed:mm\\:ss} queued {queued,5}  getOrders {fake.RequestCount("getOrders"),3}  getOrderItems {fake.RequestCount("getOrderItems"),4}  429s {fake.Throttled}"));
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
    // After the first minute the getOrderItems burst (30) is spent, so this is the sustained rate.
    var from = samples.FirstOrDefault(s => s.At >= TimeSpan.FromSeconds(60));
    if (from.At > TimeSpan.Zero && elapsed - from.At >= TimeSpan.FromSeconds(30))
    {
        Console.WriteLine(FormattableString.Invariant(
            $"Sustained after the burst: {(total - from.Queued) / (elapsed - from.At).TotalMinutes:F1} orders/minute (Amazon's getOrderItems plan allows 30)."));
    }
}

Console.WriteLine(FormattableString.Invariant(
    $"Requests: getOrders {fake.RequestCount("getOrders")}, getOrderItems {fake.RequestCount("getOrderItems")}, LWA {fake.TokenRequests}; throttled by the server: {fake.Throttled}."));
return 0;

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

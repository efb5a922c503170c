using System.Diagnostics;
using System.Globalization;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Testing.Storage;

// Usage: dotnet run -c Release --project tests/OrderOps.LoadDrivers.Pipeline [-- orders]
// Stores that many orders (default 100,000) in a fresh embedded SQLite store, spread over channels, lifecycle states and
// 30 days of changes, then times what the console's pipeline page asks for: the state x channel counts with stuck
// flags (GET /api/overview/orders), a search by channel order id, by customer e-mail (5 orders each) and by SKU (200
// orders each, answered newest first up to the cap of 50) (/api/overview/search) and the oldest-first
// drill-down page of one state (GET /api/orders?status=&pageSize=100). Medians of 5 runs after one warm-up.
var count = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
await using var backend = new EmbeddedBackend();
string[] channels = [Channels.Shopify, Channels.Amazon, Channels.Edi];
var states = LifecycleStates.All;

var seeding = Stopwatch.StartNew();
var clock = backend.Time;
const int Batch = 64;
for (var start = 0; start < count; start += Batch)
{
    // 30 days of changes, oldest first: the store stamps ModifiedAt from the clock.
    clock.Advance(TimeSpan.FromDays(30) / count * Batch);
    await Task.WhenAll(Enumerable.Range(start, Math.Min(Batch, count - start)).Select(i =>
    {
        var channel = channels[i % channels.Length];
        var order = new CanonicalOrder
        {
            OrderId = OrderId.Compose(channel, "acct", (1_000_000 + i).ToString(CultureInfo.InvariantCulture)),
            Channel = channel,
            ChannelAccount = "acct",
            ChannelOrderId = (1_000_000 + i).ToString(CultureInfo.InvariantCulture),
            PlacedAt = clock.GetUtcNow(),
            UpdatedAt = clock.GetUtcNow(),
            Currency = "USD",
            Customer = new Customer { Email = $"customer{i % (count / 5)}@example.com" },
            LineItems = [new LineItem { LineId = "1", Sku = "SKU-" + (i % 500).ToString(CultureInfo.InvariantCulture), Title = "Item", Quantity = 1, UnitPrice = new Money(19.99m, "USD") }],
        };
        return backend.Orders.SaveAsync(new OrderRecord { Order = order, Status = states[i % states.Count] }, null, [], CancellationToken.None);
    }));
}

Console.WriteLine($"stored {count:N0} orders in {seeding.Elapsed.TotalSeconds:0.0} s");
var now = clock.GetUtcNow();
var stuckBefore = new OrderOps.Functions.Console.PipelineOptions().StuckAfter.ToDictionary(s => s.Key, s => now - s.Value);
var target = (1_000_000 + (count / 2)).ToString(CultureInfo.InvariantCulture);

await Time("counts by state and channel (pipeline matrix)", () => backend.Overview.CountByStateAsync(stuckBefore, CancellationToken.None));
await Time($"find channel order id {target}", () => backend.Overview.FindAsync(target, 50, CancellationToken.None));
await Time("find customer e-mail (hashed key)", () => backend.Overview.FindByKeyAsync(OrderSearchKeys.Email("Customer7@example.com")!, 50, CancellationToken.None));
await Time("find SKU-7 (newest 50 of its orders)", () => backend.Overview.FindByKeyAsync(OrderSearchKeys.Sku("SKU-7")!, 50, CancellationToken.None));
await Time("oldest 100 'released' orders (drill-down)", () => backend.Orders.ListAsync(new OrderQuery { Status = LifecycleStates.Released, PageSize = 100 }, CancellationToken.None));

static async Task Time<T>(string what, Func<Task<T>> query)
{
    await query();
    var runs = new List<double>();
    for (var i = 0; i < 5; i++)
    {
        var watch = Stopwatch.StartNew();
        await query();
        runs.Add(watch.Elapsed.TotalMilliseconds);
    }

    runs.Sort();
    Console.WriteLine($"{what}: median {runs[2]:0.0} ms (min {runs[0]:0.0}, max {runs[^1]:0.0})");
}

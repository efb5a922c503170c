using System.Diagnostics;
using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;
using OrderOps.Storage.Embedded;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Benchmarks.Inventory;

/// <summary>
/// How long the console's drift list (<see cref="InventoryDrift"/>, <c>GET /api/overview/inventory-drift</c>) takes over
/// every SKU of the ledger: <paramref name="skuCount"/> SKUs each published to one channel, one in ten published a quantity
/// the ledger no longer gives. Medians of 5 after one warm-up.
/// </summary>
internal static class DriftBenchmark
{
    public static async Task RunAsync(string directory, int skuCount)
    {
        var none = CancellationToken.None;
        using var database = new SqliteDatabase(new EmbeddedStorageOptions { DataDirectory = Path.Combine(directory, "drift") });
        var ledger = new SqliteInventoryLedger(database, TimeProvider.System);
        var publications = new SqliteInventoryPublicationStore(database);
        var options = new InventoryOptions
        {
            Locations = ["east"],
            Channels = { ["shopify"] = new ChannelInventoryOptions { Locations = ["east"], Buffer = new StockBuffer { Absolute = 1 } } },
        };
        var now = DateTimeOffset.UtcNow;
        var skus = Enumerable.Range(0, skuCount).Select(s => $"D{s:000000}").ToList();
        foreach (var chunk in skus.Chunk(500))
        {
            await Task.WhenAll(chunk.Select(sku => ledger.RecordMovementAsync(
                new StockMovement { MovementId = "r-" + sku, Sku = sku, Location = "east", Type = MovementType.Receipt, Quantity = 10 }, none)));
            // What the channel was told: on hand − buffer, except every tenth SKU, told one unit too many.
            await publications.ScheduleAsync(chunk.Select((sku, i) => new ScheduledPush("shopify", sku, i % 10 == 0 ? 10 : 9, now, now)).ToList(), none);
            var due = await publications.TakeDueAsync("shopify", now, TimeSpan.FromMinutes(1), chunk.Length, none);
            await publications.CompleteAsync(due.Select(p => new PushCompletion("shopify", p.Sku, p.Version, p.Quantity, PushCompletionKind.Published, now)).ToList(), none);
        }

        var drift = new InventoryDrift(ledger, publications, options);
        var found = await drift.FindAsync(200, none);
        var runs = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            await drift.FindAsync(200, none);
            runs.Add(watch.Elapsed.TotalMilliseconds);
        }

        runs.Sort();
        Console.WriteLine($"drift list over {skuCount} SKUs ({found[0].Drifting} drifting): median {runs[2]:0} ms (min {runs[0]:0}, max {runs[^1]:0})");
    }
}

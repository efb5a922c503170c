using OrderOps.Core.Inventory;
using OrderOps.Inventory.Tests.FanOut;

namespace OrderOps.Inventory.Tests.Shopify;

public sealed class ShopifyInventoryFaultInjectionTests
{
    [Fact]
    public async Task Under_429s_5xx_timeouts_stale_quantities_and_an_outage_the_shop_ends_up_showing_the_truth_without_being_throttled()
    {
        await using var server = await FakeShopifyServer.StartAsync();
        const int skuCount = 30;
        // Shopify's bucket for this shop: 400 points restoring 200 a second; the adapter keeps to 150 a second, burst 200.
        var shop = server.AddShop("fault-shop.myshopify.com", "shpat_fault", 655441491, restoreRate: 200, maximumAvailable: 400);
        for (var i = 0; i < skuCount; i++)
        {
            shop.AddVariant($"SKU-{i}", 808950810 + i, available: 3);
        }

        var settings = ShopifyTestHost.ShopSettings(server, shop);
        settings["Channels:Shopify:Shops:fault-shop.myshopify.com:CostPointsPerSecond"] = "150";
        settings["Channels:Shopify:Shops:fault-shop.myshopify.com:CostBurst"] = "200";
        settings["Channels:Shopify:AttemptTimeout"] = "00:00:00.400"; // Below the injected two-second hangs.
        await using var host = ShopifyTestHost.Start(settings);
        var publisher = host.Publisher("fault-shop.myshopify.com");
        var outage = false;
        var random = new Random(11);
        server.Faults = n =>
        {
            if (Volatile.Read(ref outage))
            {
                return new Fault(FaultKind.ServerError);
            }

            if (n < 100 && n % 17 == 0)
            {
                // A sale on Shopify's side, early, of a SKU every round reserves again: its next push is stale.
                shop.ChangeOnShopify($"SKU-{n % 10 * 3}", 1);
            }

            lock (random)
            {
                return random.Next(10) switch
                {
                    0 => new Fault(FaultKind.TooManyRequests, RetryAfterSeconds: 0.3),
                    1 => new Fault(FaultKind.ServerError),
                    2 when n % 3 == 0 => new Fault(FaultKind.Hang, Hang: TimeSpan.FromSeconds(2)),
                    _ => null,
                };
            }
        };

        var options = FanOutHarness.DefaultOptions("shopify");
        options.Channels["shopify"].Buffer = new StockBuffer { Absolute = 1 };
        await using var harness = new FanOutHarness(options, publisher);
        await harness.StartAsync();
        var skus = Enumerable.Range(0, skuCount).Select(i => $"SKU-{i}").ToList();
        foreach (var sku in skus)
        {
            await harness.ReceiveAsync(sku, "east", 10);
        }

        // Orders keep coming, including through a two-second outage.
        for (var round = 0; round < 6; round++)
        {
            if (round == 2)
            {
                Volatile.Write(ref outage, true);
            }

            if (round == 4)
            {
                Volatile.Write(ref outage, false);
            }

            for (var i = 0; i < skuCount; i += 3)
            {
                await harness.Ledger.ReserveAsync(new ReservationRequest { OrderId = $"o-{round}-{i}", Lines = [new(skus[i], 1), new(skus[(i + 1) % skuCount], 1)] }, CancellationToken.None);
            }

            await Task.Delay(500);
        }

        await harness.WaitUntilConvergedAsync(skus, (_, sku) => shop.Available(sku), TimeSpan.FromSeconds(60));
        Assert.Equal(0, server.Throttled);
        Assert.Contains(server.Requests, r => r.Status == 429);
        Assert.Contains(server.Requests, r => r.Status == 503);
    }
}

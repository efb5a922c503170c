using Microsoft.Extensions.DependencyInjection;
using OrderOps.Adapters.Shopify.Inventory;
using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;
using OrderOps.Inventory.Tests.FanOut;

namespace OrderOps.Inventory.Tests.Shopify;

public sealed class ShopifyInventoryFaultInjectionTests
{
    private static (ServiceProvider Services, IChannelInventoryPublisher Publisher) CreatePublisher(FakeShopifyServer server, int skuCount, Action<ShopifyInventoryOptions>? configure = null)
    {
        var options = new ShopifyInventoryOptions
        {
            BaseAddress = server.BaseAddress,
            AccessToken = FakeShopifyServer.Token,
            LocationId = 655441491,
            ApiVersion = "2026-07",
            RequestsPerSecond = server.LeakPerSecond,
            BurstRequests = Math.Max(1, server.BucketSize / 2),
            MaxRetryAttempts = 2,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            AttemptTimeout = TimeSpan.FromMilliseconds(400),
        };
        for (var i = 0; i < skuCount; i++)
        {
            options.InventoryItemIds[$"SKU-{i}"] = 808950810 + i;
        }

        configure?.Invoke(options);
        var services = new ServiceCollection().AddShopifyInventoryPublisher(options).BuildServiceProvider();
        return (services, services.GetRequiredService<IChannelInventoryPublisher>());
    }

    [Fact]
    public async Task Publishes_the_documented_request_and_classifies_failures()
    {
        await using var server = await FakeShopifyServer.StartAsync(bucketSize: 40, leakPerSecond: 20);
        var (services, publisher) = CreatePublisher(server, 1);
        await using var _ = services;

        Assert.Equal(PublishStatus.Published, (await publisher.PublishAsync("SKU-0", 42, CancellationToken.None)).Status);
        Assert.Equal(42, server.Available[808950810]);
        Assert.Equal(PublishStatus.NotListed, (await publisher.PublishAsync("NOT-ON-SHOPIFY", 1, CancellationToken.None)).Status);

        server.Faults = _ => new Fault(FaultKind.TooManyRequests, RetryAfterSeconds: 0.2);
        var throttled = await publisher.PublishAsync("SKU-0", 41, CancellationToken.None);
        Assert.Equal(PublishStatus.Transient, throttled.Status);
        Assert.Equal(TimeSpan.FromSeconds(0.2), throttled.RetryAfter);
        Assert.Equal(42, server.Available[808950810]);

        var (badServices, badToken) = CreatePublisher(server, 1, o => o.AccessToken = "wrong");
        await using var __ = badServices;
        server.Faults = _ => null;
        Assert.Equal(PublishStatus.Permanent, (await badToken.PublishAsync("SKU-0", 1, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Under_429s_5xx_timeouts_and_an_outage_the_store_ends_up_showing_the_truth_without_overflowing_its_bucket()
    {
        await using var server = await FakeShopifyServer.StartAsync(bucketSize: 10, leakPerSecond: 20);
        const int skuCount = 30;
        var (services, publisher) = CreatePublisher(server, skuCount);
        await using var _ = services;
        var outage = false;
        var random = new Random(11);
        server.Faults = n =>
        {
            if (Volatile.Read(ref outage))
            {
                return new Fault(FaultKind.ServerError);
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
        harness.Start();
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

        await harness.WaitUntilConvergedAsync(skus, (_, sku) => server.Available.TryGetValue(808950810 + int.Parse(sku[4..], System.Globalization.CultureInfo.InvariantCulture), out var q) ? q : null, TimeSpan.FromSeconds(60));
        Assert.Equal(0, server.BucketOverflows);
        Assert.Contains(server.Requests, r => r.Status == 429);
        Assert.Contains(server.Requests, r => r.Status == 503);
    }
}

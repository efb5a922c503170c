using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.FanOut;

public sealed class InventoryFanOutTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_channel_converges_and_only_changed_values_are_pushed()
    {
        var shopify = new RecordingPublisher("shopify");
        var amazon = new RecordingPublisher("amazon");
        var options = FanOutHarness.DefaultOptions("shopify", "amazon");
        options.Channels["amazon"].Locations = ["west"];
        options.Channels["shopify"].Buffer = new StockBuffer { Percent = 10 };
        await using var harness = new FanOutHarness(options, shopify, amazon);
        await harness.StartAsync();

        await harness.ReceiveAsync("A", "east", 10);
        await harness.ReceiveAsync("A", "west", 5);
        await harness.ReceiveAsync("B", "west", 3);
        var skus = new[] { "A", "B" };
        await harness.WaitUntilConvergedAsync(skus, (c, s) => (c == "shopify" ? shopify : amazon).Shown.TryGetValue(s, out var q) ? q : null, Generous);
        Assert.Equal(13, shopify.Shown["A"]); // 15 − ceil(1.5)
        Assert.Equal(5, amazon.Shown["A"]);

        // A change at a location Amazon does not sell from must not reach Amazon.
        var amazonCalls = amazon.Calls.Count;
        await harness.ReceiveAsync("A", "east", 10);
        await harness.WaitUntilConvergedAsync(skus, (c, s) => (c == "shopify" ? shopify : amazon).Shown.TryGetValue(s, out var q) ? q : null, Generous);
        Assert.Equal(22, shopify.Shown["A"]);
        Assert.Equal(amazonCalls, amazon.Calls.Count);

        // One orchestration per account, named after it.
        Assert.NotNull(await harness.Host.Client.GetInstanceAsync("channel-sync:shopify"));
        Assert.NotNull(await harness.Host.Client.GetInstanceAsync("channel-sync:amazon"));
    }

    [Fact]
    public async Task A_burst_of_100_changes_in_a_second_becomes_a_handful_of_pushes_the_last_one_correct()
    {
        var shopify = new RecordingPublisher("shopify");
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), shopify);
        await harness.StartAsync();
        var burst = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            await harness.ReceiveAsync("HOT", "east", 1);
            await Task.Delay(10);
        }

        burst.Stop();
        await harness.WaitUntilConvergedAsync(["HOT"], (_, s) => shopify.Shown.TryGetValue(s, out var q) ? q : null, Generous);
        var pushes = shopify.Calls.Where(c => c.Sku == "HOT").ToList();
        Assert.Equal(100, pushes[^1].Quantity);
        // One leading push plus at most one per coalescing window over the burst (about 1–2 s on a quiet machine, longer
        // on a loaded one), and one trailing push: far fewer than 100 whatever the machine's speed.
        var windows = (int)(burst.Elapsed / FanOutHarness.DefaultOptions("shopify").FanOut.CoalesceWindow);
        Assert.InRange(pushes.Count, 2, Math.Min(windows + 3, 50));
    }

    [Fact]
    public async Task Failing_pushes_back_off_park_and_converge_once_the_channel_recovers()
    {
        var shopify = new RecordingPublisher("shopify");
        var down = true;
        shopify.Behaviour = (_, _) => Volatile.Read(ref down) ? new PublishResult(PublishStatus.Transient, "503") : null;
        var options = FanOutHarness.DefaultOptions("shopify");
        await using var harness = new FanOutHarness(options, shopify);
        await harness.StartAsync();
        var skus = Enumerable.Range(0, 20).Select(i => $"S{i}").ToList();
        foreach (var sku in skus)
        {
            await harness.ReceiveAsync(sku, "east", 5);
        }

        // Wait until pushes are parked (the channel has failed them AttemptsBeforeParking times).
        var deadline = DateTime.UtcNow + Generous;
        while ((await harness.Publications.ListPendingAsync("shopify", parkedOnly: true, 100, CancellationToken.None)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Nothing was parked.");
            await Task.Delay(20);
        }

        // Stock keeps changing while the channel is down; the parked pushes must carry the latest values.
        foreach (var sku in skus.Take(5))
        {
            await harness.ReceiveAsync(sku, "west", 2);
        }

        Volatile.Write(ref down, false);
        await harness.WaitUntilConvergedAsync(skus, (_, s) => shopify.Shown.TryGetValue(s, out var q) ? q : null, Generous);
        Assert.Equal(7, shopify.Shown["S0"]);
        Assert.Empty(await harness.Publications.ListPendingAsync("shopify", parkedOnly: false, 100, CancellationToken.None));
    }

    [Fact]
    public async Task Retry_after_from_the_channel_is_honoured()
    {
        var shopify = new RecordingPublisher("shopify");
        var calls = 0;
        shopify.Behaviour = (_, _) => Interlocked.Increment(ref calls) == 1 ? new PublishResult(PublishStatus.Transient, "429", TimeSpan.FromMilliseconds(700)) : null;
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), shopify);
        await harness.StartAsync();
        await harness.ReceiveAsync("A", "east", 1);
        await harness.WaitUntilConvergedAsync(["A"], (_, s) => shopify.Shown.TryGetValue(s, out var q) ? q : null, Generous);
        var attempts = shopify.Calls;
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(650), $"Retried after {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task The_configured_push_rate_is_never_exceeded()
    {
        var amazon = new RecordingPublisher("amazon");
        var options = FanOutHarness.DefaultOptions("amazon");
        options.Channels["amazon"].MaxPushesPerSecond = 10;
        options.Channels["amazon"].Burst = 1;
        await using var harness = new FanOutHarness(options, amazon);
        await harness.StartAsync();
        var skus = Enumerable.Range(0, 25).Select(i => $"S{i}").ToList();
        foreach (var sku in skus)
        {
            await harness.ReceiveAsync(sku, "east", 3);
        }

        await harness.WaitUntilConvergedAsync(skus, (_, s) => amazon.Shown.TryGetValue(s, out var q) ? q : null, Generous);
        // Replay the calls through the channel's side of the limit: a leaky bucket draining 10/s. We allow ourselves a
        // burst of 1; the bucket holds 3, so thread-pool jitter in when calls are recorded cannot fake an overflow,
        // while pushing without the limiter (25 SKUs at once) overflows it many times.
        Assert.Equal(0, LeakyBucket.Overflows(amazon.Calls.Select(c => c.At), perSecond: 10, capacity: 3));
    }

    [Fact]
    public async Task A_sku_the_channel_does_not_list_is_dropped_not_retried()
    {
        var shopify = new RecordingPublisher("shopify") { Behaviour = (s, _) => s == "UNMAPPED" ? PublishResult.NotListed : null };
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), shopify);
        await harness.StartAsync();
        await harness.ReceiveAsync("UNMAPPED", "east", 1);
        await harness.ReceiveAsync("A", "east", 1);
        await harness.WaitUntilConvergedAsync(["A"], (_, s) => shopify.Shown.TryGetValue(s, out var q) ? q : null, Generous);
        Assert.Single(shopify.Calls, c => c.Sku == "UNMAPPED");
        Assert.Empty(await harness.Publications.ListPendingAsync("shopify", parkedOnly: false, 10, CancellationToken.None));
    }
}

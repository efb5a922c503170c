using System.Diagnostics;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>
/// The channel-sync orchestration on the in-process Durable test host (real timers, so the intervals come from
/// options of tens or hundreds of milliseconds): coalescing, pacing across signallers, backoff, parking, the safety net.
/// </summary>
public sealed class ChannelSyncOrchestrationTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_account_gets_one_singleton_orchestration_named_after_it()
    {
        var shop = new RecordingPublisher("shopify") { Account = "shopify:Acme.myshopify.com" };
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), shop);
        await harness.StartAsync();
        await harness.ReceiveAsync("A", "east", 3);
        await harness.ReceiveAsync("B", "east", 4);
        await harness.WaitUntilConvergedAsync(["A", "B"], Shown(shop), Generous);

        var instances = await ChannelSyncInstancesAsync(harness.Host.Client);
        var only = Assert.Single(instances);
        Assert.Equal("channel-sync:shopify:acme.myshopify.com", only.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Running, only.RuntimeStatus);
    }

    [Fact]
    public async Task A_burst_within_the_coalescing_window_becomes_one_push_carrying_the_last_value()
    {
        var shop = new RecordingPublisher("shopify");
        var options = FanOutHarness.DefaultOptions("shopify");
        options.FanOut.CoalesceWindow = TimeSpan.FromSeconds(2);
        await using var harness = new FanOutHarness(options, shop);
        await harness.StartAsync();

        await harness.ReceiveAsync("HOT", "east", 1);
        await WaitForAsync(() => shop.Calls.Count == 1, "the leading push");
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < 20; i++)
        {
            await harness.ReceiveAsync("HOT", "east", 1);
        }

        burst.Stop();
        await harness.WaitUntilConvergedAsync(["HOT"], Shown(shop), Generous);
        var pushes = shop.Calls.Where(c => c.Sku == "HOT").ToList();
        Assert.Equal([1, 21], pushes.Select(p => p.Quantity).Take(1).Append(pushes[^1].Quantity));
        // The 20 changes went out as one push at the window's end, unless this machine took longer than a window for them.
        Assert.InRange(pushes.Count, 2, 2 + (int)(burst.Elapsed / options.FanOut.CoalesceWindow));
        // The window counts from the leading push's lease, which comes a little before its call.
        Assert.True(pushes[1].At - pushes[0].At >= options.FanOut.CoalesceWindow / 2, $"Trailing push {(pushes[1].At - pushes[0].At).TotalMilliseconds} ms after the leading one.");
    }

    [Fact]
    public async Task Two_instances_signalling_at_once_share_one_orchestration_and_one_rate_limit()
    {
        var amazon = new RecordingPublisher("amazon") { Account = "amazon:A2EXAMPLE" };
        var options = FanOutHarness.DefaultOptions("amazon");
        options.Channels["amazon"].MaxPushesPerSecond = 10;
        options.Channels["amazon"].Burst = 2;
        await using var harness = new FanOutHarness(options, amazon);
        await harness.StartAsync();

        // Two app instances, each its own planner and signaller, racing to start and signal the account's orchestration.
        var other = (Planner: harness.NewPlanner(), Signaller: new ChannelSyncSignaller(harness.Accounts, options, TimeProvider.System, NullLogger<ChannelSyncSignaller>.Instance));
        var skus = Enumerable.Range(0, 40).Select(i => $"S{i}").ToList();
        await Task.WhenAll(
            Task.Run(async () =>
            {
                foreach (var sku in skus.Where((_, i) => i % 2 == 0))
                {
                    await harness.ReceiveAsync(sku, "east", 3);
                }
            }),
            Task.Run(async () =>
            {
                foreach (var sku in skus.Where((_, i) => i % 2 == 1))
                {
                    await harness.ReceiveAsync(sku, "west", 2);
                    var plan = await other.Planner.PlanSkusAsync([sku], CancellationToken.None);
                    await other.Signaller.SignalAsync(harness.Host.Client, plan, CancellationToken.None);
                }
            }));
        await harness.WaitUntilConvergedAsync(skus, Shown(amazon), Generous);
        other.Planner.Dispose();

        Assert.Single(await ChannelSyncInstancesAsync(harness.Host.Client));
        // Replay the calls through the channel's side of the limit: a leaky bucket draining 10/s. We allow ourselves
        // bursts of 2; the bucket holds 4, so jitter in when calls are recorded cannot fake an overflow, while 40 SKUs
        // pushed unpaced (as two per-process limiters would) overflow it many times.
        Assert.Equal(0, LeakyBucket.Overflows(amazon.Calls.Select(c => c.At), perSecond: 10, capacity: 4));
        var span = amazon.Calls.Max(c => c.At) - amazon.Calls.Min(c => c.At);
        Assert.True(span >= TimeSpan.FromSeconds((amazon.Calls.Count - 2) / 10.0) - TimeSpan.FromMilliseconds(100), $"{amazon.Calls.Count} pushes in {span.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_failing_push_is_retried_with_growing_backoff()
    {
        var shop = new RecordingPublisher("shopify");
        var calls = 0;
        shop.Behaviour = (_, _) => Interlocked.Increment(ref calls) <= 2 ? new PublishResult(PublishStatus.Transient, "503") : null;
        var options = FanOutHarness.DefaultOptions("shopify");
        options.FanOut.InitialBackoff = TimeSpan.FromMilliseconds(300);
        options.FanOut.MaxBackoff = TimeSpan.FromSeconds(5);
        await using var harness = new FanOutHarness(options, shop);
        await harness.StartAsync();

        await harness.ReceiveAsync("A", "east", 4);
        await harness.WaitUntilConvergedAsync(["A"], Shown(shop), Generous);
        var attempts = shop.Calls;
        Assert.Equal([PublishStatus.Transient, PublishStatus.Transient, PublishStatus.Published], attempts.Select(a => a.Status));
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(290), $"First retry after {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(590), $"Second retry after {(attempts[2].At - attempts[1].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_parked_push_waits_out_the_parking_despite_new_changes_then_publishes_the_latest_value()
    {
        var shop = new RecordingPublisher("shopify");
        var down = true;
        shop.Behaviour = (_, _) => Volatile.Read(ref down) ? new PublishResult(PublishStatus.Transient, "503") : null;
        var options = FanOutHarness.DefaultOptions("shopify");
        options.FanOut.AttemptsBeforeParking = 2;
        options.FanOut.ParkedRetryInterval = TimeSpan.FromSeconds(1.5);
        await using var harness = new FanOutHarness(options, shop);
        await harness.StartAsync();

        await harness.ReceiveAsync("A", "east", 5);
        await WaitForAsync(async () => (await harness.Publications.ListPendingAsync("shopify", parkedOnly: true, 10, CancellationToken.None)).Count == 1, "the push to be parked");
        var parkedAt = shop.Calls[^1].At;
        Volatile.Write(ref down, false);
        await harness.ReceiveAsync("A", "west", 2); // signalled, but the parked row keeps its later due time

        await harness.WaitUntilConvergedAsync(["A"], Shown(shop), Generous);
        var published = shop.Calls[^1];
        Assert.Equal((PublishStatus.Published, 7), (published.Status, published.Quantity));
        Assert.Equal(3, shop.Calls.Count);
        Assert.True(published.At - parkedAt >= options.FanOut.ParkedRetryInterval - TimeSpan.FromMilliseconds(50), $"Un-parked after {(published.At - parkedAt).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_push_scheduled_without_a_signal_is_found_by_the_idle_recheck()
    {
        var shop = new RecordingPublisher("shopify");
        var options = FanOutHarness.DefaultOptions("shopify");
        options.FanOut.IdleRecheckInterval = TimeSpan.FromMilliseconds(500);
        await using var harness = new FanOutHarness(options, shop);
        await harness.StartAsync();
        await harness.ReceiveAsync("A", "east", 1);
        await harness.WaitUntilConvergedAsync(["A"], Shown(shop), Generous);

        // A fan-out that planned and then died before signalling: the push is in the outbox, nobody was told.
        var now = DateTimeOffset.UtcNow;
        await harness.Publications.ScheduleAsync([new ScheduledPush("shopify", "A", 10, now, now)], CancellationToken.None);

        await WaitForAsync(() => shop.Shown["A"] == 10, "the unsignalled push");
        Assert.Equal(2, shop.Calls.Count);
    }

    [Fact]
    public async Task The_orchestration_of_a_channel_that_lost_its_publisher_ends()
    {
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), new RecordingPublisher("shopify"));
        await harness.StartAsync();

        // Started for a channel configured once, whose publisher is no longer registered.
        var id = await harness.Host.Client.ScheduleNewOrchestrationInstanceAsync(ChannelSyncOrchestration.Name, new ChannelSyncInput { Channel = "shopify-old" });
        using var patience = new CancellationTokenSource(Generous);
        var done = await harness.Host.Client.WaitForInstanceCompletionAsync(id, patience.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
    }

    [Fact]
    public async Task Planning_the_change_log_moves_the_checkpoint_and_reports_when_each_channel_is_due()
    {
        await using var harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify", "amazon"), new RecordingPublisher("shopify"), new RecordingPublisher("amazon"));
        await harness.Ledger.RecordMovementAsync(new StockMovement { MovementId = "m1", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 2 }, CancellationToken.None);
        await harness.Ledger.RecordMovementAsync(new StockMovement { MovementId = "m2", Sku = "B", Location = "west", Type = MovementType.Receipt, Quantity = 1 }, CancellationToken.None);

        var plan = await harness.Planner.RunOnceAsync(CancellationToken.None);

        Assert.Equal(4, plan.Scheduled);
        Assert.Equal(["amazon", "shopify"], plan.DueByChannel.Keys.Order());
        var changes = await harness.Ledger.ReadChangesAsync(0, 1000, CancellationToken.None);
        Assert.Equal(changes.Count, plan.Consumed);
        Assert.Equal(changes[^1].Position.ToString(System.Globalization.CultureInfo.InvariantCulture), await harness.Checkpoints.GetAsync(harness.Options.FanOut.CheckpointName, CancellationToken.None));
        Assert.Equal(0, (await harness.Planner.RunOnceAsync(CancellationToken.None)).Consumed);
    }

    private static Func<string, string, int?> Shown(RecordingPublisher publisher) =>
        (_, sku) => publisher.Shown.TryGetValue(sku, out var quantity) ? quantity : null;

    private static async Task<List<OrchestrationMetadata>> ChannelSyncInstancesAsync(DurableTaskClient client)
    {
        var instances = new List<OrchestrationMetadata>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = ChannelAccounts.InstanceIdPrefix }))
        {
            instances.Add(instance);
        }

        return instances;
    }

    private static Task WaitForAsync(Func<bool> condition, string what) => WaitForAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(20);
        }
    }
}

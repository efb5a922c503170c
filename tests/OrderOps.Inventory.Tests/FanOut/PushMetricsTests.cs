using Microsoft.Extensions.Logging.Abstractions;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Ports;
using OrderOps.Core.Telemetry;
using OrderOps.Testing.Telemetry;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>Each push to a channel is measured where it happens: its latency by outcome, and failures per account.</summary>
public sealed class PushMetricsTests : IAsyncDisposable
{
    private readonly RecordingPublisher _shopify = new("shopify") { Account = "shopify:acme.myshopify.com" };
    private readonly FanOutHarness _harness;
    private readonly RecordedMeasurements _recorded = new();

    public PushMetricsTests() => _harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), _shopify);

    public async ValueTask DisposeAsync()
    {
        _recorded.Dispose();
        await _harness.DisposeAsync();
    }

    [Fact]
    public async Task A_published_and_a_throttled_push_are_timed_by_outcome_and_the_failure_is_counted_for_the_account()
    {
        _shopify.Behaviour = (sku, _) => sku == "THROTTLED" ? new PublishResult(PublishStatus.Transient, "429") : null;
        await _harness.ReceiveAsync("FINE", "east", 5);
        await _harness.ReceiveAsync("THROTTLED", "east", 3);
        await _harness.Planner.RunOnceAsync(CancellationToken.None);
        var activities = new ChannelSyncActivities(_harness.Accounts, _harness.Publications, _harness.Options, TimeProvider.System, NullLogger<ChannelSyncActivities>.Instance, metrics: new OrderOpsMetrics(_recorded));

        var round = await activities.PushDueAsync("shopify", CancellationToken.None);

        Assert.Equal(2, round.Completions.Count);
        var timed = _recorded.Of(OrderOpsMetrics.PushDuration);
        Assert.Equal(["published", "transient"], timed.Select(m => m.Tags["outcome"]).Order());
        Assert.All(timed, m =>
        {
            Assert.Equal("shopify", m.Tags["channel"]);
            Assert.Equal("shopify:acme.myshopify.com", m.Tags["account"]);
            Assert.InRange(m.Value, 0, 60);
        });
        var failed = Assert.Single(_recorded.Of(OrderOpsMetrics.PushFailures));
        Assert.Equal((1d, "transient", "shopify:acme.myshopify.com"), (failed.Value, failed.Tags["status"], failed.Tags["account"]));
    }
}

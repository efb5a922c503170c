using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Inventory.ChannelSync;
using OrderOps.Core.Operations;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.FanOut;

/// <summary>The channel sync's record activity keeps each account's last success and failure for the Channels page.</summary>
public sealed class ChannelActivityTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _shop = new("shopify") { Account = "shopify:acme.myshopify.com" };
    private readonly FanOutHarness _harness;
    private readonly ChannelActivityLog _activity;
    private readonly ChannelSyncActivities _sync;

    public ChannelActivityTests()
    {
        _harness = new FanOutHarness(FanOutHarness.DefaultOptions("shopify"), _shop);
        _activity = new ChannelActivityLog(_harness.Checkpoints);
        _sync = new ChannelSyncActivities(_harness.Accounts, _harness.Publications, _harness.Options, _time, NullLogger<ChannelSyncActivities>.Instance, _activity);
    }

    public ValueTask DisposeAsync() => _harness.DisposeAsync();

    [Fact]
    public async Task A_retry_after_longer_than_the_backoff_is_recorded_as_honoured_and_a_later_success_keeps_the_failure()
    {
        var account = ChannelActivityLog.PushAccount("shopify:acme.myshopify.com");
        Assert.Equal(new ChannelActivity(), await _activity.GetAsync(account, default));

        _shop.Behaviour = (_, _) => new PublishResult(PublishStatus.Transient, "429 Too Many Requests", TimeSpan.FromMinutes(10));
        await RoundAsync("MUG-1", 7);
        var throttled = await _activity.GetAsync(account, default);
        Assert.Equal(
            new ChannelActivity { LastFailureAt = _time.GetUtcNow(), LastFailure = "MUG-1: 429 Too Many Requests", RetryAt = _time.GetUtcNow().AddMinutes(10), RetryAfterHonoured = true },
            throttled);

        _time.Advance(TimeSpan.FromMinutes(11));
        _shop.Behaviour = (_, _) => null;
        await RoundAsync("MUG-1", 7);
        Assert.Equal(throttled with { LastSuccessAt = _time.GetUtcNow() }, await _activity.GetAsync(account, default));
    }

    [Fact]
    public async Task A_plain_failure_records_the_backoff_not_a_retry_after_and_a_long_reason_is_cut()
    {
        _shop.Behaviour = (_, _) => new PublishResult(PublishStatus.Transient, new string('x', 1000));
        await RoundAsync("MUG-1", 3);

        var failed = await _activity.GetAsync(ChannelActivityLog.PushAccount("shopify:acme.myshopify.com"), default);
        Assert.False(failed.RetryAfterHonoured);
        Assert.Equal(_time.GetUtcNow() + _harness.Options.FanOut.BackoffAfter(1), failed.RetryAt);
        Assert.Equal(ChannelActivityLog.MaxReasonLength + 1, failed.LastFailure!.Length);
    }

    private async Task RoundAsync(string sku, int quantity)
    {
        var now = _time.GetUtcNow();
        await _harness.Publications.ScheduleAsync([new ScheduledPush("shopify", sku, quantity, now, now)], default);
        var round = await _sync.PushDueAsync("shopify", default);
        Assert.NotEmpty(round.Completions);
        await _sync.RecordAsync(round.Completions, default);
    }
}

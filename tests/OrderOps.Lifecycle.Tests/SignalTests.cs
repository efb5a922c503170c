using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Starting an order's orchestration and raising events to it from several callers at once: every message arrives,
/// whichever caller starts the instance. On the embedded SQLite runtime: the served in-process test host drops events
/// forwarded across ContinueAsNew (see docs/lifecycle.md), which concurrent signals to one order produce.
/// </summary>
public sealed class SignalTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync(runtime: LifecycleRuntime.EmbeddedSqlite);
        await _h.SeedAsync("east", "A", 10);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_start_and_a_cancel_sent_at_once_for_a_new_order_both_apply_whoever_starts_the_instance()
    {
        for (var i = 0; i < 5; i++)
        {
            var order = _h.Order("race" + i, ("l1", "A", 1));
            await _h.StoreAsync(order);
            var start = LifecycleHarness.StartMessage(order.OrderId);
            var cancel = new LifecycleMessage { Type = LifecycleMessageTypes.Cancel, OrderId = order.OrderId, Key = "cancel:race" + i, Actor = "operator:ann", Reason = "changed mind" };

            var outcomes = await Task.WhenAll(_h.SendAsync(start), _h.SendAsync(cancel));

            Assert.Equal(S.Cancelled, (await _h.RecordAsync(order.OrderId)).Status);
            Assert.Contains(outcomes, o => o.Applied);

            // Whichever came first, a location that was told to ship was told to cancel too.
            Assert.Equal(
                _h.Locations.Calls.Count(c => c.Call == "release" && c.OrderId == order.OrderId),
                _h.Locations.Calls.Count(c => c.Call == "cancel" && c.OrderId == order.OrderId));
        }

        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task Ten_callers_signalling_a_new_order_at_once_start_one_instance_and_every_message_is_applied()
    {
        var order = _h.Order("many", ("l1", "A", 1));
        await _h.StoreAsync(order);

        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => _h.SendAsync(new LifecycleMessage
        {
            Type = i == 0 ? LifecycleMessageTypes.Start : LifecycleMessageTypes.ChannelUpdated, OrderId = order.OrderId, Key = "signal:" + i, Actor = "channel:shopify",
        })));

        var instance = await _h.Client.GetLifecycleInstanceAsync(order.OrderId, default);
        Assert.Equal("Running", instance!.RuntimeStatus);
        Assert.Equal(S.Released, (await _h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(1, _h.Locations.Count("release", "east"));
        Assert.Equal(1, await _h.ReservedAsync("east", "A"));
    }
}

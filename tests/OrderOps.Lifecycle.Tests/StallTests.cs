using OrderOps.Core.Lifecycle.Orchestration;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// An activity that keeps failing past its retries stalls the order visibly (the instance status says where and why)
/// and the same message is applied once the failure clears: nothing accepted is dropped.
/// </summary>
public sealed class StallTests
{
    [Fact]
    public async Task A_step_whose_activity_keeps_failing_stalls_visibly_then_completes_when_it_recovers()
    {
        await using var h = await LifecycleHarness.StartAsync();
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("stall", ("l1", "A", 1));
        await h.StoreAsync(order);
        h.Locations.ReleaseThrows = int.MaxValue;

        await h.Client.SignalAsync(LifecycleHarness.StartMessage(order.OrderId), default);
        var stalled = await WaitAsync(async () => await h.Client.GetLifecycleInstanceAsync(order.OrderId, default), i => i?.Stalled is not null);
        Assert.Contains(OrderLifecycleNames.ReleaseToLocation, stalled!.Stalled, StringComparison.Ordinal);
        Assert.Contains("timed out (fake)", stalled.Stalled, StringComparison.Ordinal);

        h.Locations.ReleaseThrows = 0;
        var outcome = await h.OutcomeAsync(order.OrderId, LifecycleHarness.StartMessage(order.OrderId).Key);

        Assert.Equal(S.Released, outcome.State);
        Assert.Null((await h.Client.GetLifecycleInstanceAsync(order.OrderId, default))!.Stalled);
        Assert.Equal(1, await h.ReservedAsync("east", "A"));
        Assert.Single(await h.TransitionsAsync(order.OrderId), S.Released);
    }

    [Fact]
    public async Task A_step_the_decider_cannot_decide_stalls_visibly_and_keeps_its_message_until_it_can()
    {
        // A decider bug stands in as facts it cannot read: the instance must not fail and lose the message.
        var broken = true;
        await using var h = await LifecycleHarness.StartAsync(loadSeam: loaded => broken && loaded.Facts is { } facts ? loaded with { Facts = facts with { Lines = null! } } : loaded);
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("undecidable", ("l1", "A", 1));
        await h.StoreAsync(order);

        await h.Client.SignalAsync(LifecycleHarness.StartMessage(order.OrderId), default);
        var stalled = await WaitAsync(async () => await h.Client.GetLifecycleInstanceAsync(order.OrderId, default), i => i?.Stalled is not null);
        Assert.Contains("failed deciding: ", stalled!.Stalled, StringComparison.Ordinal);
        Assert.Equal("Running", stalled.RuntimeStatus);

        broken = false; // the fixed code, deployed
        var outcome = await h.OutcomeAsync(order.OrderId, LifecycleHarness.StartMessage(order.OrderId).Key);

        Assert.Equal(S.Released, outcome.State);
        Assert.Null((await h.Client.GetLifecycleInstanceAsync(order.OrderId, default))!.Stalled);
        Assert.Equal(1, await h.ReservedAsync("east", "A"));
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> until)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (until(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Never got there: {value}");
            await Task.Delay(100);
        }
    }
}

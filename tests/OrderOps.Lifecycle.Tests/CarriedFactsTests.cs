using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// A fulfillment event is decided on the facts the order's last step loaded (one activity less on the way to the
/// channel); any other message loads the order afresh, so a change from the channel is always decided on.
/// </summary>
public sealed class CarriedFactsTests
{
    [Fact]
    public async Task A_shipment_is_decided_without_a_load_and_the_next_other_message_loads_again()
    {
        var loads = 0;
        await using var h = await LifecycleHarness.StartAsync(loadSeam: loaded =>
        {
            Interlocked.Increment(ref loads);
            return loaded;
        });
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("carried", ("l1", "A", 1), ("l2", "A", 1));
        await h.PlaceAsync(order);
        Assert.Equal(1, loads);

        Assert.Equal(S.PartiallyShipped, (await h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1))).State);
        Assert.Equal(1, loads);
        Assert.Equal(S.Shipped, (await h.ShipAsync(order.OrderId, "east", "s2", ("l2", 1))).State);
        Assert.Equal(1, loads);
        Assert.Equal(2, h.Channel.Calls.Count(c => c.StartsWith("shipment:", StringComparison.Ordinal)));

        await h.CancelAsync(order.OrderId);
        Assert.Equal(2, loads);
    }
}

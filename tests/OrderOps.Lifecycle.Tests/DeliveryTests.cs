using OrderOps.Testing.Storage;
using OrderOps.Core.Lifecycle;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>At-least-once delivery: duplicates and reordered messages change nothing.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        await _h.SeedAsync("east", "A", 10);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task Every_message_delivered_twice_leaves_the_same_order_history_and_stock()
    {
        var order = _h.Order("d1", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        var start = new LifecycleMessage { Type = LifecycleMessageTypes.Start, OrderId = order.OrderId, Key = "start:" + order.OrderId, Actor = "channel:shopify" };
        Assert.False((await _h.SendAsync(start)).Applied);

        await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1));
        var historyAfterFirst = (await _h.EventsAsync(order.OrderId)).Count;
        await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1));
        Assert.Equal(historyAfterFirst, (await _h.EventsAsync(order.OrderId)).Count);

        // The same shipment under another key (the location resent it with a new event id) is still one shipment.
        await _h.SendAsync(new LifecycleMessage
        {
            Type = LifecycleMessageTypes.Shipped, OrderId = order.OrderId, Key = "other-key", Actor = "location:east", LocationId = "east",
            Shipment = new FulfillmentShipment("s1", "UPS", "1Zs1", null, [new("l1", null, 1)]),
        });
        Assert.Single((await _h.StateAsync(order.OrderId)).Shipments);
        Assert.Equal(1, await _h.ReservedAsync("east", "A"));
        Assert.Single(_h.Channel.Calls);
    }

    [Fact]
    public async Task Delivery_reported_before_the_last_shipment_completes_the_order_once_everything_shipped()
    {
        var order = _h.Order("d2", ("l1", "A", 2));
        await _h.PlaceAsync(order);

        await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1));
        Assert.Equal(S.PartiallyShipped, (await _h.FulfillmentEventAsync(LifecycleMessageTypes.Delivered, order.OrderId, "east")).State);
        Assert.Equal(S.Completed, (await _h.ShipAsync(order.OrderId, "east", "s2", ("l1", 1))).State);
    }

    [Fact]
    public async Task Shipments_in_either_order_end_in_the_same_state_and_stock()
    {
        var first = _h.Order("d3", ("l1", "A", 1), ("l2", "A", 1));
        var second = _h.Order("d4", ("l1", "A", 1), ("l2", "A", 1));
        await _h.PlaceAsync(first);
        await _h.PlaceAsync(second);

        await _h.ShipAsync(first.OrderId, "east", "a", ("l1", 1));
        await _h.ShipAsync(first.OrderId, "east", "b", ("l2", 1));
        await _h.ShipAsync(second.OrderId, "east", "b2", ("l2", 1));
        await _h.ShipAsync(second.OrderId, "east", "a2", ("l1", 1));

        Assert.Equal(S.Shipped, (await _h.RecordAsync(first.OrderId)).Status);
        Assert.Equal(S.Shipped, (await _h.RecordAsync(second.OrderId)).Status);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_cancel_delivered_twice_compensates_once()
    {
        var order = _h.Order("d5");
        await _h.PlaceAsync(order);

        await _h.CancelAsync(order.OrderId);
        await _h.CancelAsync(order.OrderId);

        Assert.Equal(1, _h.Locations.Count("cancel", "east"));
        Assert.Single(_h.Channel.Calls);
    }

    [Fact]
    public async Task Concurrent_messages_for_one_order_are_all_applied_one_at_a_time()
    {
        // Concurrent messages to one order: the embedded runtime (the test host drops events forwarded during ContinueAsNew).
        await using var h = await LifecycleHarness.StartAsync(runtime: LifecycleRuntime.EmbeddedSqlite);
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("d6", ("l1", "A", 4));
        await h.PlaceAsync(order);

        await Task.WhenAll(Enumerable.Range(1, 4).Select(i => h.ShipAsync(order.OrderId, "east", "s" + i, ("l1", 1))));

        var state = await h.StateAsync(order.OrderId);
        Assert.Equal(4, state.Shipments.Count);
        Assert.Equal(S.Shipped, state.State);
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
        Assert.Equal(6, (await h.Ledger.GetStockAsync()).Single().OnHand);
    }
}

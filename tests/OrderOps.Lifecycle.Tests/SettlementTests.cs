using OrderOps.Core.Lifecycle;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Once goods leave, what only mattered before shipping is closed and said so (issue 12, item 7): the lateness and
/// acknowledgement exceptions are superseded, and compensations owed for shipped goods are dropped.
/// </summary>
public sealed class SettlementTests
{
    [Fact]
    public async Task Shipping_everything_closes_the_expired_ship_by_and_acknowledgement_exceptions_and_owes_nothing()
    {
        await using var h = await LifecycleHarness.StartAsync(o =>
        {
            o.FulfillmentAck = new() { After = TimeSpan.FromMilliseconds(300), Policy = ExpiryPolicy.Exception };
            o.ShipBy = new() { Policy = ExpiryPolicy.Exception };
        });
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("st1", ("l1", "A", 2)) with { ShipBy = DateTimeOffset.UtcNow.AddMilliseconds(600) };
        await h.PlaceAsync(order);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.FulfillmentAck);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);
        var expired = (await h.StateAsync(order.OrderId)).OpenExceptions.ToList();
        Assert.Equal(2, expired.Count(e => e.Kind == ExceptionKinds.TimerExpired));
        Assert.NotEmpty((await h.StateAsync(order.OrderId)).Owed);

        Assert.Equal(S.Shipped, (await h.ShipAsync(order.OrderId, "east", "s1", ("l1", 2))).State);

        var state = await h.StateAsync(order.OrderId);
        Assert.Empty(state.OpenExceptions);
        Assert.Empty(state.Owed);
        Assert.Empty(state.Timers);
        Assert.Empty(state.OpenAllocation());
        foreach (var exception in expired)
        {
            var closed = await h.Exceptions.GetAsync(exception.ExceptionId, default);
            Assert.Equal(("superseded", "location:east", "the order shipped"), (closed!.Resolution, closed.ResolvedBy, closed.ResolutionReason));
        }

        var events = await h.EventsAsync(order.OrderId);
        Assert.Equal(2, events.Count(e => e.Type == LifecycleEventTypes.ExceptionResolved && LifecycleHarness.Data(e)["resolution"]!.GetValue<string>() == "superseded"));
        Assert.Equal(
            [OwedCompensation.CancelAtLocation, OwedCompensation.ReleaseReservation],
            events.Where(e => e.Type == LifecycleEventTypes.CompensationDropped).Select(e => LifecycleHarness.Data(e)["compensation"]!.GetValue<string>()).Order());
    }

    [Fact]
    public async Task A_location_that_shipped_everything_it_was_given_is_owed_no_cancel_while_the_other_still_is()
    {
        await using var h = await LifecycleHarness.StartAsync();
        await h.SeedAsync("east", "A", 10);
        await h.SeedAsync("west", "B", 10);
        var order = h.Order("st2", ("l1", "A", 2), ("l2", "B", 1));
        await h.PlaceAsync(order);

        Assert.Equal(S.PartiallyShipped, (await h.ShipAsync(order.OrderId, "east", "s1", ("l1", 2))).State);

        var owed = (await h.StateAsync(order.OrderId)).Owed;
        Assert.DoesNotContain(new OwedCompensation(OwedCompensation.CancelAtLocation, "east"), owed);
        Assert.Contains(new OwedCompensation(OwedCompensation.CancelAtLocation, "west"), owed);
        Assert.Contains(new OwedCompensation(OwedCompensation.ReleaseReservation), owed);
        var dropped = Assert.Single(await h.EventsAsync(order.OrderId), e => e.Type == LifecycleEventTypes.CompensationDropped);
        Assert.Equal("east", LifecycleHarness.Data(dropped)["location"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_exception_that_still_applies_after_shipping_stays_open()
    {
        await using var h = await LifecycleHarness.StartAsync();
        await h.SeedAsync("east", "A", 10);
        h.Channel.Fail = true;
        var order = h.Order("st3");
        await h.PlaceAsync(order);

        Assert.Equal(S.Shipped, (await h.ShipAsync(order.OrderId, "east", "s1", ("1", 1))).State);

        // The channel still has not been told about the shipment: that is not superseded by shipping.
        Assert.Equal(ExceptionKinds.ChannelNotificationFailed, Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions).Kind);
    }
}

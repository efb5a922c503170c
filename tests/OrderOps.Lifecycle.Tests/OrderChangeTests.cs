using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Orders;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// The channel changes an order's lines after it was allocated (issue 12, item 7): never silently. An operator is
/// asked (order-changed) and chooses retry (re-plan: cancel at the locations, give the reservation back, allocate and
/// release the new lines under the next reservation), override (keep what the locations have) or cancel.
/// </summary>
public sealed class OrderChangeTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        await _h.SeedAsync("east", "A", 10);
        await _h.SeedAsync("east", "B", 10);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private static CanonicalOrder WithQuantity(CanonicalOrder order, int quantity) => order with { LineItems = [order.LineItems[0] with { Quantity = quantity }] };

    [Fact]
    public async Task A_quantity_change_after_release_raises_order_changed_and_leaves_the_locations_and_stock_as_they_were()
    {
        var order = _h.Order("oc1", ("l1", "A", 2));
        await _h.PlaceAsync(order);

        var outcome = await _h.UpdateFromChannelAsync(WithQuantity(order, 3));

        Assert.True(outcome.Applied);
        Assert.Equal(S.Released, outcome.State);
        var open = Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.OrderChanged, open.Kind);
        Assert.Equal([Resolutions.Retry, Resolutions.Override, Resolutions.Cancel], open.Options);
        Assert.Contains("after it was allocated and released", open.Description, StringComparison.Ordinal);
        Assert.Contains("l1=Ax3", open.Context, StringComparison.Ordinal);
        Assert.NotNull(await _h.Exceptions.GetAsync(open.ExceptionId, default));
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));
        Assert.Equal([$"release:{order.OrderId}"], _h.Locations.Keys);
    }

    [Fact]
    public async Task Retrying_re_plans_the_order_under_its_next_reservation_and_tells_the_location_with_a_new_attempt_id()
    {
        var order = _h.Order("oc2", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        await _h.UpdateFromChannelAsync(WithQuantity(order, 3));

        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.OrderChanged, Resolutions.Retry)).State);

        Assert.Equal([$"release:{order.OrderId}", $"cancel:{order.OrderId}", $"release:{order.OrderId}~2"], _h.Locations.Keys);
        var state = await _h.StateAsync(order.OrderId);
        Assert.Equal(2, state.ReservationGeneration);
        Assert.Equal(3, state.Allocation.Sum(a => a.Quantity));
        Assert.Empty(state.OpenExceptions);
        Assert.Equal(Resolutions.Retry, Assert.Single(state.Exceptions).Resolution);
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));
        Assert.Equal(ReservationStatus.Released, (await _h.Ledger.GetReservationAsync(order.OrderId, default))!.Status);
        Assert.Equal([S.Validated, S.Allocated, S.Released, S.Validated, S.Allocated, S.Released], await _h.TransitionsAsync(order.OrderId));
        var replan = (await _h.EventsAsync(order.OrderId)).Single(e => e.Type == LifecycleEventTypes.Transition && LifecycleHarness.Data(e)["trigger"]!.GetValue<string>() == LifecycleTriggers.Replan);
        Assert.Equal("operator:ann", replan.Actor);

        // The re-planned order ships and completes like any other.
        Assert.Equal(S.Shipped, (await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 3))).State);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_re_plan_whose_cancel_at_the_location_fails_finishes_the_re_plan_once_retried_instead_of_cancelling()
    {
        var order = _h.Order("oc7", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        await _h.UpdateFromChannelAsync(WithQuantity(order, 3));
        _h.Locations.CancelAnswer["east"] = Core.Ports.FulfillmentCallStatus.Unavailable;

        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.OrderChanged, Resolutions.Retry)).State);
        Assert.Equal(ExceptionKinds.CompensationFailed, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        _h.Locations.CancelAnswer["east"] = Core.Ports.FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.CompensationFailed, Resolutions.Retry)).State);

        Assert.Equal([$"release:{order.OrderId}", $"cancel:{order.OrderId}", $"cancel:{order.OrderId}", $"release:{order.OrderId}~2"], _h.Locations.Keys);
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));
        Assert.Empty(_h.Channel.Calls);
    }

    [Fact]
    public async Task Overriding_keeps_what_the_locations_have_and_the_same_lines_do_not_ask_again()
    {
        var order = _h.Order("oc3", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        await _h.UpdateFromChannelAsync(WithQuantity(order, 3));

        await _h.ResolveAsync(order.OrderId, ExceptionKinds.OrderChanged, Resolutions.Override, "the customer takes 2, refund agreed");

        var state = await _h.StateAsync(order.OrderId);
        Assert.Empty(state.OpenExceptions);
        Assert.Equal((S.Released, 2), (state.State, state.Allocation.Sum(a => a.Quantity)));
        Assert.Equal([$"release:{order.OrderId}"], _h.Locations.Keys);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));

        var again = await _h.UpdateFromChannelAsync(WithQuantity(order, 3) with { Tags = ["gift"] });
        Assert.False(again.Applied);
        Assert.Equal("The order's lines are unchanged.", again.Note);
        Assert.Empty((await _h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task Cancelling_an_order_whose_lines_changed_compensates_it()
    {
        var order = _h.Order("oc4", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        var added = order with { LineItems = [.. order.LineItems, new LineItem { LineId = "l2", Sku = "B", Title = "B", Quantity = 1, UnitPrice = new(10m, "USD") }] };
        await _h.UpdateFromChannelAsync(added);
        Assert.Equal(ExceptionKinds.OrderChanged, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        Assert.Equal(S.Cancelled, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.OrderChanged, Resolutions.Cancel)).State);

        Assert.Equal([$"release:{order.OrderId}", $"cancel:{order.OrderId}"], _h.Locations.Keys);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
        Assert.Equal(0, await _h.ReservedAsync("east", "B"));
        Assert.Equal([$"cancellation:{order.OrderId}:operator"], _h.Channel.Calls);
    }

    [Fact]
    public async Task An_update_that_leaves_the_lines_as_they_were_changes_nothing()
    {
        var order = _h.Order("oc5", ("l1", "A", 2));
        await _h.PlaceAsync(order);

        var outcome = await _h.UpdateFromChannelAsync(order with { Tags = ["vip"], UpdatedAt = order.UpdatedAt.AddMinutes(1) });

        Assert.False(outcome.Applied);
        Assert.Equal("The order's lines are unchanged.", outcome.Note);
        Assert.Empty((await _h.StateAsync(order.OrderId)).Exceptions);
    }

    [Fact]
    public async Task Lines_changed_after_shipping_are_the_channels_business_and_raise_nothing()
    {
        var order = _h.Order("oc6", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 2));

        var outcome = await _h.UpdateFromChannelAsync(WithQuantity(order, 5));

        Assert.Equal(S.Shipped, outcome.State);
        Assert.Empty((await _h.StateAsync(order.OrderId)).OpenExceptions);
    }
}

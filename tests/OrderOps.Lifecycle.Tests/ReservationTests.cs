using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// The lifecycle reserves in the inventory ledger, which never reserves a released id again. These are the paths where
/// that matters: activities run more than once (at-least-once delivery, a result lost in a crash, retries after a
/// throw), and a cancellation racing an allocation.
/// </summary>
public sealed class ReservationTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        await _h.SeedAsync("east", "A", 10);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task A_reserve_activity_run_twice_holds_one_reservation_and_the_order_keeps_it()
    {
        var order = _h.Order("r0", ("l1", "A", 2));
        await _h.StoreAsync(order);
        var request = new ReserveRequest(order.OrderId, order.OrderId, [new("l1", "A", 2)]);

        // Activities run at least once: the first run's result may be lost when the worker dies before recording it.
        var first = await _h.Activities.ReserveAsync(request, default);
        var second = await _h.Activities.ReserveAsync(request, default);

        Assert.Equal((ReserveStatus.Reserved, ReserveStatus.Reserved), (first.Status, second.Status));
        Assert.Equal(first.Plan, second.Plan);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));
        Assert.Equal(S.Released, (await _h.SendAsync(LifecycleHarness.StartMessage(order.OrderId))).State);
        Assert.Equal(1, (await _h.StateAsync(order.OrderId)).ReservationGeneration);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task An_attempt_that_crashed_after_giving_back_a_stale_reservation_is_finished_under_the_next_reservation_id()
    {
        var order = _h.Order("r1", ("l1", "A", 2));
        await _h.StoreAsync(order);

        // 1. The reserve activity of a first attempt reserves 2; its result is lost.
        await _h.Activities.ReserveAsync(new ReserveRequest(order.OrderId, order.OrderId, [new("l1", "A", 2)]), default);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));

        // 2. The channel changes the line to 3 before anyone retries.
        var record = (await _h.Orders.GetAsync(order.OrderId, default))!;
        var changed = order with { LineItems = [order.LineItems[0] with { Quantity = 3 }] };
        await _h.Orders.SaveAsync(record with { Order = changed }, record.ETag, [], default);

        // 3. The next run sees the reservation no longer fits, gives it back, and its result is lost too.
        var spent = await _h.Activities.ReserveAsync(new ReserveRequest(order.OrderId, order.OrderId, [new("l1", "A", 3)]), default);
        Assert.Equal(ReserveStatus.IdSpent, spent.Status);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));

        // 4. The orchestration finds the id released and moves to the next id.
        Assert.Equal(S.Released, (await _h.SendAsync(LifecycleHarness.StartMessage(order.OrderId))).State);
        var state = await _h.StateAsync(order.OrderId);
        Assert.Equal(2, state.ReservationGeneration);
        Assert.Equal(3, state.Allocation.Sum(a => a.Quantity));
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));
        Assert.Equal(ReservationStatus.Released, (await _h.Ledger.GetReservationAsync(order.OrderId, default))!.Status);
        Assert.Equal([$"release:{order.OrderId}~2"], _h.Locations.Keys);
    }

    [Fact]
    public async Task A_location_call_that_throws_is_retried_by_the_orchestration_under_the_same_idempotency_key()
    {
        _h.Locations.ReleaseThrows = 1;
        var order = _h.Order("r5", ("l1", "A", 2));

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);

        Assert.Equal([$"release:{order.OrderId}", $"release:{order.OrderId}"], _h.Locations.Keys);
        Assert.Empty((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cancellation_that_lands_while_an_allocation_is_reserving_is_applied_after_it_and_leaves_no_stock_held(bool cancelBeforeTheReserve)
    {
        InterceptingStock racing = null!;
        // Concurrent messages to one order: the embedded runtime (the test host drops events forwarded during ContinueAsNew).
        await using var h = await LifecycleHarness.StartAsync(runtime: LifecycleRuntime.EmbeddedSqlite, stockSeam: stock => racing = new InterceptingStock(stock));
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("r2", ("l1", "A", 4));
        await h.StoreAsync(order);
        var cancel = new LifecycleMessage { Type = LifecycleMessageTypes.Cancel, OrderId = order.OrderId, Key = "cancel:racing", Actor = "operator:ann", Reason = "customer asked" };
        Func<Task> cancelConcurrently = () => h.Client.SignalAsync(cancel, default);
        if (cancelBeforeTheReserve)
        {
            racing.BeforeReserve = cancelConcurrently;
        }
        else
        {
            racing.AfterReserve = cancelConcurrently;
        }

        await h.Client.SignalAsync(LifecycleHarness.StartMessage(order.OrderId), default);

        // One message at a time per order: the start finishes its step, then the cancel compensates all of it.
        Assert.Equal(S.Cancelled, (await h.OutcomeAsync(order.OrderId, cancel.Key)).State);
        Assert.Equal(S.Released, (await h.OutcomeAsync(order.OrderId, "start:" + order.OrderId)).State);
        Assert.Equal([S.Validated, S.Allocated, S.Released, S.Cancelled], await h.TransitionsAsync(order.OrderId));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
        Assert.Equal([("release", "east"), ("cancel", "east")], h.Locations.Calls.Select(c => (c.Call, c.Location)));
        Assert.Equal(ReservationStatus.Released, (await h.Ledger.GetReservationAsync(order.OrderId, default))!.Status);
    }

    [Fact]
    public async Task Stock_at_a_location_no_fulfillment_adapter_serves_is_not_allocated()
    {
        await _h.SeedAsync("store-7", "A", 50);
        _h.Locations.Unknown.Add("east");
        var order = _h.Order("r3", ("l1", "A", 2));

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);
        Assert.Equal([("store-7", 2)], (await _h.StateAsync(order.OrderId)).Allocation.Select(a => (a.LocationId, a.Quantity)));

        var other = _h.Order("r4", ("l1", "A", 60));
        await _h.PlaceAsync(other);
        Assert.Equal(ExceptionKinds.InsufficientStock, Assert.Single((await _h.StateAsync(other.OrderId)).OpenExceptions).Kind);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }
}

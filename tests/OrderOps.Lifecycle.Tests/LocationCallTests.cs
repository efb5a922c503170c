using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Calls to fulfillment locations (issue 12, item 7): idempotency keys per reservation generation, so a release after a
/// compensated attempt is new to a location that honours the key; and a release that may have landed (unanswered, or
/// in flight while a cancel arrives) always leaves the location told to cancel.
/// </summary>
public sealed class LocationCallTests
{
    private static async Task<LifecycleHarness> HarnessAsync(LifecycleRuntime runtime = LifecycleRuntime.TestHost)
    {
        var harness = await LifecycleHarness.StartAsync(runtime: runtime);
        await harness.SeedAsync("east", "A", 10);
        await harness.SeedAsync("west", "B", 10);
        return harness;
    }

    [Fact]
    public async Task Release_and_cancel_keys_follow_the_reservation_generation()
    {
        await using var h = await HarnessAsync();
        h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Rejected;
        var order = h.Order("k1", ("l1", "A", 2), ("l2", "B", 5));
        var id = order.OrderId;

        Assert.Equal(S.Validated, (await h.PlaceAsync(order)).State);
        h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Released, (await h.ResolveAsync(id, ExceptionKinds.ReleaseFailed, Resolutions.Retry)).State);
        Assert.Equal(S.Cancelled, (await h.CancelAsync(id)).State);

        // Generation 1: released to both, west refused (owed nothing), east told to cancel. Generation 2 under "~2".
        Assert.Equal(
            [$"release:{id}", $"release:{id}", $"cancel:{id}", $"release:{id}~2", $"release:{id}~2", $"cancel:{id}~2", $"cancel:{id}~2"],
            h.Locations.Keys);
        Assert.Equal(
            [("release", "east"), ("release", "west"), ("cancel", "east"), ("release", "east"), ("release", "west"), ("cancel", "west"), ("cancel", "east")],
            h.Locations.Calls.Select(c => (c.Call, c.Location)));
        Assert.Equal(ReservationStatus.Released, (await h.Ledger.GetReservationAsync(id + "~2", default))!.Status);
    }

    [Fact]
    public async Task A_release_that_went_unanswered_leaves_the_location_told_to_cancel()
    {
        await using var h = await HarnessAsync();
        h.Locations.ReleaseAnswer["east"] = FulfillmentCallStatus.Unavailable;
        var order = h.Order("k2", ("l1", "A", 2));

        Assert.Equal(S.Validated, (await h.PlaceAsync(order)).State);

        // The call may have landed: compensation tells the location to cancel, under the same attempt's key.
        Assert.Equal([$"release:{order.OrderId}", $"cancel:{order.OrderId}"], h.Locations.Keys);
        var state = await h.StateAsync(order.OrderId);
        Assert.Empty(state.Owed);
        Assert.Equal(ExceptionKinds.ReleaseFailed, Assert.Single(state.OpenExceptions).Kind);
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Theory]
    [InlineData(Resolutions.Retry)]
    [InlineData(Resolutions.Override)]
    public async Task A_failed_cancel_while_compensating_a_failed_release_resolves_back_to_the_release_failure_not_a_cancelled_order(string resolution)
    {
        await using var h = await HarnessAsync();
        h.Locations.ReleaseAnswer["east"] = FulfillmentCallStatus.Unavailable;
        h.Locations.CancelAnswer["east"] = FulfillmentCallStatus.Unavailable;
        var order = h.Order("k5", ("l1", "A", 2));

        Assert.Equal(S.Allocated, (await h.PlaceAsync(order)).State);
        Assert.Equal(ExceptionKinds.CompensationFailed, Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        h.Locations.CancelAnswer["east"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Validated, (await h.ResolveAsync(order.OrderId, ExceptionKinds.CompensationFailed, resolution, "cancelled at east by phone")).State);

        // The operator fixed the compensation; the order is back where a failed release leaves it, not cancelled.
        var state = await h.StateAsync(order.OrderId);
        Assert.Equal(ExceptionKinds.ReleaseFailed, Assert.Single(state.OpenExceptions).Kind);
        Assert.Empty(state.Owed);
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
        Assert.Empty(h.Channel.Calls);
        Assert.Equal(resolution == Resolutions.Retry ? 2 : 1, h.Locations.Count("cancel", "east"));

        h.Locations.ReleaseAnswer["east"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Released, (await h.ResolveAsync(order.OrderId, ExceptionKinds.ReleaseFailed, Resolutions.Retry)).State);
        Assert.Equal(2, await h.ReservedAsync("east", "A"));
    }

    [Theory]
    [InlineData(Resolutions.Retry)]
    [InlineData(Resolutions.Override)]
    public async Task A_shipment_while_a_failed_release_is_being_unwound_sends_the_order_forward(string resolution)
    {
        await using var h = await HarnessAsync();
        h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Unavailable;
        h.Locations.CancelAnswer["west"] = FulfillmentCallStatus.Unavailable;
        var order = h.Order("k6", ("l1", "A", 1), ("l2", "B", 2));
        var id = order.OrderId;

        // East took its release; west did not answer, and its cancel (the unwinding's first step) failed too.
        Assert.Equal(S.Allocated, (await h.PlaceAsync(order)).State);
        Assert.Equal(ExceptionKinds.CompensationFailed, Assert.Single((await h.StateAsync(id)).OpenExceptions).Kind);

        // East was never told to cancel and ships: the unwinding is over, the order goes forward and asks for west.
        Assert.Equal(S.PartiallyShipped, (await h.ShipAsync(id, "east", "e1", ("l1", 1))).State);
        var state = await h.StateAsync(id);
        var forward = Assert.Single(state.OpenExceptions);
        Assert.Equal(ExceptionKinds.ReleaseFailed, forward.Kind);
        Assert.Equal([Resolutions.Retry, Resolutions.Override], forward.Options);
        Assert.Equal("superseded", state.Exceptions.Single(e => e.Kind == ExceptionKinds.CompensationFailed).Resolution);
        Assert.Equal(2, await h.ReservedAsync("west", "B"));
        Assert.Equal(0, h.Locations.Count("cancel", "east"));

        h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.PartiallyShipped, (await h.ResolveAsync(id, ExceptionKinds.ReleaseFailed, resolution)).State);
        Assert.Empty((await h.StateAsync(id)).OpenExceptions);

        // Retry sends the same release again (the first may have landed); override means west has it by hand.
        Assert.Equal(resolution == Resolutions.Retry ? 2 : 1, h.Locations.Count("release", "west"));
        Assert.All(h.Locations.Keys.Where(k => k.StartsWith("release:", StringComparison.Ordinal)), k => Assert.Equal($"release:{id}", k));
        Assert.Equal(S.Shipped, (await h.ShipAsync(id, "west", "w1", ("l2", 2))).State);
        Assert.Equal(0, await h.ReservedAsync("west", "B"));
        Assert.Empty((await h.StateAsync(id)).Owed);
    }

    [Fact]
    public async Task A_release_that_was_refused_is_not_cancelled()
    {
        await using var h = await HarnessAsync();
        h.Locations.ReleaseAnswer["east"] = FulfillmentCallStatus.Rejected;
        var order = h.Order("k3", ("l1", "A", 2));

        Assert.Equal(S.Validated, (await h.PlaceAsync(order)).State);

        Assert.Equal([$"release:{order.OrderId}"], h.Locations.Keys);
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_cancel_that_arrives_while_the_release_call_keeps_failing_is_applied_after_it_and_the_location_is_told_to_cancel()
    {
        // Concurrent messages to one order: the embedded runtime (the test host drops events forwarded during ContinueAsNew).
        await using var h = await HarnessAsync(LifecycleRuntime.EmbeddedSqlite);

        // Every retry of the release activity throws (4 attempts, about 7 s); the orchestration pauses (5 s) and runs
        // the start again from the state it began with, keeping the reservation it already holds.
        h.Locations.ReleaseThrows = 4;
        var order = h.Order("k4", ("l1", "A", 2));
        var id = order.OrderId;
        await h.StoreAsync(order);
        await h.Client.SignalAsync(LifecycleHarness.StartMessage(id), default);
        var deadline = DateTimeOffset.UtcNow + LifecycleHarness.OutcomeTimeout;
        while (h.Locations.Keys.IsEmpty && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        var cancel = new LifecycleMessage { Type = LifecycleMessageTypes.Cancel, OrderId = id, Key = "cancel:in-flight", Actor = "operator:ann", Reason = "customer asked" };
        await h.Client.SignalAsync(cancel, default);

        Assert.Equal(S.Released, (await h.OutcomeAsync(id, "start:" + id)).State);
        Assert.Equal(S.Cancelled, (await h.OutcomeAsync(id, cancel.Key)).State);
        Assert.Equal([.. Enumerable.Repeat($"release:{id}", 5), $"cancel:{id}"], h.Locations.Keys);
        Assert.Equal([S.Validated, S.Allocated, S.Released, S.Cancelled], await h.TransitionsAsync(id));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
        Assert.Null(await h.Ledger.GetReservationAsync(id + "~2", default));
    }
}

using OrderOps.Testing.Storage;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>Cancellation from every cancellable state: compensations in reverse order, and what stops them.</summary>
public sealed class CancellationTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync() => _h = await TransitionTests.StartWithTwoLocationsAsync();

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Theory]
    [InlineData("received")]
    [InlineData("validated")]
    [InlineData("on_hold")]
    [InlineData("released")]
    public async Task An_operator_cancel_runs_the_owed_compensations_in_reverse_and_tells_the_channel(string from)
    {
        var order = from switch
        {
            "received" => _h.Order("c1", ("l1", "UNKNOWN", 1)),
            "validated" => _h.Order("c2", ("l1", "A", 99)),
            "on_hold" => _h.Order("c3") with { Totals = new() { Total = new(5000m, "USD") } },
            _ => _h.Order("c4", ("l1", "A", 2), ("l2", "B", 5)),
        };
        Assert.Equal(from, (await _h.PlaceAsync(order)).State);

        Assert.Equal(S.Cancelled, (await _h.CancelAsync(order.OrderId)).State);

        var state = await _h.StateAsync(order.OrderId);
        Assert.Empty(state.Owed);
        Assert.Empty(state.OpenExceptions);
        Assert.Empty(state.Timers);
        Assert.All(await _h.Ledger.GetStockAsync(), s => Assert.Equal(0, s.Reserved));
        Assert.Equal([$"cancellation:{order.OrderId}:operator"], _h.Channel.Calls);
        if (from == "released")
        {
            Assert.Equal([("cancel", "west"), ("cancel", "east")], _h.Locations.Calls.Where(c => c.Call == "cancel").Select(c => (c.Call, c.Location)));
            var compensations = (await _h.EventsAsync(order.OrderId)).Where(e => e.Type == LifecycleEventTypes.Compensated).Select(e => e.Data).ToList();
            Assert.Equal(3, compensations.Count);
            Assert.Contains("release-reservation", compensations[^1], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_channel_cancellation_arriving_with_an_update_cancels_through_the_lifecycle()
    {
        var order = _h.Order("12");
        await _h.PlaceAsync(order);
        var record = await _h.RecordAsync(order.OrderId);
        await _h.Orders.SaveAsync(record with { Order = order with { UpdatedAt = order.UpdatedAt.AddMinutes(5), Cancellation = new() { CancelledAt = order.UpdatedAt.AddMinutes(5), Reason = "customer" } } }, record.ETag, [], default);

        var outcome = await _h.SendAsync(new LifecycleMessage { Type = LifecycleMessageTypes.ChannelUpdated, OrderId = order.OrderId, Key = "update-1", Actor = "channel:shopify" });

        Assert.Equal(S.Cancelled, outcome.State);
        Assert.Equal(1, _h.Locations.Count("cancel", "east"));
        Assert.Equal([$"cancellation:{order.OrderId}:channel"], _h.Channel.Calls);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task An_order_already_shipped_is_not_cancellable_and_an_operator_is_asked()
    {
        var order = _h.Order("13", ("l1", "A", 2));
        await _h.PlaceAsync(order);
        await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1));

        Assert.Equal(S.PartiallyShipped, (await _h.CancelAsync(order.OrderId)).State);

        var exception = Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.NotCancellable, exception.Kind);
        Assert.Equal([Resolutions.Override], exception.Options);
        Assert.Contains("return", exception.RecommendedAction, StringComparison.Ordinal);
        Assert.Equal(0, _h.Locations.Count("cancel", "east"));
    }

    [Fact]
    public async Task A_location_that_already_shipped_stops_the_cancellation()
    {
        _h.Locations.CancelAnswer["east"] = FulfillmentCallStatus.AlreadyShipped;
        var order = _h.Order("14");
        await _h.PlaceAsync(order);

        Assert.Equal(S.Released, (await _h.CancelAsync(order.OrderId)).State);

        Assert.Equal(ExceptionKinds.NotCancellable, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        Assert.Equal(1, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_compensation_that_fails_is_retried_by_the_operator()
    {
        _h.Locations.CancelAnswer["east"] = FulfillmentCallStatus.Unavailable;
        var order = _h.Order("15");
        await _h.PlaceAsync(order);

        Assert.Equal(S.Released, (await _h.CancelAsync(order.OrderId)).State);
        Assert.Equal(ExceptionKinds.CompensationFailed, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        _h.Locations.CancelAnswer["east"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Cancelled, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.CompensationFailed, Resolutions.Retry)).State);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task Cancelling_an_order_that_is_already_cancelled_changes_nothing_and_says_so()
    {
        var order = _h.Order("c5");
        await _h.PlaceAsync(order);
        Assert.True((await _h.CancelAsync(order.OrderId)).Applied);
        var eventsBefore = (await _h.EventsAsync(order.OrderId)).Count;

        var again = await _h.CancelAsync(order.OrderId);

        Assert.False(again.Applied);
        Assert.Equal(S.Cancelled, again.State);
        Assert.Contains("Already ended (cancelled)", again.Note, StringComparison.Ordinal);
        Assert.Equal(eventsBefore, (await _h.EventsAsync(order.OrderId)).Count);
        Assert.Equal(1, _h.Locations.Count("cancel", "east"));
        Assert.Single(_h.Channel.Calls);
    }
}

using OrderOps.Testing.Storage;
using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>Every forward transition of the machine, driven through the order's orchestration on the embedded stores.</summary>
public sealed class TransitionTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync() => _h = await StartWithTwoLocationsAsync();

    /// <summary>Orders over 1000 held for review; A at east, B mostly at west (so an A+B order splits).</summary>
    internal static async Task<LifecycleHarness> StartWithTwoLocationsAsync()
    {
        var harness = await LifecycleHarness.StartAsync(o => o.ReviewValueThreshold = 1000m);
        await harness.SeedAsync("east", "A", 10);
        await harness.SeedAsync("east", "B", 1);
        await harness.SeedAsync("west", "B", 10);
        return harness;
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_order_runs_from_received_to_completed_with_partial_shipments_and_tells_the_channel_each_time()
    {
        var order = _h.Order("1", ("l1", "A", 3));
        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));
        Assert.Equal(1, _h.Locations.Count("release", "east"));

        Assert.Equal(S.PartiallyShipped, (await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1))).State);
        Assert.Equal(S.Shipped, (await _h.ShipAsync(order.OrderId, "east", "s2", ("l1", 2))).State);
        Assert.Equal(S.Completed, (await _h.FulfillmentEventAsync(LifecycleMessageTypes.Delivered, order.OrderId, "east")).State);

        Assert.Equal([S.Validated, S.Allocated, S.Released, S.PartiallyShipped, S.Shipped, S.Delivered, S.Completed], await _h.TransitionsAsync(order.OrderId));
        Assert.Equal([$"shipment:{order.OrderId}:s1:1Zs1", $"shipment:{order.OrderId}:s2:1Zs2"], _h.Channel.Calls);
        var stock = (await _h.Ledger.GetStockAsync()).Single(s => s is { LocationId: "east", Sku: "A" });
        Assert.Equal((7, 0), (stock.OnHand, stock.Reserved));
        var state = await _h.StateAsync(order.OrderId);
        Assert.Empty(state.Timers);
        Assert.Equal("completed", (await _h.RecordAsync(order.OrderId)).Status);
        Assert.All(await _h.EventsAsync(order.OrderId), e => Assert.NotNull(e.Actor));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_acceptance_notice_is_recorded_either_way_but_only_asked_of_a_channel_that_sends_one(bool sendsAcceptance)
    {
        _h.Channel.SendsAcceptance = sendsAcceptance;
        var order = _h.Order(sendsAcceptance ? "acc-sent" : "acc-skipped");

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);

        var told = (await _h.EventsAsync(order.OrderId)).Where(e => e.Type == LifecycleEventTypes.ChannelNotified).Select(LifecycleHarness.Data)
            .Single(d => d["action"]!.GetValue<string>() == "acceptance");
        Assert.Equal("NotApplicable", told["result"]!.GetValue<string>());
        Assert.Equal(sendsAcceptance ? 1 : 0, _h.Channel.Calls.Count(c => c == "acceptance:" + order.OrderId));
    }

    [Fact]
    public async Task Each_transition_event_records_actor_time_cause_and_the_move()
    {
        var order = _h.Order("2");
        await _h.PlaceAsync(order);

        var validated = (await _h.EventsAsync(order.OrderId)).First(e => e.Type == LifecycleEventTypes.Transition);
        Assert.Equal(("channel:shopify", "start:" + order.OrderId), (validated.Actor, validated.Cause));
        Assert.InRange(validated.At, _h.Start, DateTimeOffset.UtcNow);
        Assert.Contains("\"from\":\"received\",\"to\":\"validated\",\"trigger\":\"validate\"", validated.Data, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_order_that_fits_no_single_location_is_split_to_minimise_shipments()
    {
        var order = _h.Order("3", ("l1", "A", 2), ("l2", "B", 5));

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);

        var plan = (await _h.StateAsync(order.OrderId)).Allocation;
        Assert.Equal([("l1", "east", 2), ("l2", "west", 5)], plan.Select(p => (p.LineId, p.LocationId, p.Quantity)));
        Assert.Equal(1, _h.Locations.Count("release", "east"));
        Assert.Equal(1, _h.Locations.Count("release", "west"));
    }

    [Fact]
    public async Task A_failed_validation_waits_for_an_operator_who_can_override_it()
    {
        var order = _h.Order("4", ("l1", "UNKNOWN", 1)) with { ShippingAddress = null };

        Assert.Equal(S.Received, (await _h.PlaceAsync(order)).State);
        var exception = Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.ValidationFailed, exception.Kind);
        Assert.Contains("UNKNOWN", exception.Description, StringComparison.Ordinal);
        Assert.Contains("shippingAddress", exception.Description, StringComparison.Ordinal);
        Assert.Equal([Resolutions.Retry, Resolutions.Cancel, Resolutions.Override], exception.Options);
        Assert.NotNull(await _h.Exceptions.GetAsync(exception.ExceptionId, default));

        // Overriding skips validation; allocation then fails on the unknown SKU and asks again.
        var outcome = await _h.ResolveAsync(order.OrderId, ExceptionKinds.ValidationFailed, Resolutions.Override, "address confirmed by phone");
        Assert.Equal(S.Validated, outcome.State);
        Assert.Equal(ExceptionKinds.InsufficientStock, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        var resolved = await _h.Exceptions.GetAsync(exception.ExceptionId, default);
        Assert.Equal(("override", "operator:ann", "address confirmed by phone"), (resolved!.Resolution, resolved.ResolvedBy, resolved.ResolutionReason));
    }

    [Fact]
    public async Task Cancelling_a_validation_exception_rejects_the_order()
    {
        var order = _h.Order("5", ("l1", "UNKNOWN", 1));
        await _h.PlaceAsync(order);

        Assert.Equal(S.Rejected, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.ValidationFailed, Resolutions.Cancel)).State);
        Assert.Equal([$"cancellation:{order.OrderId}:operator"], _h.Channel.Calls);
    }

    [Fact]
    public async Task Retrying_validation_after_the_catalog_learns_the_sku_moves_on()
    {
        var order = _h.Order("6", ("l1", "NEW", 1));
        await _h.PlaceAsync(order);
        await _h.SeedAsync("east", "NEW", 3);

        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.ValidationFailed, Resolutions.Retry)).State);
    }

    [Fact]
    public async Task A_high_value_order_is_held_for_review_until_approved()
    {
        var order = _h.Order("7", ("l1", "A", 1)) with { Totals = new() { Total = new(5000m, "USD") } };

        Assert.Equal(S.OnHold, (await _h.PlaceAsync(order)).State);
        var state = await _h.StateAsync(order.OrderId);
        Assert.Equal(ExceptionKinds.ReviewRequired, Assert.Single(state.OpenExceptions).Kind);
        Assert.Equal(TimerKinds.ReviewHold, Assert.Single(state.Timers).Kind);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));

        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.ReviewRequired, Resolutions.Override, "known customer")).State);
        Assert.Equal([S.Validated, S.OnHold, S.Validated, S.Allocated, S.Released], await _h.TransitionsAsync(order.OrderId));
        Assert.DoesNotContain((await _h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.ReviewHold);
    }

    [Fact]
    public async Task Risk_tags_hold_an_order_and_declining_the_review_rejects_it()
    {
        _h.Options.ReviewRiskTags.Add("fraud-risk");
        var order = _h.Order("8") with { Tags = ["Fraud-Risk"] };

        Assert.Equal(S.OnHold, (await _h.PlaceAsync(order)).State);
        Assert.Equal(S.Rejected, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.ReviewRequired, Resolutions.Cancel)).State);
        Assert.Empty((await _h.StateAsync(order.OrderId)).Timers);
    }

    [Fact]
    public async Task An_override_without_a_reason_or_an_option_not_offered_changes_nothing_and_says_why()
    {
        var order = _h.Order("9") with { Totals = new() { Total = new(5000m, "USD") } };
        await _h.PlaceAsync(order);
        var eventsBefore = (await _h.EventsAsync(order.OrderId)).Count;

        // The orchestrator never throws for a bad request: the outcome says it was not applied, and why.
        var noReason = await _h.ResolveAsync(order.OrderId, ExceptionKinds.ReviewRequired, Resolutions.Override, reason: null);
        Assert.False(noReason.Applied);
        Assert.Equal("An override needs a reason.", noReason.Note);
        var notOffered = await _h.ResolveAsync(order.OrderId, ExceptionKinds.ReviewRequired, Resolutions.Retry);
        Assert.False(notOffered.Applied);
        Assert.Contains("'retry' is not an option", notOffered.Note, StringComparison.Ordinal);

        Assert.Equal(S.OnHold, (await _h.RecordAsync(order.OrderId)).Status);
        Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(eventsBefore, (await _h.EventsAsync(order.OrderId)).Count);
    }

    [Fact]
    public async Task Insufficient_stock_waits_and_a_retry_after_restocking_allocates()
    {
        var order = _h.Order("10", ("l1", "A", 50));

        Assert.Equal(S.Validated, (await _h.PlaceAsync(order)).State);
        Assert.Equal(ExceptionKinds.InsufficientStock, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));

        await _h.SeedAsync("west", "A", 60);
        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.InsufficientStock, Resolutions.Retry)).State);
        Assert.Equal(50, await _h.ReservedAsync("west", "A"));
    }

    [Fact]
    public async Task A_refused_release_compensates_in_reverse_and_a_retry_releases_again()
    {
        _h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Unavailable;
        var order = _h.Order("11", ("l1", "A", 2), ("l2", "B", 5));

        Assert.Equal(S.Validated, (await _h.PlaceAsync(order)).State);

        // In reverse: west did not answer, but the call may have landed, so it is told to cancel; then east; then the reservation goes.
        Assert.Equal([("release", "east"), ("release", "west"), ("cancel", "west"), ("cancel", "east")], _h.Locations.Calls.Select(c => (c.Call, c.Location)));
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
        Assert.Equal(0, await _h.ReservedAsync("west", "B"));
        var state = await _h.StateAsync(order.OrderId);
        Assert.Equal(ExceptionKinds.ReleaseFailed, Assert.Single(state.OpenExceptions).Kind);
        Assert.Empty(state.Owed);
        Assert.Equal([S.Validated, S.Allocated, S.Validated], await _h.TransitionsAsync(order.OrderId));

        _h.Locations.ReleaseAnswer["west"] = FulfillmentCallStatus.Accepted;
        Assert.Equal(S.Released, (await _h.ResolveAsync(order.OrderId, ExceptionKinds.ReleaseFailed, Resolutions.Retry)).State);
        Assert.Equal(5, await _h.ReservedAsync("west", "B"));

        // The ledger never reserves a released id again, so the second allocation is the order's next reservation.
        Assert.Equal(2, (await _h.StateAsync(order.OrderId)).ReservationGeneration);
        Assert.Equal(ReservationStatus.Released, (await _h.Ledger.GetReservationAsync(order.OrderId, default))!.Status);
        Assert.Equal(7, (await _h.Ledger.GetReservationAsync(order.OrderId + "~2", default))!.Allocations.Sum(a => a.Quantity));
    }

    [Fact]
    public async Task A_returned_order_ends_returned()
    {
        var order = _h.Order("16");
        await _h.PlaceAsync(order);
        await _h.ShipAsync(order.OrderId, "east", "s1", ("1", 1));

        Assert.Equal(S.Returned, (await _h.FulfillmentEventAsync(LifecycleMessageTypes.Returned, order.OrderId, "east")).State);
    }

    [Fact]
    public async Task A_failed_channel_update_is_an_exception_that_does_not_stop_the_order_and_can_be_retried()
    {
        _h.Channel.Fail = true;
        var order = _h.Order("17");
        await _h.PlaceAsync(order);

        Assert.Equal(S.Shipped, (await _h.ShipAsync(order.OrderId, "east", "s1", ("1", 1))).State);
        Assert.Equal(ExceptionKinds.ChannelNotificationFailed, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        Assert.Equal(S.Completed, (await _h.FulfillmentEventAsync(LifecycleMessageTypes.Delivered, order.OrderId, "east")).State);

        _h.Channel.Fail = false;
        await _h.ResolveAsync(order.OrderId, ExceptionKinds.ChannelNotificationFailed, Resolutions.Retry);
        Assert.Equal([$"shipment:{order.OrderId}:s1:1Zs1"], _h.Channel.Calls);
        Assert.True(Assert.Single((await _h.StateAsync(order.OrderId)).Shipments).ChannelNotified);
    }

    [Fact]
    public async Task An_order_whose_channel_acceptance_is_not_wired_shows_an_exception_instead_of_pretending()
    {
        var order = _h.Order("18") with { OrderId = "edi:PARTNER:PO18", Channel = "edi", ChannelAccount = "PARTNER", ChannelOrderId = "PO18" };

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);

        var exception = Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.ChannelNotificationFailed, exception.Kind);
        Assert.Contains("acceptance message is not wired", exception.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_amazon_order_still_pending_payment_waits_for_the_channel_then_proceeds()
    {
        var pending = _h.Order("20") with
        {
            OrderId = "amazon:A1:111-2222222-3333333", Channel = "amazon", ChannelAccount = "A1", ChannelOrderId = "111-2222222-3333333",
            FinancialStatus = OrderOps.Core.Orders.FinancialStatus.Pending,
        };

        Assert.Equal(S.Received, (await _h.PlaceAsync(pending)).State);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
        Assert.Contains(await _h.EventsAsync(pending.OrderId), e => e.Type == LifecycleEventTypes.AwaitingChannel);

        var record = await _h.RecordAsync(pending.OrderId);
        await _h.Orders.SaveAsync(record with { Order = pending with { FinancialStatus = OrderOps.Core.Orders.FinancialStatus.Paid, UpdatedAt = pending.UpdatedAt.AddMinutes(1) } }, record.ETag, [], default);
        var outcome = await _h.SendAsync(new LifecycleMessage { Type = LifecycleMessageTypes.ChannelUpdated, OrderId = pending.OrderId, Key = "update-paid", Actor = "channel:amazon" });

        // No Amazon notifier is registered in the harness: the shipment confirmation seam shows up later, not here.
        Assert.Equal(S.Released, outcome.State);
    }

    [Fact]
    public async Task A_shipment_from_nowhere_is_an_exception_not_a_state_change()
    {
        var order = _h.Order("19", ("l1", "A", 50));
        await _h.PlaceAsync(order);

        Assert.Equal(S.Validated, (await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1))).State);
        Assert.Contains((await _h.StateAsync(order.OrderId)).OpenExceptions, e => e.Kind == ExceptionKinds.UnexpectedFulfillmentEvent);
    }

    [Fact]
    public async Task An_unexpected_shipment_overridden_by_an_operator_changes_nothing_and_the_order_carries_on()
    {
        var order = _h.Order("20", ("l1", "A", 2));
        await _h.PlaceAsync(order);

        // A line that was never released to west: recorded as an exception, stock untouched.
        Assert.Equal(S.Released, (await _h.ShipAsync(order.OrderId, "west", "stray", ("l1", 2))).State);
        Assert.Equal(ExceptionKinds.UnexpectedFulfillmentEvent, Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));

        await _h.ResolveAsync(order.OrderId, ExceptionKinds.UnexpectedFulfillmentEvent, Resolutions.Override, "west mislabelled a parcel; no goods left");
        var state = await _h.StateAsync(order.OrderId);
        Assert.Empty(state.OpenExceptions);
        Assert.Empty(state.Shipments);
        Assert.Equal(S.Released, state.State);

        Assert.Equal(S.Shipped, (await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 2))).State);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_delivery_reported_before_its_shipment_waits_for_it_instead_of_completing_early()
    {
        var order = _h.Order("21", ("l1", "A", 1));
        await _h.PlaceAsync(order);

        // Carriers' delivery scans can overtake the warehouse's shipment event: remembered, not acted on yet.
        Assert.Equal(S.Released, (await _h.FulfillmentEventAsync(LifecycleMessageTypes.Delivered, order.OrderId, "east")).State);
        Assert.Empty((await _h.StateAsync(order.OrderId)).OpenExceptions);

        Assert.Equal(S.Completed, (await _h.ShipAsync(order.OrderId, "east", "s1", ("l1", 1))).State);
        Assert.Equal([S.Validated, S.Allocated, S.Released, S.Shipped, S.Delivered, S.Completed], await _h.TransitionsAsync(order.OrderId));
    }

    [Fact]
    public async Task An_override_of_an_unexpected_event_needs_a_reason_and_retry_is_not_offered()
    {
        var order = _h.Order("22", ("l1", "A", 1));
        await _h.PlaceAsync(order);
        await _h.ShipAsync(order.OrderId, "east", "s1", ("nope", 1));
        var open = Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.UnexpectedFulfillmentEvent, open.Kind);
        Assert.Equal([Resolutions.Override], open.Options);

        Assert.False((await _h.ResolveAsync(order.OrderId, ExceptionKinds.UnexpectedFulfillmentEvent, Resolutions.Retry)).Applied);
        Assert.False((await _h.ResolveAsync(order.OrderId, ExceptionKinds.UnexpectedFulfillmentEvent, Resolutions.Override, reason: " ")).Applied);
        Assert.Single((await _h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public void Every_transition_the_engine_can_make_is_declared_and_every_state_is_reachable()
    {
        var targets = LifecycleMachine.Transitions.Select(t => t.To).ToHashSet();
        Assert.All(LifecycleStates.All.Where(s => s != S.Received), s => Assert.Contains(s, targets));
        Assert.All(LifecycleStates.All.Where(s => !LifecycleStates.IsTerminal(s)),
            s => Assert.Contains(LifecycleMachine.Transitions, t => t.From.Contains(s)));
        Assert.Null(LifecycleMachine.Find(S.Shipped, LifecycleTriggers.Cancel, S.Cancelled));
    }
}

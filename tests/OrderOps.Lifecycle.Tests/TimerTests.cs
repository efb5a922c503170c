using OrderOps.Core.Lifecycle;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>Due timers on a fake clock: swept into lifecycle messages, each expiry following its configured policy.</summary>
public sealed class TimerTests
{
    private static async Task<LifecycleHarness> HarnessAsync(Action<LifecycleOptions> configure)
    {
        var harness = await LifecycleHarness.StartAsync(configure);
        await harness.SeedAsync("east", "A", 10);
        return harness;
    }

    [Fact]
    public async Task Nothing_fires_before_it_is_due()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t1");
        await h.PlaceAsync(order);

        h.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await h.FireDueTimersAsync());
        Assert.Empty((await h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task An_unacknowledged_release_raises_an_exception_under_the_exception_policy()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t2");
        await h.PlaceAsync(order);

        h.Time.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(1, await h.FireDueTimersAsync());

        var exception = Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.TimerExpired, exception.Kind);
        Assert.Contains("east", exception.Description, StringComparison.Ordinal);
        Assert.Equal([Resolutions.Retry, Resolutions.Cancel, Resolutions.Override], exception.Options);
        var fired = (await h.EventsAsync(order.OrderId)).Single(e => e.Type == LifecycleEventTypes.TimerFired);
        Assert.Equal("timer:fulfillment-ack", fired.Actor);

        // Retrying from the exception re-sends the release and arms the timer again.
        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Retry);
        Assert.Equal(2, h.Locations.Count("release", "east"));
        Assert.Single((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.FulfillmentAck);
    }

    [Fact]
    public async Task The_retry_policy_resends_the_release_then_gives_up_to_an_operator()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(10), Policy = ExpiryPolicy.Retry, MaxAttempts = 2, RetryAfter = TimeSpan.FromMinutes(10) });
        var order = h.Order("t3");
        await h.PlaceAsync(order);

        for (var i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(11));
            await h.FireDueTimersAsync();
        }

        Assert.Equal(3, h.Locations.Count("release", "east"));
        Assert.Equal(ExceptionKinds.TimerExpired, Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions).Kind);
        Assert.DoesNotContain((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.FulfillmentAck);
    }

    [Fact]
    public async Task An_acknowledgement_disarms_the_timer_so_it_never_fires()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t4");
        await h.PlaceAsync(order);

        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");
        h.Time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(0, await h.FireDueTimersAsync());
        Assert.Empty((await h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task A_timer_the_order_stopped_waiting_for_is_ignored_if_it_still_fires()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t5");
        await h.PlaceAsync(order);
        var timer = Assert.Single((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.FulfillmentAck);
        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");

        // As if the store had lagged (a crash between the state save and the timer delete).
        await h.Timers.ScheduleAsync(new(timer.TimerId, order.OrderId, timer.Kind, timer.DueAt), default);
        h.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await h.FireDueTimersAsync());

        Assert.Empty((await h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task The_ship_by_sla_uses_the_order_date_when_the_channel_gives_one_and_the_channel_default_otherwise()
    {
        await using var h = await HarnessAsync(o => o.ShipByDefaults["shopify"] = TimeSpan.FromDays(2));
        var withDate = h.Order("t6") with { ShipBy = h.Start.AddHours(6) };
        var without = h.Order("t7");
        await h.PlaceAsync(withDate);
        await h.PlaceAsync(without);

        Assert.Equal(h.Start.AddHours(6), (await h.StateAsync(withDate.OrderId)).Timers.Single(t => t.Kind == TimerKinds.ShipBy).DueAt);
        Assert.Equal(h.Start.AddDays(2), (await h.StateAsync(without.OrderId)).Timers.Single(t => t.Kind == TimerKinds.ShipBy).DueAt);

        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, withDate.OrderId, "east");
        h.Time.Advance(TimeSpan.FromHours(7));
        await h.FireDueTimersAsync();

        var missed = Assert.Single((await h.StateAsync(withDate.OrderId)).OpenExceptions);
        Assert.Contains("ship-by", missed.Description, StringComparison.Ordinal);
        Assert.DoesNotContain((await h.StateAsync(without.OrderId)).OpenExceptions, e => e.Description.Contains("ship-by", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Overriding_an_unacknowledged_release_accepts_the_silence_and_the_order_ships_on()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t10");
        await h.PlaceAsync(order);
        h.Time.Advance(TimeSpan.FromMinutes(31));
        await h.FireDueTimersAsync();

        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Override, "the warehouse confirmed by phone");

        var state = await h.StateAsync(order.OrderId);
        Assert.Empty(state.OpenExceptions);
        var closed = Assert.Single(state.Exceptions);
        Assert.Equal((Resolutions.Override, "operator:ann", "the warehouse confirmed by phone"), (closed.Resolution, closed.ResolvedBy, closed.ResolutionReason));
        Assert.DoesNotContain(state.Timers, t => t.Kind == TimerKinds.FulfillmentAck);
        Assert.Equal(1, h.Locations.Count("release", "east"));
        Assert.Contains(await h.EventsAsync(order.OrderId), e => e.Type == LifecycleEventTypes.ExceptionResolved && e.Actor == "operator:ann");

        Assert.Equal(S.Shipped, (await h.ShipAsync(order.OrderId, "east", "s1", ("1", 1))).State);
    }

    [Fact]
    public async Task Overriding_a_missed_ship_by_accepts_a_late_shipment_and_keeps_the_stock_reserved_until_it_ships()
    {
        await using var h = await HarnessAsync(o => o.ShipBy = new() { Policy = ExpiryPolicy.Exception });
        var order = h.Order("t11", ("1", "A", 3)) with { ShipBy = h.Start.AddHours(1) };
        await h.PlaceAsync(order);
        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");
        h.Time.Advance(TimeSpan.FromHours(2));
        await h.FireDueTimersAsync();
        Assert.Equal(ExceptionKinds.TimerExpired, Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Override, "customer agreed to wait");

        Assert.Equal(S.Released, (await h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(3, await h.ReservedAsync("east", "A"));
        Assert.Equal(0, h.Locations.Count("cancel", "east"));
        Assert.Equal(S.Shipped, (await h.ShipAsync(order.OrderId, "east", "late", ("1", 3))).State);
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task Cancelling_from_an_expired_timer_compensates_like_any_cancellation()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t12", ("1", "A", 2));
        await h.PlaceAsync(order);
        h.Time.Advance(TimeSpan.FromMinutes(31));
        await h.FireDueTimersAsync();

        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Cancel);

        Assert.Equal(S.Cancelled, (await h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(1, h.Locations.Count("cancel", "east"));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_cancellation_the_channel_has_not_confirmed_yet_is_asked_again_until_it_is()
    {
        await using var h = await HarnessAsync(o => o.ChannelRecheck = new() { After = TimeSpan.FromMinutes(5), Policy = ExpiryPolicy.Retry, MaxAttempts = 3 });
        var order = h.Order("t13");
        await h.PlaceAsync(order);
        h.Channel.PendingAnswers = 2;

        Assert.Equal(S.Cancelled, (await h.CancelAsync(order.OrderId)).State);
        Assert.False((await h.StateAsync(order.OrderId)).CancellationAcknowledged);
        Assert.Single((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.ChannelRecheck);

        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.FireDueTimersAsync();
        Assert.False((await h.StateAsync(order.OrderId)).CancellationAcknowledged);
        h.Time.Advance(TimeSpan.FromMinutes(6));
        await h.FireDueTimersAsync();

        var state = await h.StateAsync(order.OrderId);
        Assert.True(state.CancellationAcknowledged);
        Assert.Empty(state.Timers);
        Assert.Empty(state.OpenExceptions);
        Assert.Equal(3, h.Channel.Calls.Count(c => c.StartsWith("cancellation:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_channel_that_never_confirms_is_handed_to_an_operator_who_can_override_once_checked()
    {
        await using var h = await HarnessAsync(o => o.ChannelRecheck = new() { After = TimeSpan.FromMinutes(5), Policy = ExpiryPolicy.Retry, MaxAttempts = 2 });
        var order = h.Order("t14");
        await h.PlaceAsync(order);
        h.Channel.PendingAnswers = int.MaxValue;
        await h.CancelAsync(order.OrderId);

        for (var i = 0; i < 3; i++)
        {
            h.Time.Advance(TimeSpan.FromMinutes(6));
            await h.FireDueTimersAsync();
        }

        var open = Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.TimerExpired, open.Kind);
        Assert.Equal([Resolutions.Retry, Resolutions.Override], open.Options);
        Assert.Equal(1 + 2, h.Channel.Calls.Count);

        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Override, "confirmed in Seller Central");
        Assert.True((await h.StateAsync(order.OrderId)).CancellationAcknowledged);
        Assert.Empty((await h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task A_missed_ship_by_under_the_compensate_policy_cancels_and_releases_the_stock()
    {
        await using var h = await HarnessAsync(o => o.ShipBy = new() { Policy = ExpiryPolicy.Compensate });
        var order = h.Order("t8") with { ShipBy = h.Start.AddHours(1) };
        await h.PlaceAsync(order);

        h.Time.Advance(TimeSpan.FromHours(2));
        await h.FireDueTimersAsync();

        Assert.Equal(S.Cancelled, (await h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(1, h.Locations.Count("cancel", "east"));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task An_expired_review_hold_follows_its_policy()
    {
        await using var exception = await HarnessAsync(o => { o.ReviewValueThreshold = 1; o.ReviewHold = new() { After = TimeSpan.FromHours(24), Policy = ExpiryPolicy.Exception }; });
        await using var retry = await HarnessAsync(o => { o.ReviewValueThreshold = 1; o.ReviewHold = new() { After = TimeSpan.FromHours(24), Policy = ExpiryPolicy.Retry, MaxAttempts = 1 }; });
        await using var compensate = await HarnessAsync(o => { o.ReviewValueThreshold = 1; o.ReviewHold = new() { After = TimeSpan.FromHours(24), Policy = ExpiryPolicy.Compensate }; });
        var order = h.Order("t9", ("1", "A", 5));
        foreach (var h in new[] { exception, retry, compensate })
        {
            await h.PlaceAsync(order);
            h.Time.Advance(TimeSpan.FromHours(25));
            await h.FireDueTimersAsync();
        }

        Assert.Contains((await exception.StateAsync(order.OrderId)).OpenExceptions, e => e.Kind == ExceptionKinds.TimerExpired);
        Assert.Equal(S.OnHold, (await exception.RecordAsync(order.OrderId)).Status);

        Assert.Single((await retry.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.ReviewHold && t.DueAt == h.Start.AddHours(49));
        Assert.DoesNotContain((await retry.StateAsync(order.OrderId)).OpenExceptions, e => e.Kind == ExceptionKinds.TimerExpired);

        Assert.Equal(S.Rejected, (await compensate.RecordAsync(order.OrderId)).Status);
        Assert.Equal([$"cancellation:{order.OrderId}:operator"], compensate.Channel.Calls);
    }
}

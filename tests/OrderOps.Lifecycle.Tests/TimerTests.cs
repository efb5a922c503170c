using OrderOps.Core.Lifecycle;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Real durable timers raced against the order's events, each expiry following its configured policy. A test that
/// needs a timer to fire sets its duration short and waits for the timer's outcome; one that needs a timer NOT to fire
/// waits for a later timer (a witness) instead of sleeping.
/// </summary>
public sealed class TimerTests
{
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(300);

    private static async Task<LifecycleHarness> HarnessAsync(Action<LifecycleOptions> configure)
    {
        var harness = await LifecycleHarness.StartAsync(configure);
        await harness.SeedAsync("east", "A", 10);
        return harness;
    }

    [Fact]
    public async Task A_timer_does_not_fire_before_it_is_due_while_an_earlier_one_does()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t1") with { ShipBy = DateTimeOffset.UtcNow.AddMilliseconds(500) };
        await h.PlaceAsync(order);

        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);

        var state = await h.StateAsync(order.OrderId);
        var ack = Assert.Single(state.Timers);
        Assert.Equal((TimerKinds.FulfillmentAck, "east"), (ack.Kind, ack.LocationId));
        Assert.InRange(ack.DueAt, h.Start.AddMinutes(30), DateTimeOffset.UtcNow.AddMinutes(30));
        var fired = Assert.Single(await h.EventsAsync(order.OrderId), e => e.Type == LifecycleEventTypes.TimerFired);
        Assert.Equal(TimerKinds.ShipBy, LifecycleHarness.Data(fired)["kind"]!.GetValue<string>());
        Assert.DoesNotContain(state.OpenExceptions, e => e.Description.Contains("acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_order_already_late_when_released_raises_its_ship_by_exception_at_once_and_once()
    {
        await using var h = await HarnessAsync(o => o.ShipBy = new() { Policy = ExpiryPolicy.Exception });
        var order = h.Order("late") with { ShipBy = DateTimeOffset.UtcNow.AddDays(-1) };

        Assert.Equal(S.Released, (await h.PlaceAsync(order)).State);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);

        var state = await h.StateAsync(order.OrderId);
        Assert.Equal(S.Released, state.State);
        var raised = Assert.Single(state.OpenExceptions, e => e.Description.Contains("ship-by", StringComparison.Ordinal));
        Assert.Single(await h.EventsAsync(order.OrderId), e => e.Type == LifecycleEventTypes.TimerFired);
        Assert.DoesNotContain(state.Timers, t => t.Kind == TimerKinds.ShipBy && t.DueAt <= DateTimeOffset.UtcNow);

        // One write for the step: the release and the timer it found due are saved together, with the exception put
        // in the operators' queue by that same save.
        Assert.Equal(1, state.Step);
        var queued = await h.Exceptions.GetAsync(raised.ExceptionId, default);
        Assert.NotNull(queued);
        Assert.True(queued.IsOpen);
        Assert.Equal(raised.Description, queued.Description);
        Assert.Equal(raised.Options, queued.Options);
    }

    [Fact]
    public async Task A_history_from_a_load_without_one_write_per_step_keeps_the_shape_it_was_written_with()
    {
        // What an execution in flight across the deployment replays: loads recorded before OneWritePerStep existed.
        await using var h = await LifecycleHarness.StartAsync(o => o.ShipBy = new() { Policy = ExpiryPolicy.Exception }, loadSeam: loaded => loaded with { OneWritePerStep = null });
        await h.SeedAsync("east", "A", 10);
        var order = h.Order("late-old") with { ShipBy = DateTimeOffset.UtcNow.AddDays(-1) };

        await h.PlaceAsync(order);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);

        var state = await h.StateAsync(order.OrderId);
        Assert.Equal(2, state.Step); // the release, then the timer as a step of its own
        var raised = Assert.Single(state.OpenExceptions);
        Assert.True((await h.Exceptions.GetAsync(raised.ExceptionId, default))?.IsOpen); // put by its own activity
    }

    [Fact]
    public async Task An_unacknowledged_release_raises_an_exception_under_the_exception_policy()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = Short, Policy = ExpiryPolicy.Exception });
        var order = h.Order("t2");
        await h.PlaceAsync(order);

        Assert.True((await h.TimerFiredAsync(order.OrderId, TimerKinds.FulfillmentAck)).Applied);

        var exception = Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions);
        Assert.Equal(ExceptionKinds.TimerExpired, exception.Kind);
        Assert.Contains("east", exception.Description, StringComparison.Ordinal);
        Assert.Equal([Resolutions.Retry, Resolutions.Cancel, Resolutions.Override], exception.Options);
        var fired = (await h.EventsAsync(order.OrderId)).Single(e => e.Type == LifecycleEventTypes.TimerFired);
        Assert.Equal("timer:fulfillment-ack", fired.Actor);

        // Retrying from the exception re-sends the release and arms the timer again (at least a minute out).
        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Retry);
        Assert.Equal(2, h.Locations.Count("release", "east"));
        var again = Assert.Single((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.FulfillmentAck);
        Assert.True(again.DueAt >= h.Start.AddMinutes(1));
    }

    [Fact]
    public async Task The_retry_policy_resends_the_release_then_gives_up_to_an_operator()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = Short, Policy = ExpiryPolicy.Retry, MaxAttempts = 2, RetryAfter = Short });
        var order = h.Order("t3");
        await h.PlaceAsync(order);

        for (var i = 1; i <= 3; i++)
        {
            await h.TimerFiredAsync(order.OrderId, TimerKinds.FulfillmentAck, occurrence: i);
        }

        Assert.Equal(3, h.Locations.Count("release", "east"));
        var state = await h.StateAsync(order.OrderId);
        Assert.Equal(ExceptionKinds.TimerExpired, Assert.Single(state.OpenExceptions).Kind);
        Assert.DoesNotContain(state.Timers, t => t.Kind == TimerKinds.FulfillmentAck);
    }

    [Fact]
    public async Task An_acknowledgement_disarms_the_timer_so_it_never_fires()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromSeconds(2), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t4") with { ShipBy = DateTimeOffset.UtcNow.AddSeconds(3) };
        await h.PlaceAsync(order);

        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");

        // The ship-by timer is due after the acknowledgement timer would have been: once it has fired, the other would have.
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);
        var events = await h.EventsAsync(order.OrderId);
        Assert.Contains(events, e => e.Type == LifecycleEventTypes.TimerCancelled && LifecycleHarness.Data(e)["kind"]!.GetValue<string>() == TimerKinds.FulfillmentAck);
        Assert.DoesNotContain(events, e => e.Type == LifecycleEventTypes.TimerFired && LifecycleHarness.Data(e)["kind"]!.GetValue<string>() == TimerKinds.FulfillmentAck);
        Assert.DoesNotContain((await h.StateAsync(order.OrderId)).OpenExceptions, e => e.Description.Contains("acknowledged", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_timer_the_order_stopped_waiting_for_is_ignored_if_it_still_fires()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = TimeSpan.FromMinutes(30), Policy = ExpiryPolicy.Exception });
        var order = h.Order("t5");
        await h.PlaceAsync(order);
        var timer = Assert.Single((await h.StateAsync(order.OrderId)).Timers, t => t.Kind == TimerKinds.FulfillmentAck);
        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");

        // As if a durable timer from an earlier execution delivered late.
        var outcome = await h.SendAsync(new LifecycleMessage
        {
            Type = LifecycleMessageTypes.TimerDue, OrderId = order.OrderId, Key = "timer:" + timer.TimerId + ":late", Actor = "timer:" + timer.Kind,
            TimerId = timer.TimerId, TimerKind = timer.Kind,
        });

        Assert.False(outcome.Applied);
        Assert.Equal("Timer no longer pending.", outcome.Note);
        Assert.Empty((await h.StateAsync(order.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task The_ship_by_sla_uses_the_order_date_when_the_channel_gives_one_and_the_channel_default_otherwise()
    {
        await using var h = await HarnessAsync(o => o.ShipByDefaults["shopify"] = TimeSpan.FromDays(2));
        var withDate = h.Order("t6") with { ShipBy = DateTimeOffset.UtcNow.AddMilliseconds(800) };
        var without = h.Order("t7");
        await h.PlaceAsync(withDate);
        await h.PlaceAsync(without);

        // Read from the history: the short one may have fired already.
        Assert.Equal(withDate.ShipBy, await ShipByArmedAsync(h, withDate.OrderId));
        Assert.Equal(h.Start.AddDays(2), await ShipByArmedAsync(h, without.OrderId));

        await h.TimerFiredAsync(withDate.OrderId, TimerKinds.ShipBy);

        var missed = Assert.Single((await h.StateAsync(withDate.OrderId)).OpenExceptions);
        Assert.Contains("ship-by", missed.Description, StringComparison.Ordinal);
        Assert.Single((await h.StateAsync(without.OrderId)).Timers, t => t.Kind == TimerKinds.ShipBy);
        Assert.Empty((await h.StateAsync(without.OrderId)).OpenExceptions);
    }

    private static async Task<DateTimeOffset> ShipByArmedAsync(LifecycleHarness h, string orderId) =>
        LifecycleHarness.Data((await h.EventsAsync(orderId)).Single(e => e.Type == LifecycleEventTypes.TimerScheduled && LifecycleHarness.Data(e)["kind"]!.GetValue<string>() == TimerKinds.ShipBy))["dueAt"]!
            .GetValue<DateTimeOffset>();

    [Fact]
    public async Task Overriding_an_unacknowledged_release_accepts_the_silence_and_the_order_ships_on()
    {
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = Short, Policy = ExpiryPolicy.Exception });
        var order = h.Order("t10");
        await h.PlaceAsync(order);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.FulfillmentAck);

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
        var order = h.Order("t11", ("1", "A", 3)) with { ShipBy = DateTimeOffset.UtcNow.AddMilliseconds(500) };
        await h.PlaceAsync(order);
        await h.FulfillmentEventAsync(LifecycleMessageTypes.FulfillmentAcknowledged, order.OrderId, "east");
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy);
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
        await using var h = await HarnessAsync(o => o.FulfillmentAck = new() { After = Short, Policy = ExpiryPolicy.Exception });
        var order = h.Order("t12", ("1", "A", 2));
        await h.PlaceAsync(order);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.FulfillmentAck);

        await h.ResolveAsync(order.OrderId, ExceptionKinds.TimerExpired, Resolutions.Cancel);

        Assert.Equal(S.Cancelled, (await h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(1, h.Locations.Count("cancel", "east"));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Fact]
    public async Task A_cancellation_the_channel_has_not_confirmed_yet_is_asked_again_until_it_is()
    {
        await using var h = await HarnessAsync(o => o.ChannelRecheck = new() { After = Short, Policy = ExpiryPolicy.Retry, MaxAttempts = 3 });
        var order = h.Order("t13");
        await h.PlaceAsync(order);
        h.Channel.PendingAnswers = 2;

        Assert.Equal(S.Cancelled, (await h.CancelAsync(order.OrderId)).State);
        var told = (await h.EventsAsync(order.OrderId)).Where(e => e.Type == LifecycleEventTypes.ChannelNotified)
            .Select(LifecycleHarness.Data).Where(d => d["action"]!.GetValue<string>() == "cancellation").Select(d => d["result"]!.GetValue<string>());
        Assert.Equal("Pending", told.First()); // the recheck may already have asked again: it is short

        await h.TimerFiredAsync(order.OrderId, TimerKinds.ChannelRecheck, occurrence: 1);
        await h.TimerFiredAsync(order.OrderId, TimerKinds.ChannelRecheck, occurrence: 2);

        var state = await h.StateAsync(order.OrderId);
        Assert.True(state.CancellationAcknowledged);
        Assert.Empty(state.Timers);
        Assert.Empty(state.OpenExceptions);
        Assert.Equal(3, h.Channel.Calls.Count(c => c.StartsWith("cancellation:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_channel_that_never_confirms_is_handed_to_an_operator_who_can_override_once_checked()
    {
        await using var h = await HarnessAsync(o => o.ChannelRecheck = new() { After = Short, Policy = ExpiryPolicy.Retry, MaxAttempts = 2 });
        var order = h.Order("t14");
        await h.PlaceAsync(order);
        h.Channel.PendingAnswers = int.MaxValue;
        await h.CancelAsync(order.OrderId);

        for (var i = 1; i <= 3; i++)
        {
            await h.TimerFiredAsync(order.OrderId, TimerKinds.ChannelRecheck, occurrence: i);
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
        var order = h.Order("t8") with { ShipBy = DateTimeOffset.UtcNow.AddMilliseconds(500) };
        await h.PlaceAsync(order);

        Assert.Equal(S.Cancelled, (await h.TimerFiredAsync(order.OrderId, TimerKinds.ShipBy)).State);

        Assert.Equal(S.Cancelled, (await h.RecordAsync(order.OrderId)).Status);
        Assert.Equal(1, h.Locations.Count("cancel", "east"));
        Assert.Equal(0, await h.ReservedAsync("east", "A"));
    }

    [Theory]
    [InlineData(ExpiryPolicy.Exception)]
    [InlineData(ExpiryPolicy.Retry)]
    [InlineData(ExpiryPolicy.Compensate)]
    public async Task An_expired_review_hold_follows_its_policy(ExpiryPolicy policy)
    {
        var retryAfter = TimeSpan.FromHours(1);
        await using var h = await HarnessAsync(o => { o.ReviewValueThreshold = 1; o.ReviewHold = new() { After = Short, Policy = policy, MaxAttempts = 1, RetryAfter = retryAfter }; });
        var order = h.Order("t9", ("1", "A", 5));
        await h.PlaceAsync(order);

        await h.TimerFiredAsync(order.OrderId, TimerKinds.ReviewHold);

        var state = await h.StateAsync(order.OrderId);
        switch (policy)
        {
            case ExpiryPolicy.Exception:
                Assert.Contains(state.OpenExceptions, e => e.Kind == ExceptionKinds.TimerExpired);
                Assert.Equal(S.OnHold, state.State);
                break;
            case ExpiryPolicy.Retry:
                var extended = Assert.Single(state.Timers, t => t.Kind == TimerKinds.ReviewHold);
                Assert.InRange(extended.DueAt, h.Start + Short + retryAfter, DateTimeOffset.UtcNow + retryAfter);
                Assert.DoesNotContain(state.OpenExceptions, e => e.Kind == ExceptionKinds.TimerExpired);
                Assert.Equal(S.OnHold, state.State);
                break;
            default:
                Assert.Equal(S.Rejected, state.State);
                Assert.Equal([$"cancellation:{order.OrderId}:operator"], h.Channel.Calls);
                break;
        }
    }
}

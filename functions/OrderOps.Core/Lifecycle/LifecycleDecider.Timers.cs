using System.Globalization;
using System.Text.Json.Nodes;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// Timers as data: armed and disarmed in the process state, each arm and disarm recorded in the history. The
/// orchestration waits for the earliest one with a durable timer raced against the next external event.
/// </summary>
public sealed partial class LifecycleDecider
{
    private async Task TimerDueAsync(LifecycleMessage message)
    {
        var timer = _ps.Timers.FirstOrDefault(t => t.TimerId == message.TimerId);
        if (timer is null)
        {
            Note = "Timer no longer pending.";
            return;
        }

        _ps.Timers.Remove(timer);
        Record(LifecycleEventTypes.TimerFired, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = timer.Kind, ["dueAt"] = timer.DueAt, ["location"] = timer.LocationId });
        var policy = _options.PolicyFor(timer.Kind);
        switch (policy.Policy)
        {
            case ExpiryPolicy.Retry:
                var attempts = _ps.RetryAttempts[timer.Kind] = _ps.RetryAttempts.GetValueOrDefault(timer.Kind) + 1;
                if (attempts <= policy.MaxAttempts)
                {
                    await RetryTimerStepAsync(timer);
                    return;
                }

                await RaiseExpiredAsync(timer, $" after {policy.MaxAttempts} retries");
                return;
            case ExpiryPolicy.Compensate:
                await CancelAsync($"{timer.Kind} timer expired", requestedByChannel: false, reject: timer.Kind == TimerKinds.ReviewHold);
                return;
            default:
                await RaiseExpiredAsync(timer, string.Empty);
                return;
        }
    }

    private async Task RetryTimerStepAsync(PendingTimer timer)
    {
        var policy = _options.PolicyFor(timer.Kind);
        var again = policy.RetryAfter ?? (policy.After > TimeSpan.FromMinutes(1) ? policy.After : TimeSpan.FromMinutes(1));
        switch (timer.Kind)
        {
            case TimerKinds.FulfillmentAck when timer.LocationId is { } location && _ps.State is LifecycleStates.Released or LifecycleStates.PartiallyShipped:
                var result = await ReleaseToAsync(location);
                Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location, ["retry"] = true, ["status"] = result.Status.ToString() });
                Arm(TimerKinds.FulfillmentAck, _now + again, location);
                break;
            case TimerKinds.ShipBy when _ps.State is LifecycleStates.Released or LifecycleStates.PartiallyShipped:
                foreach (var location in _ps.ReleasedLocations)
                {
                    var resent = await ReleaseToAsync(location);
                    Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location, ["retry"] = true, ["status"] = resent.Status.ToString() });
                }

                Arm(TimerKinds.ShipBy, _now + again, null);
                break;
            case TimerKinds.ReviewHold when _ps.State == LifecycleStates.OnHold:
                Arm(TimerKinds.ReviewHold, _now + again, null);
                break;
            case TimerKinds.ChannelRecheck:
                // Each notifier call arms the next recheck itself if the channel still has not confirmed.
                await NotifyOutstandingAsync();
                break;
        }
    }

    private Task RaiseExpiredAsync(PendingTimer timer, string suffix)
    {
        var (description, recommended) = timer.Kind switch
        {
            TimerKinds.FulfillmentAck => ($"Location '{timer.LocationId}' has not acknowledged the release{suffix}.", "Check with the location, then retry (the release is sent again) or cancel."),
            TimerKinds.ShipBy => ($"The ship-by date {timer.DueAt.ToString("u", CultureInfo.InvariantCulture)} passed before everything shipped{suffix}.", "Chase the location; override (with a reason) to accept a late shipment, or cancel."),
            TimerKinds.ChannelRecheck => ($"{_order.Channel} has not confirmed what it was told{suffix}.", "Check the channel; retry to ask again, or override (with a reason) once it is confirmed by hand."),
            _ => ($"The review hold expired{suffix}.", "Decide now: override (with a reason) to approve, or cancel to reject."),
        };
        IReadOnlyList<string> choices = timer.Kind switch
        {
            TimerKinds.ReviewHold => [Resolutions.Override, Resolutions.Cancel],
            TimerKinds.ChannelRecheck => [Resolutions.Retry, Resolutions.Override],
            _ => [Resolutions.Retry, Resolutions.Cancel, Resolutions.Override],
        };
        return RaiseAsync(ExceptionKinds.TimerExpired, description, choices, recommended, new JsonObject { ["timerKind"] = timer.Kind, ["location"] = timer.LocationId, ["dueAt"] = timer.DueAt });
    }

    private void Arm(string kind, DateTimeOffset dueAt, string? location)
    {
        var timer = new PendingTimer(string.Create(CultureInfo.InvariantCulture, $"{_order.OrderId}|{kind}|{++_ps.TimerSequence}"), kind, dueAt, location);
        _ps.Timers.Add(timer);
        Record(LifecycleEventTypes.TimerScheduled, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = kind, ["dueAt"] = dueAt, ["location"] = location });
    }

    private void Disarm(PendingTimer timer)
    {
        _ps.Timers.Remove(timer);
        Record(LifecycleEventTypes.TimerCancelled, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = timer.Kind });
    }

    /// <summary>Stops every timer the order no longer waits for; a channel recheck outlives the order's own steps.</summary>
    private void DisarmAll()
    {
        foreach (var timer in _ps.Timers.Where(t => t.Kind != TimerKinds.ChannelRecheck).ToList())
        {
            Disarm(timer);
        }
    }
}

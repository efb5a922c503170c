using System.Text.Json.Nodes;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>Cancellation, compensation in reverse order, and re-planning an order whose lines changed.</summary>
public sealed partial class LifecycleDecider
{
    private async Task CancelAsync(string reason, bool requestedByChannel, bool reject)
    {
        if (_ps.State is LifecycleStates.Cancelled or LifecycleStates.Rejected)
        {
            Note = $"Already ended ({_ps.State}); nothing was changed.";
            return;
        }

        Record(LifecycleEventTypes.CancelRequested, new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel });
        if (LifecycleStates.HasShipped(_ps.State))
        {
            await RaiseAsync(ExceptionKinds.NotCancellable, $"Cancellation requested ({reason}) but the order is {_ps.State}: goods have left.", [Resolutions.Override],
                "Contact the customer and arrange a return; override (with a reason) to record the decision.", new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel });
            return;
        }

        if (!await CompensateAsync(reason))
        {
            return;
        }

        if (_ps.Allocation.Count == 0 && _ps.State is LifecycleStates.Received or LifecycleStates.Validated or LifecycleStates.OnHold)
        {
            // Nothing is held as far as the order knows; giving the id back makes sure nothing ever is under it.
            await _steps.GiveBackAsync(ReservationId);
        }

        DisarmAll();
        foreach (var open in _ps.OpenExceptions.ToList())
        {
            await CloseAsync(open, "superseded", Actor, "the order was cancelled");
        }

        var target = reject ? LifecycleStates.Rejected : LifecycleStates.Cancelled;
        Move(reject ? LifecycleTriggers.Reject : LifecycleTriggers.Cancel, target, new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel });
        _ps.CancelReason = reason;
        _ps.CancelledByChannel = requestedByChannel;
        await NotifyCancellationAsync();
    }

    /// <summary>
    /// Runs the owed compensations in reverse order. False (and an exception raised) when one cannot be done; the
    /// exception's context carries <paramref name="resume"/>: what the compensation was for (a cancellation when null),
    /// so resolving it finishes that step instead of cancelling the order.
    /// </summary>
    private async Task<bool> CompensateAsync(string reason, JsonObject? resume = null)
    {
        for (var i = _ps.Owed.Count - 1; i >= 0; i--)
        {
            var owed = _ps.Owed[i];
            if (owed.Kind == OwedCompensation.CancelAtLocation)
            {
                var result = await _steps.CancelAtLocationAsync(new LocationCancelRequest(_order.OrderId, owed.LocationId!, ReservationId, reason));
                if (result.Status == FulfillmentCallStatus.AlreadyShipped)
                {
                    await RaiseAsync(ExceptionKinds.NotCancellable, $"Location '{owed.LocationId}' already shipped; the order cannot be cancelled.", [Resolutions.Override],
                        "Wait for the shipment event, then arrange a return; override (with a reason) to record the decision.", new JsonObject { ["location"] = owed.LocationId });
                    return false;
                }

                if (result.Status != FulfillmentCallStatus.Accepted)
                {
                    var context = resume?.DeepClone().AsObject() ?? [];
                    context["location"] = owed.LocationId;
                    context["reason"] = reason;
                    await RaiseAsync(ExceptionKinds.CompensationFailed, $"Cancelling at location '{owed.LocationId}' failed ({result.Status}: {result.Detail}).", [Resolutions.Retry, Resolutions.Override],
                        "Retry once the location answers; override only after cancelling there by hand.", context);
                    return false;
                }
            }
            else
            {
                await GiveBackReservationAsync();
            }

            _ps.Owed.RemoveAt(i);
            Record(LifecycleEventTypes.Compensated, new JsonObject { ["compensation"] = owed.Kind, ["location"] = owed.LocationId, ["reason"] = reason });
        }

        return true;
    }

    /// <summary>
    /// Releases the current reservation and moves to the next reservation id: the ledger never reserves a released
    /// id again, and the next release to a location carries the new id as its idempotency key.
    /// </summary>
    private async Task GiveBackReservationAsync()
    {
        await _steps.GiveBackAsync(ReservationId);
        _ps.ReservationGeneration++;
    }

    /// <summary>The channel changed the order; if its lines no longer match what was allocated, ask an operator.</summary>
    private async Task ChannelUpdatedAsync()
    {
        if (_ps.State is not (LifecycleStates.Allocated or LifecycleStates.Released) || _ps.AllocatedLines is null)
        {
            return; // before allocation the new lines are simply used; after shipping a change is the channel's business
        }

        var current = LinesSignature(_order.Lines);
        if (current == _ps.AllocatedLines || _ps.Overrides.Contains("lines:" + current))
        {
            Note = "The order's lines are unchanged.";
            return;
        }

        await RaiseAsync(ExceptionKinds.OrderChanged,
            $"{_order.Channel} changed the order's lines after it was allocated{(_ps.State == LifecycleStates.Released ? " and released" : string.Empty)}; the locations still have the old lines.",
            [Resolutions.Retry, Resolutions.Override, Resolutions.Cancel],
            "Retry re-plans it: the locations are told to cancel, the reservation is given back, and the order is allocated and released again with its new lines. Override keeps what the locations have (with a reason); cancel ends the order.",
            new JsonObject { ["allocatedLines"] = _ps.AllocatedLines, ["currentLines"] = current });
    }

    /// <summary>Undoes the allocation and release (in reverse order) so the order is planned again with its current lines.</summary>
    private async Task ReplanAsync(string reason)
    {
        if (_ps.State is not (LifecycleStates.Allocated or LifecycleStates.Released))
        {
            Note = $"The order is {_ps.State}; there is nothing to re-plan.";
            return;
        }

        if (!await CompensateAsync(reason, new JsonObject { ["after"] = CompensatingFor.Replan }))
        {
            return;
        }

        _ps.Allocation.Clear();
        _ps.ReleasedLocations.Clear();
        _ps.AcknowledgedLocations.Clear();
        _ps.AllocatedLines = null;
        foreach (var timer in _ps.Timers.Where(t => t.Kind == TimerKinds.FulfillmentAck).ToList())
        {
            Disarm(timer);
        }

        Move(LifecycleTriggers.Replan, LifecycleStates.Validated, new JsonObject { ["reason"] = reason });
    }

    /// <summary>A failed compensation was fixed (retried, or done by hand): finish the step it belonged to.</summary>
    private Task ResumeAfterCompensationAsync(LifecycleException failed)
    {
        var reason = ContextValue(failed, "reason") ?? "cancelled";
        return ContextValue(failed, "after") switch
        {
            CompensatingFor.ReleaseFailed when ContextValue(failed, "releaseLocation") is { } location =>
                FailReleaseAsync(location, ContextValue(failed, "releaseStatus") ?? nameof(FulfillmentCallStatus.Unavailable), ContextValue(failed, "releaseDetail")),
            CompensatingFor.Replan => ReplanAsync(reason),
            _ => CancelAsync(reason, requestedByChannel: false, reject: false),
        };
    }

    /// <summary>What a compensation is run for, besides a cancellation (kept in a compensation-failed exception).</summary>
    private static class CompensatingFor
    {
        public const string ReleaseFailed = "release-failed";
        public const string Replan = "replan";
    }

    /// <summary>Stock arrived for an order waiting in insufficient-stock: allocate now, and close the exception if that worked.</summary>
    private async Task RetryShortStockAsync()
    {
        var waiting = _ps.OpenExceptions.FirstOrDefault(e => e.Kind == ExceptionKinds.InsufficientStock);
        if (waiting is null || _ps.State != LifecycleStates.Validated || _ps.OpenExceptions.Any(e => e != waiting && ExceptionKinds.Blocks(e.Kind)))
        {
            Note = "The order is not waiting for stock.";
            return;
        }

        await AllocateAsync();
        if (_ps.State == LifecycleStates.Allocated)
        {
            await CloseAsync(waiting, Resolutions.Retry, Actor, "stock arrived");
        }
        else
        {
            Note = "Still not enough stock.";
        }
    }

    /// <summary>A stable text of the order's lines (id, SKU, quantity), to tell whether the channel changed them.</summary>
    private static string LinesSignature(IEnumerable<OrderLineFact> lines) =>
        string.Join(";", lines.OrderBy(l => l.LineId, StringComparer.Ordinal).Select(l => $"{l.LineId}={l.Sku}x{l.Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture)}"));
}

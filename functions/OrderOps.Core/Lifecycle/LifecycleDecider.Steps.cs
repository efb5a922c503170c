using System.Text.Json.Nodes;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>The forward steps: validate, review, allocate, release, ship, deliver, return.</summary>
public sealed partial class LifecycleDecider
{
    private async Task ValidateAsync()
    {
        if (_order.Channel == Channels.Amazon && _order.FinancialStatus == FinancialStatus.Pending)
        {
            // Amazon: a Pending order (payment not authorised) must not be fulfilled; the poller's next read of the
            // order after authorisation arrives as channel-updated and validation runs then.
            if (!_ps.AwaitingChannelNoted)
            {
                _ps.AwaitingChannelNoted = true;
                Record(LifecycleEventTypes.AwaitingChannel, new JsonObject { ["reason"] = "Amazon has not authorised payment (order Pending)." });
            }

            return;
        }

        var problems = await _steps.ValidateAsync(_order.OrderId);
        if (problems.Count > 0 && !_ps.Overrides.Contains("validation"))
        {
            await RaiseAsync(ExceptionKinds.ValidationFailed, "The order failed validation: " + string.Join(" ", problems), [Resolutions.Retry, Resolutions.Cancel, Resolutions.Override],
                "Fix the data at the source (or add the SKU to the catalog) and retry; cancel rejects the order.", new JsonObject { ["problems"] = Strings(problems) });
            return;
        }

        Move(LifecycleTriggers.Validate, LifecycleStates.Validated, problems.Count > 0 ? new JsonObject { ["overridden"] = Strings(problems) } : null);
        await NotifyAcceptanceAsync();
    }

    private string? NeedsReview()
    {
        if (_ps.Overrides.Contains("review"))
        {
            return null;
        }

        if (_options.ReviewValueThreshold is { } threshold && _order.Total is { } total && total.Amount > threshold)
        {
            return $"total {total} is above the review threshold {threshold}";
        }

        var flags = _order.Tags.Where(t => _options.ReviewRiskTags.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
        return flags.Count > 0 ? $"risk flags {string.Join(", ", flags)}" : null;
    }

    private async Task AllocateAsync()
    {
        var lines = _order.AllocatableLines();
        ReserveOutcome result;
        for (var attempt = 0; ; attempt++)
        {
            result = lines.Count == 0
                ? new ReserveOutcome(ReserveStatus.Short, [], _order.Lines.Select(l => l.Sku ?? l.LineId).Distinct().ToList())
                : await _steps.ReserveAsync(new ReserveRequest(_order.OrderId, ReservationId, lines.Select(l => new OrderLineFact(l.LineId, l.Sku, l.Quantity)).ToList()));
            if (result.Status != ReserveStatus.IdSpent || attempt >= 3)
            {
                break;
            }

            // This id was given back earlier (or holds what no longer fits the order): allocate under the next one.
            _ps.ReservationGeneration++;
        }

        if (result.Status != ReserveStatus.Reserved)
        {
            await RaiseAsync(ExceptionKinds.InsufficientStock, "Not enough stock to allocate the order.", [Resolutions.Retry, Resolutions.Cancel],
                "Restock (or correct stock levels) and retry; cancel if it cannot be supplied. Orders waiting here are retried, oldest first, when stock arrives.",
                new JsonObject { ["shortages"] = Strings(result.Shortages) });
            return;
        }

        _ps.Allocation = result.Plan.ToList();
        _ps.AllocatedLines = LinesSignature(_order.Lines);
        Owe(new OwedCompensation(OwedCompensation.ReleaseReservation));
        Record(LifecycleEventTypes.StockReserved, new JsonObject { ["lines"] = PlanJson(result.Plan), ["reservationId"] = ReservationId });
        Move(LifecycleTriggers.Allocate, LifecycleStates.Allocated);
    }

    private async Task ReleaseAsync()
    {
        if (!await ReleaseOutstandingAsync())
        {
            return;
        }

        Move(LifecycleTriggers.Release, LifecycleStates.Released, new JsonObject { ["locations"] = Strings(_ps.ReleasedLocations) });
        ArmReleaseTimers();
    }

    /// <summary>
    /// Releases to every planned location that has not taken the release and still has lines to ship. False when one
    /// did not take it (<see cref="FailReleaseAsync"/> has handled that).
    /// </summary>
    private async Task<bool> ReleaseOutstandingAsync()
    {
        var shipped = ShippedByLocationAndLine();
        var outstanding = _ps.Allocation
            .Where(a => !_ps.ReleasedLocations.Contains(a.LocationId) && shipped.GetValueOrDefault((a.LocationId, a.LineId)) < a.Quantity)
            .Select(a => a.LocationId).Distinct().ToList();
        foreach (var location in outstanding)
        {
            var result = await ReleaseToAsync(location);
            if (result.Status != FulfillmentCallStatus.Accepted)
            {
                if (result.Status == FulfillmentCallStatus.Unavailable)
                {
                    // An unanswered call may still have landed: the location is owed a cancel like any that accepted.
                    Owe(new OwedCompensation(OwedCompensation.CancelAtLocation, location));
                }

                await FailReleaseAsync(location, result.Status.ToString(), result.Detail);
                return false;
            }

            _ps.ReleasedLocations.Add(location);
            Owe(new OwedCompensation(OwedCompensation.CancelAtLocation, location));
            Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location, ["attemptId"] = ReservationId });
        }

        return true;
    }

    private void ArmReleaseTimers()
    {
        foreach (var location in _ps.ReleasedLocations.Where(l => !_ps.AcknowledgedLocations.Contains(l)
            && !_ps.Timers.Any(t => t.Kind == TimerKinds.FulfillmentAck && t.LocationId == l)).ToList())
        {
            Arm(TimerKinds.FulfillmentAck, _now + _options.FulfillmentAck.After, location);
        }

        if (ShipByDue() is { } due && _ps.Timers.All(t => t.Kind != TimerKinds.ShipBy))
        {
            Arm(TimerKinds.ShipBy, due, null);
        }
    }

    /// <summary>
    /// A location did not take the release: compensate what came before it (in reverse), then go back to validated and
    /// ask an operator. Run again when a compensation that failed here is retried or overridden. Once goods have left
    /// another location (they shipped while a failed cancel held up the unwinding) nothing can go back: the order keeps
    /// its reservation and goes forward, and the operator is asked to get the release to this location instead.
    /// </summary>
    private async Task FailReleaseAsync(string location, string status, string? detail)
    {
        var failure = $"Location '{location}' did not accept the release ({status}: {detail}).";
        if (LifecycleStates.HasShipped(_ps.State))
        {
            await RaiseAsync(ExceptionKinds.ReleaseFailed, failure + " Other locations have shipped, so the order goes forward; its stock stays reserved.", [Resolutions.Retry, Resolutions.Override],
                $"Check the location's endpoint, then retry (the release is sent again); override (with a reason) once '{location}' has the lines by hand.",
                new JsonObject { ["location"] = location, ["status"] = status });
            return;
        }

        if (!await CompensateAsync(failure, new JsonObject { ["after"] = CompensatingFor.ReleaseFailed, ["releaseLocation"] = location, ["releaseStatus"] = status, ["releaseDetail"] = detail }))
        {
            return;
        }

        _ps.Allocation.Clear();
        _ps.ReleasedLocations.Clear();
        Move(LifecycleTriggers.ReleaseFailed, LifecycleStates.Validated, new JsonObject { ["location"] = location, ["detail"] = detail });
        await RaiseAsync(ExceptionKinds.ReleaseFailed, failure + " The reservation was released.", [Resolutions.Retry, Resolutions.Cancel],
            "Check the location's endpoint, then retry (the order is allocated and released again).", new JsonObject { ["location"] = location, ["status"] = status });
    }

    private Task<FulfillmentCallResult> ReleaseToAsync(string location) => _steps.ReleaseToLocationAsync(new LocationReleaseRequest(
        _order.OrderId,
        location,
        ReservationId,
        _ps.Allocation.Where(a => a.LocationId == location).Select(a => new ReleaseLine(a.LineId, a.Sku, a.Quantity)).ToList(),
        ShipByDue()));

    private DateTimeOffset? ShipByDue() =>
        _order.ShipBy ?? (_options.ShipByDefaults.TryGetValue(_order.Channel, out var window) ? _order.PlacedAt + window : null);

    private async Task ShipAsync(LifecycleMessage message)
    {
        var shipment = message.Shipment;
        var location = message.LocationId ?? string.Empty;
        if (shipment is null)
        {
            Note = "A shipped event needs a shipment.";
            return;
        }

        if (_ps.Shipments.Any(s => s.ShipmentId == shipment.ShipmentId))
        {
            Note = "Shipment already recorded.";
            return;
        }

        if (_ps.State is not (LifecycleStates.Allocated or LifecycleStates.Released or LifecycleStates.PartiallyShipped))
        {
            await RaiseUnexpectedAsync($"Shipment '{shipment.ShipmentId}' from '{location}' arrived while the order is {_ps.State}.");
            return;
        }

        var lines = new List<ShipmentRecordLine>();
        foreach (var line in shipment.Lines)
        {
            var planned = _ps.Allocation.FirstOrDefault(a => a.LocationId == location && (line.LineId is not null ? a.LineId == line.LineId : a.Sku == line.Sku));
            if (planned is null || line.Quantity <= 0)
            {
                await RaiseUnexpectedAsync($"Shipment '{shipment.ShipmentId}' names a line ({line.LineId ?? line.Sku}) that was not released to '{location}'.");
                return;
            }

            lines.Add(new ShipmentRecordLine(planned.LineId, planned.Sku, line.Quantity));
        }

        await _steps.RecordShipmentAsync(new ShipmentStockRequest(ReservationId, shipment.ShipmentId, location, lines.GroupBy(l => l.Sku).Select(g => new ShipmentLine(g.Key, g.Sum(l => l.Quantity))).ToList()));
        _ps.Shipments.Add(new ShipmentRecord(shipment.ShipmentId, location, shipment.Carrier, shipment.TrackingNumber, shipment.TrackingUrl, _now, lines));
        Record(LifecycleEventTypes.ShipmentRecorded, new JsonObject
        {
            ["shipmentId"] = shipment.ShipmentId, ["location"] = location, ["carrier"] = shipment.Carrier, ["trackingNumber"] = shipment.TrackingNumber,
            ["lines"] = new JsonArray(lines.Select(l => (JsonNode?)new JsonObject { ["lineId"] = l.LineId, ["sku"] = l.Sku, ["quantity"] = l.Quantity }).ToArray()),
        });
        Acknowledge(location);

        var shipped = _ps.Shipments.SelectMany(s => s.Lines).GroupBy(l => l.LineId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
        var complete = _ps.Allocation.GroupBy(a => a.LineId).All(g => shipped.GetValueOrDefault(g.Key) >= g.Sum(a => a.Quantity));
        Move(LifecycleTriggers.Ship, complete ? LifecycleStates.Shipped : LifecycleStates.PartiallyShipped, new JsonObject { ["shipmentId"] = shipment.ShipmentId });
        await SettleAfterShipmentAsync(complete);
        await NotifyShipmentsAsync();
    }

    /// <summary>
    /// Goods have left: what only mattered before shipping no longer applies. A location that shipped everything it
    /// was given is owed no cancel; once everything shipped nothing is owed at all, the order's own timers stop, and
    /// the exceptions about lateness or acknowledgement are closed as superseded (each closing recorded).
    /// </summary>
    private async Task SettleAfterShipmentAsync(bool complete)
    {
        var shippedByLocation = ShippedByLocationAndLine();
        var settled = _ps.Owed.Where(o => complete
            || (o.Kind == OwedCompensation.CancelAtLocation && _ps.Allocation.Where(a => a.LocationId == o.LocationId)
                .All(a => shippedByLocation.GetValueOrDefault((a.LocationId, a.LineId)) >= a.Quantity))).ToList();
        foreach (var owed in settled)
        {
            _ps.Owed.Remove(owed);
            Record(LifecycleEventTypes.CompensationDropped, new JsonObject { ["compensation"] = owed.Kind, ["location"] = owed.LocationId, ["reason"] = "shipped" });
        }

        foreach (var unwinding in _ps.OpenExceptions.Where(e => e.Kind == ExceptionKinds.CompensationFailed && ContextValue(e, "after") == CompensatingFor.ReleaseFailed).ToList())
        {
            // A failed release was being unwound when goods left: it cannot be undone now. Stop asking for the cancel;
            // whatever is still unshipped goes forward (FailReleaseAsync, now that the order has shipped).
            await CloseAsync(unwinding, "superseded", Actor, "goods left; the order goes forward instead of being unwound");
            if (!complete)
            {
                await ResumeAfterCompensationAsync(unwinding);
            }
        }

        if (!complete)
        {
            return;
        }

        DisarmAll();
        foreach (var open in _ps.OpenExceptions.Where(e => e.Kind is ExceptionKinds.TimerExpired && ContextValue(e, "timerKind") is TimerKinds.ShipBy or TimerKinds.FulfillmentAck).ToList())
        {
            await CloseAsync(open, "superseded", Actor, "the order shipped");
        }
    }

    private Dictionary<(string LocationId, string LineId), int> ShippedByLocationAndLine() =>
        _ps.Shipments.SelectMany(s => s.Lines.Select(l => (s.LocationId, l.LineId, l.Quantity)))
            .GroupBy(x => (x.LocationId, x.LineId)).ToDictionary(g => g.Key, g => g.Sum(x => x.Quantity));

    private void Acknowledge(string location)
    {
        if (!_ps.ReleasedLocations.Contains(location) || _ps.AcknowledgedLocations.Contains(location))
        {
            Note ??= "Acknowledgement already known or not expected.";
            return;
        }

        _ps.AcknowledgedLocations.Add(location);
        Record(LifecycleEventTypes.LocationAcknowledged, new JsonObject { ["location"] = location });
        foreach (var timer in _ps.Timers.Where(t => t.Kind == TimerKinds.FulfillmentAck && t.LocationId == location).ToList())
        {
            Disarm(timer);
        }
    }

    private void ReportDelivery(LifecycleMessage message)
    {
        if (_ps.DeliveryReported || LifecycleStates.IsTerminal(_ps.State))
        {
            Note = "Delivery already known or order ended.";
            return;
        }

        // May arrive before the last shipment event: remembered, applied once everything shipped.
        _ps.DeliveryReported = true;
        Record(LifecycleEventTypes.DeliveryReported, new JsonObject { ["location"] = message.LocationId });
    }

    private void ReportReturn(LifecycleMessage message)
    {
        if (LifecycleStates.HasShipped(_ps.State) && _ps.State != LifecycleStates.Returned)
        {
            Move(LifecycleTriggers.Return, LifecycleStates.Returned, new JsonObject { ["location"] = message.LocationId });
            DisarmAll();
        }
        else
        {
            Note = $"A return cannot apply to an order that is {_ps.State}.";
        }
    }

    private static JsonArray PlanJson(IEnumerable<PlannedLine> plan) =>
        new(plan.Select(p => (JsonNode?)new JsonObject { ["lineId"] = p.LineId, ["sku"] = p.Sku, ["location"] = p.LocationId, ["quantity"] = p.Quantity }).ToArray());
}

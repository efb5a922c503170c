using System.Text.Json.Nodes;
using OrderOps.Core.Orders;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

public sealed record LifecycleOutcome(string OrderId, string State, bool Applied, string? Note = null);

/// <summary>A request the lifecycle refuses (unknown exception, option not offered): the caller's mistake, not a failure.</summary>
public sealed class LifecycleRequestException(string message, bool notFound = false) : Exception(message)
{
    public bool NotFound { get; } = notFound;
}

/// <summary>
/// The persisted process manager of every order. For one message it reads the order, applies the message, drives the
/// machine as far as it can go (validate, hold, allocate, release...), and saves state, history and status with the
/// ETag it read. Side effects happen before the save and are all idempotent (reservations by order id, releases and
/// cancels by order id at the location, timers and exceptions by deterministic id, channel calls checked), so losing a
/// concurrency race or crashing before the save just means doing the same thing again. Applied message keys are
/// remembered, so duplicates change nothing; messages that arrive out of order are judged against the current state.
/// </summary>
public sealed class LifecycleEngine(
    IOrderStore orders,
    IStockAllocator stock,
    IFulfillmentLocation locations,
    IEnumerable<IChannelNotifier> notifiers,
    ITimerStore timers,
    ILifecycleExceptionStore exceptions,
    IRoutingPolicy routing,
    LifecycleOptions options,
    TimeProvider time)
{
    private readonly Dictionary<string, IChannelNotifier> _notifiers = notifiers.ToDictionary(n => n.Channel, StringComparer.Ordinal);
    private readonly IOrderStore _orders = orders;
    private readonly IStockAllocator _stock = stock;
    private readonly IFulfillmentLocation _locations = locations;
    private readonly ITimerStore _timers = timers;
    private readonly ILifecycleExceptionStore _exceptions = exceptions;
    private readonly IRoutingPolicy _routing = routing;
    private readonly LifecycleOptions _options = options;

    public async Task<LifecycleOutcome> HandleAsync(LifecycleMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var applyMessage = true;
        var duplicate = false;
        for (var attempt = 1; ; attempt++)
        {
            var record = await _orders.GetAsync(message.OrderId, cancellationToken);
            if (record is null)
            {
                return new LifecycleOutcome(message.OrderId, "unknown", false, "No such order.");
            }

            var state = ProcessState.Parse(record.ProcessState);
            if (applyMessage && state.AppliedKeys.Contains(message.Key))
            {
                duplicate = true;
                // Applied before, yet redelivered: the earlier delivery may have died between saving the message and
                // driving on (see PausedToSave), so drive once more; a duplicate that moves nothing saves nothing.
                applyMessage = false;
            }

            var run = new Run(this, record, state, message, time.GetUtcNow());
            try
            {
                if (applyMessage)
                {
                    await run.ApplyAsync(cancellationToken);
                    state.Remember(message.Key);
                }

                await run.DriveAsync(cancellationToken);
                if (run.Events.Count == 0 && !applyMessage && !run.PausedToSave)
                {
                    return new LifecycleOutcome(message.OrderId, state.State, false, duplicate ? "Duplicate: already applied." : run.Note);
                }

                await _orders.SaveAsync(record with { Status = state.State, ProcessState = state.ToJson() }, record.ETag, run.Events, cancellationToken);
            }
            catch (ConcurrencyConflictException) when (attempt < _options.MaxConcurrencyRetries)
            {
                continue;
            }

            foreach (var timerId in run.TimersToCancel)
            {
                await _timers.CancelAsync(timerId, cancellationToken);
            }

            if (run.PausedToSave)
            {
                // The reservation is saved; drive on from a fresh read (the message itself is applied and remembered).
                applyMessage = false;
                attempt = 0;
                continue;
            }

            return new LifecycleOutcome(message.OrderId, state.State, true, run.Note);
        }
    }

    /// <summary>One message applied to one read of the order.</summary>
    private sealed class Run(LifecycleEngine engine, OrderRecord record, ProcessState ps, LifecycleMessage message, DateTimeOffset now)
    {
        private CanonicalOrder Order => record.Order;

        public List<OrderEvent> Events { get; } = [];

        public List<string> TimersToCancel { get; } = [];

        public string? Note { get; private set; }

        /// <summary>
        /// This run reserved stock and stopped so the allocation is saved before any location hears of the order: a
        /// cancellation racing the reservation then either sees the allocation (and compensates it) or makes this save
        /// fail, and a location is never asked to ship an order that was cancelled meanwhile.
        /// </summary>
        public bool PausedToSave { get; private set; }

        private bool _allocatedInThisRun;

        private string Cause => message.Cause ?? message.Key;

        private string ReservationId => ps.ReservationId(Order.OrderId);

        public async Task ApplyAsync(CancellationToken ct)
        {
            switch (message.Type)
            {
                case LifecycleMessageTypes.Start:
                case LifecycleMessageTypes.ChannelUpdated:
                    break; // Drive does the work; a channel cancellation is seen on the order itself.
                case LifecycleMessageTypes.Cancel:
                    await CancelAsync(message.Reason ?? "cancelled by " + message.Actor, message.Actor.StartsWith("channel:", StringComparison.Ordinal), reject: false, ct);
                    break;
                case LifecycleMessageTypes.FulfillmentAcknowledged:
                    Acknowledge(message.LocationId ?? string.Empty);
                    break;
                case LifecycleMessageTypes.Shipped:
                    await ShipAsync(ct);
                    break;
                case LifecycleMessageTypes.Delivered:
                    ReportDelivery();
                    break;
                case LifecycleMessageTypes.Returned:
                    ReportReturn();
                    break;
                case LifecycleMessageTypes.TimerDue:
                    await TimerDueAsync(ct);
                    break;
                case LifecycleMessageTypes.Resolve:
                    await ResolveAsync(ct);
                    break;
                default:
                    throw new LifecycleRequestException($"Unknown lifecycle message type '{message.Type}'.");
            }
        }

        /// <summary>Runs the automatic steps until the order waits for something outside (a person, a location, a timer).</summary>
        public async Task DriveAsync(CancellationToken ct)
        {
            for (var guard = 0; guard < 20; guard++)
            {
                if (LifecycleStates.IsTerminal(ps.State))
                {
                    return;
                }

                if (Order.Cancellation is not null && !ps.ChannelCancellationSeen)
                {
                    ps.ChannelCancellationSeen = true;
                    await CancelAsync(Order.Cancellation.Reason ?? "cancelled by the channel", requestedByChannel: true, reject: false, ct);
                    continue;
                }

                if (ps.IsBlocked)
                {
                    return;
                }

                var before = ps.State;
                switch (ps.State)
                {
                    case LifecycleStates.Received:
                        await ValidateAsync(ct);
                        break;
                    case LifecycleStates.Validated:
                        if (NeedsReview() is { } why)
                        {
                            Move(LifecycleTriggers.Hold, LifecycleStates.OnHold, new JsonObject { ["why"] = why });
                            await ArmAsync(TimerKinds.ReviewHold, now + engine._options.ReviewHold.After, null, ct);
                            await RaiseAsync(ExceptionKinds.ReviewRequired, $"Held for review: {why}.", [Resolutions.Override, Resolutions.Cancel],
                                "Check the order; override (with a reason) to approve it, or cancel to reject it.", null, ct);
                            return;
                        }

                        await AllocateAsync(ct);
                        break;
                    case LifecycleStates.Allocated when _allocatedInThisRun:
                        PausedToSave = true;
                        return;
                    case LifecycleStates.Allocated:
                        await ReleaseAsync(ct);
                        break;
                    case LifecycleStates.Shipped when ps.DeliveryReported:
                        Move(LifecycleTriggers.Deliver, LifecycleStates.Delivered);
                        break;
                    case LifecycleStates.Delivered:
                        Move(LifecycleTriggers.Complete, LifecycleStates.Completed);
                        DisarmAll();
                        break;
                }

                if (ps.State == before)
                {
                    return;
                }
            }
        }

        // ---- steps ----------------------------------------------------------------------------------------------

        private async Task ValidateAsync(CancellationToken ct)
        {
            if (Order.Channel == Channels.Amazon && Order.FinancialStatus == FinancialStatus.Pending)
            {
                // Amazon: a Pending order (payment not authorised) must not be fulfilled; the poller's next read of the
                // order after authorisation arrives as channel-updated and validation runs then.
                if (!ps.AwaitingChannelNoted)
                {
                    ps.AwaitingChannelNoted = true;
                    Record(LifecycleEventTypes.AwaitingChannel, new JsonObject { ["reason"] = "Amazon has not authorised payment (order Pending)." });
                }

                return;
            }

            var problems = OrderValidator.Validate(Order).Select(e => $"{e.Field}: {e.Message}").ToList();
            var address = Order.ShippingAddress;
            if (address is null || string.IsNullOrWhiteSpace(address.Line1) || string.IsNullOrWhiteSpace(address.City) || string.IsNullOrWhiteSpace(address.CountryCode)
                || (address.CountryCode is "US" or "CA" or "GB" && string.IsNullOrWhiteSpace(address.PostalCode)))
            {
                problems.Add("shippingAddress: line1, city, country (and postal code where the country uses one) are required.");
            }

            var skus = Order.LineItems.Select(l => l.Sku).ToList();
            if (skus.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add("lineItems: every line needs a SKU.");
            }

            var known = (await engine._stock.GetAvailabilityAsync(skus.OfType<string>().Distinct().ToList(), ct)).Select(s => s.Sku).ToHashSet(StringComparer.Ordinal);
            var unknown = skus.OfType<string>().Where(s => !known.Contains(s)).Distinct().ToList();
            if (unknown.Count > 0)
            {
                problems.Add($"lineItems: unknown SKUs {string.Join(", ", unknown)}.");
            }

            if (problems.Count > 0 && !ps.Overrides.Contains("validation"))
            {
                await RaiseAsync(ExceptionKinds.ValidationFailed, "The order failed validation: " + string.Join(" ", problems), [Resolutions.Retry, Resolutions.Cancel, Resolutions.Override],
                    "Fix the data at the source (or add the SKU to the catalog) and retry; cancel rejects the order.", new JsonObject { ["problems"] = new JsonArray(problems.Select(p => (JsonNode?)p).ToArray()) }, ct);
                return;
            }

            Move(LifecycleTriggers.Validate, LifecycleStates.Validated, problems.Count > 0 ? new JsonObject { ["overridden"] = new JsonArray(problems.Select(p => (JsonNode?)p).ToArray()) } : null);
            await NotifyAcceptanceAsync(ct);
        }

        private string? NeedsReview()
        {
            if (ps.Overrides.Contains("review"))
            {
                return null;
            }

            if (engine._options.ReviewValueThreshold is { } threshold && Order.Totals.Total is { } total && total.Amount > threshold)
            {
                return $"total {total} is above the review threshold {threshold}";
            }

            var flags = Order.Tags.Where(t => engine._options.ReviewRiskTags.Contains(t, StringComparer.OrdinalIgnoreCase)).ToList();
            return flags.Count > 0 ? $"risk flags {string.Join(", ", flags)}" : null;
        }

        private async Task AllocateAsync(CancellationToken ct)
        {
            var lines = Order.LineItems.Where(l => !string.IsNullOrWhiteSpace(l.Sku) && l.Quantity > 0).Select(l => (l.LineId, Sku: l.Sku!, l.Quantity)).ToList();
            var existing = await engine._stock.GetReservationAsync(ReservationId, ct);
            if (existing is { Released: true })
            {
                await AdvanceFromReleasedReservationAsync(ct);
                existing = null;
            }

            IReadOnlyList<PlannedLine>? plan = null;
            if (existing is not null)
            {
                // A previous attempt reserved already and crashed (or lost a race) before saving: keep what it holds,
                // whatever routing would say now, so the allocation always matches the reservation. If it no longer
                // fits the order (the channel changed the lines), give it back and route afresh under the next id.
                plan = PlanFromReservation(lines, existing.Lines);
                if (plan is null)
                {
                    await GiveBackReservationAsync(ct);
                }
            }

            if (plan is null)
            {
                var availability = await engine._stock.GetAvailabilityAsync(lines.Select(l => l.Sku).Distinct().ToList(), ct);
                plan = lines.Count == 0 ? null : engine._routing.Route(lines, availability.Where(a => engine._locations.IsKnown(a.LocationId)).ToList());
            }

            var result = plan is null
                ? StockReservationResult.Short(lines.Select(l => l.Sku).Distinct().ToList())
                : await engine._stock.ReserveAsync(ReservationId, plan.GroupBy(p => (p.LocationId, p.Sku)).Select(g => new AllocationLine(g.Key.LocationId, g.Key.Sku, g.Sum(p => p.Quantity))).ToList(), ct);
            if (result.Status == StockReservationStatus.Released)
            {
                // Released between our read and our reserve: someone else moved this order on. Start over from a fresh read.
                throw new ConcurrencyConflictException(Order.OrderId);
            }

            if (!result.Reserved || plan is null)
            {
                await RaiseAsync(ExceptionKinds.InsufficientStock, "Not enough stock to allocate the order.", [Resolutions.Retry, Resolutions.Cancel],
                    "Restock (or correct stock levels) and retry; cancel if it cannot be supplied.", new JsonObject { ["shortages"] = new JsonArray(result.Shortages.Select(s => (JsonNode?)s).ToArray()) }, ct);
                return;
            }

            ps.Allocation = plan.ToList();
            Owe(new OwedCompensation(OwedCompensation.ReleaseReservation));
            Record(LifecycleEventTypes.StockReserved, new JsonObject { ["lines"] = PlanJson(plan) });
            Move(LifecycleTriggers.Allocate, LifecycleStates.Allocated);
            _allocatedInThisRun = true;
        }

        /// <summary>
        /// The current reservation was released, yet this read of the order still wants to allocate under it. Either
        /// the read is stale (someone released it and saved since: start over) or an attempt released it and crashed
        /// before saving (the order is unchanged since we read it: move on to the next reservation id).
        /// </summary>
        private async Task AdvanceFromReleasedReservationAsync(CancellationToken ct)
        {
            var fresh = await engine._orders.GetAsync(Order.OrderId, ct);
            if (fresh is null || fresh.ETag != record.ETag)
            {
                throw new ConcurrencyConflictException(Order.OrderId);
            }

            ps.ReservationGeneration++;
        }

        /// <summary>
        /// Releases the current reservation and moves to the next reservation id: the ledger never reserves a released
        /// id again, so should the order be allocated afresh, it takes the next one.
        /// </summary>
        private async Task GiveBackReservationAsync(CancellationToken ct)
        {
            await engine._stock.ReleaseAsync(ReservationId, ct);
            ps.ReservationGeneration++;
        }

        private static List<PlannedLine>? PlanFromReservation(List<(string LineId, string Sku, int Quantity)> lines, IReadOnlyList<AllocationLine> reservation)
        {
            var pool = reservation.Select(r => (r.LocationId, r.Sku, Left: r.Quantity)).ToList();
            var plan = new List<PlannedLine>();
            foreach (var line in lines)
            {
                var wanted = line.Quantity;
                for (var i = 0; i < pool.Count && wanted > 0; i++)
                {
                    if (pool[i].Sku != line.Sku || pool[i].Left == 0)
                    {
                        continue;
                    }

                    var take = Math.Min(wanted, pool[i].Left);
                    plan.Add(new PlannedLine(line.LineId, line.Sku, pool[i].LocationId, take));
                    pool[i] = (pool[i].LocationId, pool[i].Sku, pool[i].Left - take);
                    wanted -= take;
                }

                if (wanted > 0)
                {
                    return null;
                }
            }

            return plan;
        }

        private async Task ReleaseAsync(CancellationToken ct)
        {
            foreach (var location in ps.Allocation.Select(a => a.LocationId).Distinct().Where(l => !ps.ReleasedLocations.Contains(l)).ToList())
            {
                var result = await ReleaseToAsync(location, ct);
                if (result.Status != FulfillmentCallStatus.Accepted)
                {
                    // A failed step compensates what came before it.
                    var failure = $"Location '{location}' did not accept the release ({result.Status}: {result.Detail}).";
                    if (!await CompensateAsync(failure, ct))
                    {
                        return;
                    }

                    ps.Allocation.Clear();
                    ps.ReleasedLocations.Clear();
                    Move(LifecycleTriggers.ReleaseFailed, LifecycleStates.Validated, new JsonObject { ["location"] = location, ["detail"] = result.Detail });
                    await RaiseAsync(ExceptionKinds.ReleaseFailed, failure + " The reservation was released.", [Resolutions.Retry, Resolutions.Cancel],
                        "Check the location's endpoint, then retry (the order is allocated and released again).", new JsonObject { ["location"] = location, ["status"] = result.Status.ToString() }, ct);
                    return;
                }

                ps.ReleasedLocations.Add(location);
                Owe(new OwedCompensation(OwedCompensation.CancelAtLocation, location));
                Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location });
            }

            Move(LifecycleTriggers.Release, LifecycleStates.Released, new JsonObject { ["locations"] = new JsonArray(ps.ReleasedLocations.Select(l => (JsonNode?)l).ToArray()) });
            foreach (var location in ps.ReleasedLocations.Where(l => !ps.AcknowledgedLocations.Contains(l)))
            {
                await ArmAsync(TimerKinds.FulfillmentAck, now + engine._options.FulfillmentAck.After, location, ct);
            }

            if (ShipByDue() is { } due && ps.Timers.All(t => t.Kind != TimerKinds.ShipBy))
            {
                await ArmAsync(TimerKinds.ShipBy, due, null, ct);
            }
        }

        private Task<FulfillmentCallResult> ReleaseToAsync(string location, CancellationToken ct) => engine._locations.ReleaseAsync(new FulfillmentRelease
        {
            LocationId = location,
            OrderId = Order.OrderId,
            Channel = Order.Channel,
            ChannelOrderNumber = Order.ChannelOrderNumber,
            Lines = ps.Allocation.Where(a => a.LocationId == location).Select(a => new ReleaseLine(a.LineId, a.Sku, a.Quantity)).ToList(),
            ShipTo = Order.ShippingAddress,
            ShipBy = ShipByDue(),
        }, ct);

        private DateTimeOffset? ShipByDue() =>
            Order.ShipBy ?? (engine._options.ShipByDefaults.TryGetValue(Order.Channel, out var window) ? Order.PlacedAt + window : null);

        private async Task ShipAsync(CancellationToken ct)
        {
            var shipment = message.Shipment ?? throw new LifecycleRequestException("A shipped event needs a shipment.");
            var location = message.LocationId ?? string.Empty;
            if (ps.Shipments.Any(s => s.ShipmentId == shipment.ShipmentId))
            {
                Note = "Shipment already recorded.";
                return;
            }

            if (ps.State is not (LifecycleStates.Allocated or LifecycleStates.Released or LifecycleStates.PartiallyShipped))
            {
                await RaiseUnexpectedAsync($"Shipment '{shipment.ShipmentId}' from '{location}' arrived while the order is {ps.State}.", ct);
                return;
            }

            var lines = new List<ShipmentRecordLine>();
            foreach (var line in shipment.Lines)
            {
                var planned = ps.Allocation.FirstOrDefault(a => a.LocationId == location && (line.LineId is not null ? a.LineId == line.LineId : a.Sku == line.Sku));
                if (planned is null || line.Quantity <= 0)
                {
                    await RaiseUnexpectedAsync($"Shipment '{shipment.ShipmentId}' names a line ({line.LineId ?? line.Sku}) that was not released to '{location}'.", ct);
                    return;
                }

                lines.Add(new ShipmentRecordLine(planned.LineId, planned.Sku, line.Quantity));
            }

            await engine._stock.RecordShipmentAsync(ReservationId, shipment.ShipmentId, location, lines.GroupBy(l => l.Sku).Select(g => new ShipmentLine(g.Key, g.Sum(l => l.Quantity))).ToList(), ct);
            var record = new ShipmentRecord(shipment.ShipmentId, location, shipment.Carrier, shipment.TrackingNumber, shipment.TrackingUrl, now, lines);
            ps.Shipments.Add(record);
            Record(LifecycleEventTypes.ShipmentRecorded, new JsonObject
            {
                ["shipmentId"] = shipment.ShipmentId, ["location"] = location, ["carrier"] = shipment.Carrier, ["trackingNumber"] = shipment.TrackingNumber,
                ["lines"] = new JsonArray(lines.Select(l => (JsonNode?)new JsonObject { ["lineId"] = l.LineId, ["sku"] = l.Sku, ["quantity"] = l.Quantity }).ToArray()),
            });
            Acknowledge(location);

            var shipped = ps.Shipments.SelectMany(s => s.Lines).GroupBy(l => l.LineId).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity));
            var complete = ps.Allocation.GroupBy(a => a.LineId).All(g => shipped.GetValueOrDefault(g.Key) >= g.Sum(a => a.Quantity));
            Move(LifecycleTriggers.Ship, complete ? LifecycleStates.Shipped : LifecycleStates.PartiallyShipped, new JsonObject { ["shipmentId"] = shipment.ShipmentId });
            if (complete)
            {
                DisarmAll();
            }

            await NotifyShipmentsAsync(ct);
        }

        private void Acknowledge(string location)
        {
            if (!ps.ReleasedLocations.Contains(location) || ps.AcknowledgedLocations.Contains(location))
            {
                return;
            }

            ps.AcknowledgedLocations.Add(location);
            Record(LifecycleEventTypes.LocationAcknowledged, new JsonObject { ["location"] = location });
            foreach (var timer in ps.Timers.Where(t => t.Kind == TimerKinds.FulfillmentAck && t.LocationId == location).ToList())
            {
                Disarm(timer);
            }
        }

        private void ReportDelivery()
        {
            if (ps.DeliveryReported || LifecycleStates.IsTerminal(ps.State))
            {
                Note = "Delivery already known or order ended.";
                return;
            }

            // May arrive before the last shipment event: remembered, applied once everything shipped.
            ps.DeliveryReported = true;
            Record(LifecycleEventTypes.DeliveryReported, new JsonObject { ["location"] = message.LocationId });
        }

        private void ReportReturn()
        {
            if (LifecycleStates.HasShipped(ps.State) && ps.State != LifecycleStates.Returned)
            {
                Move(LifecycleTriggers.Return, LifecycleStates.Returned, new JsonObject { ["location"] = message.LocationId });
                DisarmAll();
            }
            else
            {
                Note = $"A return cannot apply to an order that is {ps.State}.";
            }
        }

        // ---- cancellation and compensation -------------------------------------------------------------------------

        private async Task CancelAsync(string reason, bool requestedByChannel, bool reject, CancellationToken ct)
        {
            if (ps.State is LifecycleStates.Cancelled or LifecycleStates.Rejected)
            {
                Note = "Already ended.";
                return;
            }

            Record(LifecycleEventTypes.CancelRequested, new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel });
            if (LifecycleStates.HasShipped(ps.State))
            {
                await RaiseAsync(ExceptionKinds.NotCancellable, $"Cancellation requested ({reason}) but the order is {ps.State}: goods have left.", [Resolutions.Override],
                    "Contact the customer and arrange a return; override (with a reason) to record the decision.", new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel }, ct);
                return;
            }

            if (!await CompensateAsync(reason, ct))
            {
                return;
            }

            if (ps.Owed.Count == 0 && ps.Allocation.Count == 0)
            {
                // Nothing was reserved as far as this read knows, but a concurrent attempt may be reserving right now:
                // releasing the id makes the ledger refuse that reservation (or give back what it just took).
                await engine._stock.ReleaseAsync(ReservationId, ct);
            }

            DisarmAll();
            foreach (var open in ps.OpenExceptions.ToList())
            {
                await CloseAsync(open, "superseded", message.Actor, "the order was cancelled", ct);
            }

            var target = reject ? LifecycleStates.Rejected : LifecycleStates.Cancelled;
            Move(reject ? LifecycleTriggers.Reject : LifecycleTriggers.Cancel, target, new JsonObject { ["reason"] = reason, ["byChannel"] = requestedByChannel });
            ps.CancelReason = reason;
            ps.CancelledByChannel = requestedByChannel;
            await NotifyCancellationAsync(ct);
        }

        /// <summary>Runs the owed compensations in reverse order. False (and an exception raised) when one cannot be done.</summary>
        private async Task<bool> CompensateAsync(string reason, CancellationToken ct)
        {
            for (var i = ps.Owed.Count - 1; i >= 0; i--)
            {
                var owed = ps.Owed[i];
                if (owed.Kind == OwedCompensation.CancelAtLocation)
                {
                    var result = await engine._locations.CancelAsync(owed.LocationId!, Order.OrderId, reason, ct);
                    if (result.Status == FulfillmentCallStatus.AlreadyShipped)
                    {
                        await RaiseAsync(ExceptionKinds.NotCancellable, $"Location '{owed.LocationId}' already shipped; the order cannot be cancelled.", [Resolutions.Override],
                            "Wait for the shipment event, then arrange a return; override (with a reason) to record the decision.", new JsonObject { ["location"] = owed.LocationId }, ct);
                        return false;
                    }

                    if (result.Status != FulfillmentCallStatus.Accepted)
                    {
                        await RaiseAsync(ExceptionKinds.CompensationFailed, $"Cancelling at location '{owed.LocationId}' failed ({result.Status}: {result.Detail}).", [Resolutions.Retry, Resolutions.Override],
                            "Retry once the location answers; override only after cancelling there by hand.", new JsonObject { ["location"] = owed.LocationId, ["reason"] = reason }, ct);
                        return false;
                    }
                }
                else
                {
                    await GiveBackReservationAsync(ct);
                }

                ps.Owed.RemoveAt(i);
                Record(LifecycleEventTypes.Compensated, new JsonObject { ["compensation"] = owed.Kind, ["location"] = owed.LocationId, ["reason"] = reason });
            }

            return true;
        }

        // ---- timers ---------------------------------------------------------------------------------------------------

        private async Task TimerDueAsync(CancellationToken ct)
        {
            var timer = ps.Timers.FirstOrDefault(t => t.TimerId == message.TimerId);
            if (timer is null)
            {
                Note = "Timer no longer pending.";
                return;
            }

            ps.Timers.Remove(timer);
            Record(LifecycleEventTypes.TimerFired, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = timer.Kind, ["dueAt"] = timer.DueAt, ["location"] = timer.LocationId });
            var policy = engine._options.PolicyFor(timer.Kind);
            switch (policy.Policy)
            {
                case ExpiryPolicy.Retry:
                    var attempts = ps.RetryAttempts[timer.Kind] = ps.RetryAttempts.GetValueOrDefault(timer.Kind) + 1;
                    if (attempts <= policy.MaxAttempts)
                    {
                        await RetryTimerStepAsync(timer, ct);
                        return;
                    }

                    await RaiseExpiredAsync(timer, $" after {policy.MaxAttempts} retries", ct);
                    return;
                case ExpiryPolicy.Compensate:
                    await CancelAsync($"{timer.Kind} timer expired", requestedByChannel: false, reject: timer.Kind == TimerKinds.ReviewHold, ct);
                    return;
                default:
                    await RaiseExpiredAsync(timer, string.Empty, ct);
                    return;
            }
        }

        private async Task RetryTimerStepAsync(PendingTimer timer, CancellationToken ct)
        {
            var policy = engine._options.PolicyFor(timer.Kind);
            var again = policy.RetryAfter ?? (policy.After > TimeSpan.FromMinutes(1) ? policy.After : TimeSpan.FromMinutes(1));
            switch (timer.Kind)
            {
                case TimerKinds.FulfillmentAck when timer.LocationId is { } location && ps.State is LifecycleStates.Released or LifecycleStates.PartiallyShipped:
                    var result = await ReleaseToAsync(location, ct);
                    Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location, ["retry"] = true, ["status"] = result.Status.ToString() });
                    await ArmAsync(TimerKinds.FulfillmentAck, now + again, location, ct);
                    break;
                case TimerKinds.ShipBy when ps.State is LifecycleStates.Released or LifecycleStates.PartiallyShipped:
                    foreach (var location in ps.ReleasedLocations)
                    {
                        var resent = await ReleaseToAsync(location, ct);
                        Record(LifecycleEventTypes.ReleasedToLocation, new JsonObject { ["location"] = location, ["retry"] = true, ["status"] = resent.Status.ToString() });
                    }

                    await ArmAsync(TimerKinds.ShipBy, now + again, null, ct);
                    break;
                case TimerKinds.ReviewHold when ps.State == LifecycleStates.OnHold:
                    await ArmAsync(TimerKinds.ReviewHold, now + again, null, ct);
                    break;
                case TimerKinds.ChannelRecheck:
                    // Each notifier call arms the next recheck itself if the channel still has not confirmed.
                    await NotifyOutstandingAsync(ct);
                    break;
            }
        }

        private Task RaiseExpiredAsync(PendingTimer timer, string suffix, CancellationToken ct)
        {
            var (description, recommended) = timer.Kind switch
            {
                TimerKinds.FulfillmentAck => ($"Location '{timer.LocationId}' has not acknowledged the release{suffix}.", "Check with the location, then retry (the release is sent again) or cancel."),
                TimerKinds.ShipBy => ($"The ship-by date {timer.DueAt:u} passed before everything shipped{suffix}.", "Chase the location; override (with a reason) to accept a late shipment, or cancel."),
                TimerKinds.ChannelRecheck => ($"{Order.Channel} has not confirmed what it was told{suffix}.", "Check the channel; retry to ask again, or override (with a reason) once it is confirmed by hand."),
                _ => ($"The review hold expired{suffix}.", "Decide now: override (with a reason) to approve, or cancel to reject."),
            };
            IReadOnlyList<string> choices = timer.Kind switch
            {
                TimerKinds.ReviewHold => [Resolutions.Override, Resolutions.Cancel],
                TimerKinds.ChannelRecheck => [Resolutions.Retry, Resolutions.Override],
                _ => [Resolutions.Retry, Resolutions.Cancel, Resolutions.Override],
            };
            return RaiseAsync(ExceptionKinds.TimerExpired, description, choices, recommended, new JsonObject { ["timerKind"] = timer.Kind, ["location"] = timer.LocationId, ["dueAt"] = timer.DueAt }, ct);
        }

        private async Task ArmAsync(string kind, DateTimeOffset dueAt, string? location, CancellationToken ct)
        {
            var timer = new PendingTimer($"{Order.OrderId}|{kind}|{++ps.TimerSequence}", kind, dueAt, location);
            await engine._timers.ScheduleAsync(new DueTimer(timer.TimerId, Order.OrderId, kind, dueAt), ct);
            ps.Timers.Add(timer);
            Record(LifecycleEventTypes.TimerScheduled, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = kind, ["dueAt"] = dueAt, ["location"] = location });
        }

        private void Disarm(PendingTimer timer)
        {
            ps.Timers.Remove(timer);
            TimersToCancel.Add(timer.TimerId);
            Record(LifecycleEventTypes.TimerCancelled, new JsonObject { ["timerId"] = timer.TimerId, ["kind"] = timer.Kind });
        }

        /// <summary>Stops every timer the order no longer waits for; a channel recheck outlives the order's own steps.</summary>
        private void DisarmAll()
        {
            foreach (var timer in ps.Timers.Where(t => t.Kind != TimerKinds.ChannelRecheck).ToList())
            {
                Disarm(timer);
            }
        }

        // ---- exceptions -------------------------------------------------------------------------------------------

        private async Task RaiseAsync(string kind, string description, IReadOnlyList<string> choices, string recommended, JsonObject? context, CancellationToken ct)
        {
            if (ps.OpenExceptions.FirstOrDefault(e => e.Kind == kind) is { } already && already.Description == description)
            {
                return; // the same problem is already waiting for someone
            }

            var exception = new LifecycleException
            {
                ExceptionId = $"{Order.OrderId}|{kind}|{++ps.ExceptionSequence}",
                OrderId = Order.OrderId,
                Channel = Order.Channel,
                Kind = kind,
                Description = description,
                State = ps.State,
                Options = choices,
                RecommendedAction = recommended,
                RaisedAt = now,
                Context = context?.ToJsonString(),
            };
            await engine._exceptions.UpsertAsync(exception, ct);
            ps.Exceptions.Add(exception);
            Record(LifecycleEventTypes.ExceptionRaised, new JsonObject
            {
                ["exceptionId"] = exception.ExceptionId, ["kind"] = kind, ["description"] = description,
                ["options"] = new JsonArray(choices.Select(c => (JsonNode?)c).ToArray()), ["recommendedAction"] = recommended,
            });
        }

        private async Task CloseAsync(LifecycleException open, string resolution, string actor, string? reason, CancellationToken ct)
        {
            var closed = open with { ResolvedAt = now, Resolution = resolution, ResolvedBy = actor, ResolutionReason = reason };
            await engine._exceptions.UpsertAsync(closed, ct);
            ps.Exceptions[ps.Exceptions.IndexOf(open)] = closed;
            Record(LifecycleEventTypes.ExceptionResolved, new JsonObject { ["exceptionId"] = open.ExceptionId, ["kind"] = open.Kind, ["resolution"] = resolution, ["reason"] = reason });
        }

        private Task RaiseUnexpectedAsync(string description, CancellationToken ct) =>
            RaiseAsync(ExceptionKinds.UnexpectedFulfillmentEvent, description, [Resolutions.Override], "Check with the location what happened; override (with a reason) once handled.", null, ct);

        private async Task ResolveAsync(CancellationToken ct)
        {
            var resolution = message.Resolution;
            if (!Resolutions.IsKnown(resolution))
            {
                throw new LifecycleRequestException("resolution must be retry, cancel or override.");
            }

            var open = ps.Exceptions.FirstOrDefault(e => e.ExceptionId == message.ExceptionId);
            if (open is null)
            {
                throw new LifecycleRequestException($"Order '{Order.OrderId}' has no exception '{message.ExceptionId}'.", notFound: true);
            }

            if (!open.IsOpen)
            {
                Note = $"Already resolved ({open.Resolution}).";
                return;
            }

            if (!open.Options.Contains(resolution))
            {
                throw new LifecycleRequestException($"'{resolution}' is not an option for this exception; options: {string.Join(", ", open.Options)}.");
            }

            if (resolution == Resolutions.Override && string.IsNullOrWhiteSpace(message.Reason))
            {
                throw new LifecycleRequestException("An override needs a reason.");
            }

            await CloseAsync(open, resolution!, message.Actor, message.Reason, ct);
            switch (resolution)
            {
                case Resolutions.Cancel:
                    await CancelAsync(message.Reason ?? $"cancelled by {message.Actor}", requestedByChannel: false,
                        reject: open.Kind is ExceptionKinds.ValidationFailed or ExceptionKinds.ReviewRequired || ps.State == LifecycleStates.OnHold, ct);
                    break;
                case Resolutions.Override:
                    switch (open.Kind)
                    {
                        case ExceptionKinds.ValidationFailed:
                            ps.Overrides.Add("validation");
                            break;
                        case ExceptionKinds.ReviewRequired:
                        case ExceptionKinds.TimerExpired when ps.State == LifecycleStates.OnHold:
                            await ApproveAsync(ct);
                            break;
                        case ExceptionKinds.ChannelNotificationFailed:
                        case ExceptionKinds.TimerExpired when ContextValue(open, "timerKind") == TimerKinds.ChannelRecheck:
                            MarkNotificationsDone();
                            break;
                        case ExceptionKinds.CompensationFailed when ContextValue(open, "location") is { } location:
                            ps.Owed.RemoveAll(o => o.Kind == OwedCompensation.CancelAtLocation && o.LocationId == location);
                            await CancelAsync(ContextValue(open, "reason") ?? "cancelled", false, false, ct);
                            break;
                    }

                    break;
                default: // retry
                    switch (open.Kind)
                    {
                        case ExceptionKinds.ChannelNotificationFailed:
                            await NotifyOutstandingAsync(ct);
                            break;
                        case ExceptionKinds.CompensationFailed:
                            await CancelAsync(ContextValue(open, "reason") ?? "cancelled", false, false, ct);
                            break;
                        case ExceptionKinds.TimerExpired when ContextValue(open, "timerKind") is { } kind:
                            await RetryTimerStepAsync(new PendingTimer(string.Empty, kind, now, ContextValue(open, "location")), ct);
                            break;
                    }

                    break; // validation, stock, release: unblocked, Drive runs the step again
            }
        }

        private static string? ContextValue(LifecycleException exception, string name) =>
            exception.Context is null ? null : JsonNode.Parse(exception.Context)?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

        private async Task ApproveAsync(CancellationToken ct)
        {
            ps.Overrides.Add("review");
            foreach (var timer in ps.Timers.Where(t => t.Kind == TimerKinds.ReviewHold).ToList())
            {
                Disarm(timer);
            }

            foreach (var open in ps.OpenExceptions.Where(e => e.Kind is ExceptionKinds.ReviewRequired or ExceptionKinds.TimerExpired).ToList())
            {
                await CloseAsync(open, "superseded", message.Actor, "approved", ct);
            }

            if (ps.State == LifecycleStates.OnHold)
            {
                Move(LifecycleTriggers.Approve, LifecycleStates.Validated, new JsonObject { ["reason"] = message.Reason });
            }
        }

        // ---- channel -----------------------------------------------------------------------------------------------

        private async Task NotifyAcceptanceAsync(CancellationToken ct)
        {
            if (ps.AcceptanceAcknowledged || ps.State is LifecycleStates.Received or LifecycleStates.Cancelled or LifecycleStates.Rejected)
            {
                return;
            }

            var result = await NotifierOrFailure(n => n.AcknowledgeAcceptanceAsync(Order, ct));
            ps.AcceptanceAcknowledged = await AfterNotifyAsync("acceptance", result, null, ct);
        }

        private async Task NotifyShipmentsAsync(CancellationToken ct)
        {
            foreach (var shipment in ps.Shipments.Where(s => !s.ChannelNotified))
            {
                var notice = new ShipmentNotice(shipment.ShipmentId, shipment.LocationId, shipment.Carrier, shipment.TrackingNumber, shipment.TrackingUrl,
                    shipment.Lines.Select(l => new ShippedLine(l.LineId, l.Sku, l.Quantity)).ToList(), shipment.At);
                var result = await NotifierOrFailure(n => n.ConfirmShipmentAsync(Order, notice, ct));
                shipment.ChannelNotified = await AfterNotifyAsync("shipment", result, shipment.ShipmentId, ct);
            }
        }

        private async Task NotifyCancellationAsync(CancellationToken ct)
        {
            if (ps.CancellationAcknowledged || ps.State is not (LifecycleStates.Cancelled or LifecycleStates.Rejected))
            {
                return;
            }

            var result = await NotifierOrFailure(n => n.AcknowledgeCancellationAsync(Order, ps.CancelReason ?? "cancelled", ps.CancelledByChannel, ct));
            ps.CancellationAcknowledged = await AfterNotifyAsync("cancellation", result, null, ct);
        }

        /// <summary>Tells the channel whatever it has not confirmed yet (each step skips what is already done).</summary>
        private async Task NotifyOutstandingAsync(CancellationToken ct)
        {
            await NotifyAcceptanceAsync(ct);
            await NotifyShipmentsAsync(ct);
            await NotifyCancellationAsync(ct);
        }

        private void MarkNotificationsDone()
        {
            ps.AcceptanceAcknowledged = true;
            ps.CancellationAcknowledged = true;
            foreach (var shipment in ps.Shipments)
            {
                shipment.ChannelNotified = true;
            }
        }

        private async Task<ChannelNotifyResult> NotifierOrFailure(Func<IChannelNotifier, Task<ChannelNotifyResult>> call) =>
            engine._notifiers.TryGetValue(Order.Channel, out var notifier)
                ? await call(notifier)
                : ChannelNotifyResult.Failed($"No channel notifier is registered for '{Order.Channel}'.");

        private async Task<bool> AfterNotifyAsync(string action, ChannelNotifyResult result, string? shipmentId, CancellationToken ct)
        {
            if (result.Status == ChannelNotifyStatus.Failed)
            {
                await RaiseAsync(ExceptionKinds.ChannelNotificationFailed, $"Telling {Order.Channel} about the {action} failed: {result.Detail}", [Resolutions.Retry, Resolutions.Override],
                    "Retry once the channel is reachable (or the integration is wired); override (with a reason) after updating the channel by hand.",
                    new JsonObject { ["action"] = action, ["shipmentId"] = shipmentId }, ct);
                return false;
            }

            Record(LifecycleEventTypes.ChannelNotified, new JsonObject { ["action"] = action, ["shipmentId"] = shipmentId, ["result"] = result.Status.ToString(), ["detail"] = result.Detail });
            if (result.Status == ChannelNotifyStatus.Pending)
            {
                // Not confirmed yet: ask again later (one recheck timer covers every pending notification).
                if (ps.Timers.All(t => t.Kind != TimerKinds.ChannelRecheck))
                {
                    await ArmAsync(TimerKinds.ChannelRecheck, now + engine._options.ChannelRecheck.After, null, ct);
                }

                return false;
            }

            return true;
        }

        // ---- bookkeeping ------------------------------------------------------------------------------------------

        private void Owe(OwedCompensation compensation)
        {
            if (!ps.Owed.Contains(compensation))
            {
                ps.Owed.Add(compensation);
            }
        }

        private void Move(string trigger, string to, JsonObject? data = null)
        {
            var from = ps.State;
            _ = LifecycleMachine.Find(from, trigger, to) ?? throw new InvalidOperationException($"The lifecycle does not allow {from} --{trigger}--> {to}.");
            ps.State = to;
            data ??= [];
            data["from"] = from;
            data["to"] = to;
            data["trigger"] = trigger;
            Record(LifecycleEventTypes.Transition, data);
        }

        private void Record(string type, JsonObject data) =>
            Events.Add(new OrderEvent { Type = type, At = now, Actor = message.Actor, Cause = Cause, Data = data.ToJsonString() });

        private static JsonArray PlanJson(IEnumerable<PlannedLine> plan) =>
            new(plan.Select(p => (JsonNode?)new JsonObject { ["lineId"] = p.LineId, ["sku"] = p.Sku, ["location"] = p.LocationId, ["quantity"] = p.Quantity }).ToArray());
    }
}

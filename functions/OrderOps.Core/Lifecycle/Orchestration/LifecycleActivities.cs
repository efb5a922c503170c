using OrderOps.Core.Orders;
using OrderOps.Core.Ports;
using OrderOps.Core.Telemetry;

namespace OrderOps.Core.Lifecycle.Orchestration;

/// <summary>
/// The work behind each activity of the order lifecycle: the only place its side effects happen. Each may run more
/// than once for one step (activities are at least once), so each is idempotent: reservations by reservation id,
/// location calls by an idempotency key per reservation generation, exceptions by id, saves by step number.
/// </summary>
public sealed class LifecycleActivities(
    IOrderStore orders,
    IStockAllocator stock,
    IFulfillmentLocation locations,
    IEnumerable<IChannelNotifier> notifiers,
    ILifecycleExceptionStore exceptions,
    IRoutingPolicy routing,
    LifecycleOptions options,
    OrderOpsMetrics? metrics = null)
{
    private readonly Dictionary<string, IChannelNotifier> _notifiers = notifiers.ToDictionary(n => n.Channel, StringComparer.Ordinal);

    public async Task<LifecycleLoadResult> LoadAsync(LifecycleLoadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var record = await orders.GetAsync(request.OrderId, cancellationToken);
        if (record is null)
        {
            return new LifecycleLoadResult(null, options, null);
        }

        var stored = record.ProcessState is { Length: > 0 } json ? ProcessState.Parse(json) : null;
        // Validate here while the order waits for it: one activity (and one orchestration episode) less per new order.
        var problems = (stored?.State ?? LifecycleStates.Received) == LifecycleStates.Received ? await ValidateAsync(record.Order, cancellationToken) : null;
        var acceptanceNotApplicable = _notifiers.TryGetValue(record.Order.Channel, out var notifier) && !notifier.SendsAcceptance;
        return new LifecycleLoadResult(LifecycleOrderFacts.From(record.Order), options, request.WithStoredState ? stored : null, problems, acceptanceNotApplicable, OneWritePerStep: true);
    }

    /// <summary>
    /// Writes the step's exceptions, then its state and history, unless a later (or this same) step is already saved:
    /// a saved step put its exceptions before it, and a later one may have closed them since.
    /// </summary>
    public async Task SaveAsync(LifecycleSaveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        while (true)
        {
            var record = await orders.GetAsync(request.OrderId, cancellationToken)
                ?? throw new InvalidOperationException($"Order '{request.OrderId}' disappeared while its lifecycle ran.");
            if (ProcessState.Parse(record.ProcessState).Step >= request.State.Step)
            {
                return;
            }

            foreach (var exception in request.Exceptions ?? [])
            {
                await exceptions.UpsertAsync(exception, cancellationToken);
            }

            try
            {
                await orders.SaveAsync(record with { Status = request.State.State, ProcessState = request.State.ToJson() }, record.ETag, request.Events, cancellationToken);
                metrics?.RecordSaved(record, request.Events);
                return;
            }
            catch (ConcurrencyConflictException)
            {
                // Ingest wrote the order meanwhile (a channel update): read again and write over its new version.
            }
        }
    }

    public async Task<IReadOnlyList<string>> ValidateAsync(string orderId, CancellationToken cancellationToken) =>
        await ValidateAsync(await OrderAsync(orderId, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<string>> ValidateAsync(CanonicalOrder order, CancellationToken cancellationToken)
    {
        var problems = OrderValidator.Validate(order).Select(e => $"{e.Field}: {e.Message}").ToList();
        var address = order.ShippingAddress;
        if (address is null || string.IsNullOrWhiteSpace(address.Line1) || string.IsNullOrWhiteSpace(address.City) || string.IsNullOrWhiteSpace(address.CountryCode)
            || (address.CountryCode is "US" or "CA" or "GB" && string.IsNullOrWhiteSpace(address.PostalCode)))
        {
            problems.Add("shippingAddress: line1, city, country (and postal code where the country uses one) are required.");
        }

        var skus = order.LineItems.Select(l => l.Sku).ToList();
        if (skus.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("lineItems: every line needs a SKU.");
        }

        var known = (await stock.GetAvailabilityAsync(skus.OfType<string>().Distinct().ToList(), cancellationToken)).Select(s => s.Sku).ToHashSet(StringComparer.Ordinal);
        var unknown = skus.OfType<string>().Where(s => !known.Contains(s)).Distinct().ToList();
        if (unknown.Count > 0)
        {
            problems.Add($"lineItems: unknown SKUs {string.Join(", ", unknown)}.");
        }

        return problems;
    }

    /// <summary>
    /// Reserves under the id. If an earlier run of this step reserved already, its reservation is kept as it is (so
    /// the allocation always matches what the ledger holds); one that no longer fits the lines is given back, and a
    /// given-back id is reported spent, so the order moves to its next reservation generation.
    /// </summary>
    public async Task<ReserveOutcome> ReserveAsync(ReserveRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var lines = request.Lines.Where(l => l.Sku is not null).Select(l => (l.LineId, Sku: l.Sku!, l.Quantity)).ToList();
        var existing = await stock.GetReservationAsync(request.ReservationId, cancellationToken);
        if (existing is { Released: true })
        {
            return new ReserveOutcome(ReserveStatus.IdSpent, [], []);
        }

        if (existing is not null)
        {
            if (PlanFromReservation(lines, existing.Lines) is { } kept)
            {
                return new ReserveOutcome(ReserveStatus.Reserved, kept, []);
            }

            await stock.ReleaseAsync(request.ReservationId, cancellationToken);
            return new ReserveOutcome(ReserveStatus.IdSpent, [], []);
        }

        var availability = await stock.GetAvailabilityAsync(lines.Select(l => l.Sku).Distinct().ToList(), cancellationToken);
        var plan = routing.Route(lines, availability.Where(a => locations.IsKnown(a.LocationId)).ToList());
        if (plan is null)
        {
            return new ReserveOutcome(ReserveStatus.Short, [], lines.Select(l => l.Sku).Distinct().ToList());
        }

        var result = await stock.ReserveAsync(request.ReservationId, plan.GroupBy(p => (p.LocationId, p.Sku)).Select(g => new AllocationLine(g.Key.LocationId, g.Key.Sku, g.Sum(p => p.Quantity))).ToList(), cancellationToken);
        return result.Status switch
        {
            StockReservationStatus.Reserved => new ReserveOutcome(ReserveStatus.Reserved, plan, []),
            StockReservationStatus.Released => new ReserveOutcome(ReserveStatus.IdSpent, [], []),
            // The ledger's stock moved between the plan and the reservation (another order took it). Report SKUs, as
            // the routing path does: stock arrivals are matched against them to retry the order.
            _ => new ReserveOutcome(ReserveStatus.Short, [], lines.Select(l => l.Sku).Distinct().ToList()),
        };
    }

    public Task GiveBackAsync(string reservationId, CancellationToken cancellationToken) => stock.ReleaseAsync(reservationId, cancellationToken);

    public async Task<FulfillmentCallResult> ReleaseToLocationAsync(LocationReleaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var order = await OrderAsync(request.OrderId, cancellationToken);
        return await locations.ReleaseAsync(new FulfillmentRelease
        {
            LocationId = request.LocationId,
            OrderId = order.OrderId,
            AttemptId = request.AttemptId,
            Channel = order.Channel,
            ChannelOrderNumber = order.ChannelOrderNumber,
            Lines = request.Lines,
            ShipTo = order.ShippingAddress,
            ShipBy = request.ShipBy,
        }, cancellationToken);
    }

    public Task<FulfillmentCallResult> CancelAtLocationAsync(LocationCancelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return locations.CancelAsync(new FulfillmentCancel(request.LocationId, request.OrderId, request.AttemptId, request.Reason), cancellationToken);
    }

    public Task RecordShipmentAsync(ShipmentStockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return stock.RecordShipmentAsync(request.ReservationId, request.ShipmentId, request.LocationId, request.Lines, cancellationToken);
    }

    public async Task<ChannelNotifyResult> NotifyChannelAsync(ChannelNoticeRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var order = await OrderAsync(request.OrderId, cancellationToken);
        if (!_notifiers.TryGetValue(order.Channel, out var notifier))
        {
            return ChannelNotifyResult.Failed($"No channel notifier is registered for '{order.Channel}'.");
        }

        return request.Kind switch
        {
            ChannelNoticeKinds.Acceptance => await notifier.AcknowledgeAcceptanceAsync(order, cancellationToken),
            ChannelNoticeKinds.Shipment when request.Shipment is { } shipment => await notifier.ConfirmShipmentAsync(order, shipment, cancellationToken),
            ChannelNoticeKinds.Cancellation => await notifier.AcknowledgeCancellationAsync(order, request.Reason ?? "cancelled", request.RequestedByChannel, cancellationToken),
            _ => throw new ArgumentException($"Unknown channel notice '{request.Kind}'.", nameof(request)),
        };
    }

    public Task PutExceptionAsync(LifecycleException exception, CancellationToken cancellationToken) => exceptions.UpsertAsync(exception, cancellationToken);

    /// <summary>The stored order; an activity only runs for an order its orchestration loaded, so a missing one is a fault.</summary>
    private async Task<CanonicalOrder> OrderAsync(string orderId, CancellationToken cancellationToken) =>
        (await orders.GetAsync(orderId, cancellationToken))?.Order ?? throw new InvalidOperationException($"No order '{orderId}'.");

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
}

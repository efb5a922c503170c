using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Core.Lifecycle;

/// <summary>
/// The lifecycle's stock, kept in the inventory ledger: availability from its balances, reservations as ledger
/// reservations carrying the routing policy's own allocation (<see cref="ReservationRequest.Allocations"/>), shipments
/// as ledger shipments. The ledger checks and applies every change under its own write serialisation, so the lifecycle
/// and the inventory API can never promise the same unit twice.
/// </summary>
public sealed class LedgerStockAllocator(IInventoryLedger ledger) : IStockAllocator
{
    public async Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(skus);
        if (skus.Count == 0)
        {
            return [];
        }

        var balances = await ledger.GetBalancesAsync(skus, cancellationToken);
        return balances.Select(b => new StockLevel(b.Location, b.Sku, b.Available)).ToList();
    }

    public async Task<StockReservationResult> ReserveAsync(string reservationId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        ArgumentNullException.ThrowIfNull(plan);
        var allocations = plan.Select(p => new LocationAllocation(p.Sku, p.LocationId, p.Quantity)).ToList();
        var result = await ledger.ReserveAsync(new ReservationRequest
        {
            OrderId = reservationId,
            Lines = allocations.GroupBy(a => a.Sku, StringComparer.Ordinal).Select(g => new ReservationLine(g.Key, g.Sum(a => a.Quantity))).ToList(),
            Allocations = allocations,
        }, cancellationToken);
        return result.Status switch
        {
            ReservationStatus.Reserved => StockReservationResult.Ok(ToLines(result.Allocations)),
            ReservationStatus.Released => StockReservationResult.WasReleased,
            _ => StockReservationResult.Short(result.Shortages.Select(s => $"{s.Sku}: {s.Quantity} short").ToList()),
        };
    }

    public Task ReleaseAsync(string reservationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        return ledger.ReleaseAsync(reservationId, cancellationToken);
    }

    public async Task RecordShipmentAsync(string reservationId, string shipmentId, string locationId, IReadOnlyList<ShipmentLine> lines, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(shipmentId);
        ArgumentNullException.ThrowIfNull(lines);

        // The ledger refuses to ship units the reservation does not hold; the lifecycle records what the location
        // says it shipped, so lines beyond what is held are trimmed here (stock never goes negative) rather than lost.
        // Another shipment of the same reservation can land between the read and the write: read again and retry.
        for (var attempt = 1; ; attempt++)
        {
            var held = (await ledger.GetReservationAsync(reservationId, cancellationToken))?.Allocations ?? [];
            var ship = lines
                .GroupBy(l => l.Sku, StringComparer.Ordinal)
                .Select(g => new LocationAllocation(g.Key, locationId, Math.Min(g.Sum(l => l.Quantity), held.Where(h => h.Sku == g.Key && h.Location == locationId).Sum(h => h.Quantity))))
                .Where(a => a.Quantity > 0)
                .ToList();
            if (ship.Count == 0)
            {
                return;
            }

            try
            {
                await ledger.ShipAsync(new ShipmentRequest(reservationId, shipmentId, ship), cancellationToken);
                return;
            }
            catch (ReservationMismatchException) when (attempt < 3)
            {
            }
        }
    }

    public async Task<StockReservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reservationId);
        var reservation = await ledger.GetReservationAsync(reservationId, cancellationToken);
        return reservation?.Status switch
        {
            ReservationStatus.Reserved => new StockReservation(false, ToLines(reservation.Allocations)),
            ReservationStatus.Released => new StockReservation(true, []),
            _ => null,
        };
    }

    private static List<AllocationLine> ToLines(IEnumerable<LocationAllocation> allocations) =>
        allocations.Where(a => a.Quantity > 0).Select(a => new AllocationLine(a.Location, a.Sku, a.Quantity)).ToList();
}

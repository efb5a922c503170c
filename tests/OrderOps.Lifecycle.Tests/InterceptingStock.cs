using OrderOps.Core.Ports;

namespace OrderOps.Lifecycle.Tests;

/// <summary>The real stock port with hooks around its writes, each firing once.</summary>
internal sealed class InterceptingStock(IStockAllocator inner) : IStockAllocator
{
    public Func<Task>? BeforeReserve { get; set; }

    public Func<Task>? AfterReserve { get; set; }

    public Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
        inner.GetAvailabilityAsync(skus, cancellationToken);

    public async Task<StockReservationResult> ReserveAsync(string reservationId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken)
    {
        await FireAsync(BeforeReserve, () => BeforeReserve = null);
        var result = await inner.ReserveAsync(reservationId, plan, cancellationToken);
        await FireAsync(AfterReserve, () => AfterReserve = null);
        return result;
    }

    public Task ReleaseAsync(string reservationId, CancellationToken cancellationToken) => inner.ReleaseAsync(reservationId, cancellationToken);

    public Task RecordShipmentAsync(string reservationId, string shipmentId, string locationId, IReadOnlyList<ShipmentLine> lines, CancellationToken cancellationToken) =>
        inner.RecordShipmentAsync(reservationId, shipmentId, locationId, lines, cancellationToken);

    public Task<StockReservation?> GetReservationAsync(string reservationId, CancellationToken cancellationToken) =>
        inner.GetReservationAsync(reservationId, cancellationToken);

    private static async Task FireAsync(Func<Task>? hook, Action disarm)
    {
        if (hook is not null)
        {
            disarm();
            await hook();
        }
    }
}

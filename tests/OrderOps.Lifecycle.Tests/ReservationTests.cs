using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// The lifecycle reserves in the inventory ledger, which never reserves a released id again. These are the paths where
/// that matters: an attempt that crashed halfway, and a cancellation racing an allocation.
/// </summary>
public sealed class ReservationTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        await _h.SeedAsync("east", "A", 10);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    [Fact]
    public async Task An_attempt_that_crashed_after_giving_back_a_stale_reservation_is_finished_under_the_next_reservation_id()
    {
        var order = _h.Order("r1", ("l1", "A", 2));
        await _h.StoreAsync(order);

        // 1. The first attempt reserves 2 and dies before saving.
        var crashAfterReserve = new InterceptingStock(_h.Stock) { AfterReserve = () => throw new SimulatedCrash() };
        await Assert.ThrowsAsync<SimulatedCrash>(() => _h.EngineWith(crashAfterReserve).HandleAsync(LifecycleHarness.StartMessage(order.OrderId), default));
        Assert.Equal(2, await _h.ReservedAsync("east", "A"));

        // 2. The channel changes the line to 3 before anyone retries.
        var record = (await _h.Orders.GetAsync(order.OrderId, default))!;
        var changed = order with { LineItems = [order.LineItems[0] with { Quantity = 3 }] };
        await _h.Orders.SaveAsync(record with { Order = changed }, record.ETag, [], default);

        // 3. The next attempt sees the reservation no longer fits, gives it back, and dies before saving.
        var crashAfterRelease = new InterceptingStock(_h.Stock) { AfterRelease = () => throw new SimulatedCrash() };
        await Assert.ThrowsAsync<SimulatedCrash>(() => _h.EngineWith(crashAfterRelease).HandleAsync(LifecycleHarness.StartMessage(order.OrderId), default));
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));

        // 4. A clean attempt finds the id released, the order unchanged since it read it, and moves to the next id.
        Assert.Equal(S.Released, (await _h.SendAsync(LifecycleHarness.StartMessage(order.OrderId))).State);
        var state = await _h.StateAsync(order.OrderId);
        Assert.Equal(2, state.ReservationGeneration);
        Assert.Equal(3, state.Allocation.Sum(a => a.Quantity));
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));
        Assert.Equal(ReservationStatus.Released, (await _h.Ledger.GetReservationAsync(order.OrderId, default))!.Status);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_cancellation_that_lands_while_an_allocation_is_reserving_leaves_no_stock_held(bool cancelBeforeTheReserve)
    {
        var order = _h.Order("r2", ("l1", "A", 4));
        await _h.StoreAsync(order);
        Func<Task> cancelConcurrently = async () => Assert.Equal(S.Cancelled, (await _h.CancelAsync(order.OrderId)).State);
        var racing = new InterceptingStock(_h.Stock);
        if (cancelBeforeTheReserve)
        {
            racing.BeforeReserve = cancelConcurrently;
        }
        else
        {
            racing.AfterReserve = cancelConcurrently;
        }

        var outcome = await _h.EngineWith(racing).HandleAsync(LifecycleHarness.StartMessage(order.OrderId), default);

        Assert.Equal(S.Cancelled, outcome.State);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
        Assert.DoesNotContain(_h.Locations.Calls, c => c.Call == "release");
        Assert.Empty((await _h.Ledger.GetReservationAsync(order.OrderId, default))!.Allocations);
    }

    [Fact]
    public async Task Stock_at_a_location_no_fulfillment_adapter_serves_is_not_allocated()
    {
        await _h.SeedAsync("store-7", "A", 50);
        _h.Locations.Unknown.Add("east");
        var order = _h.Order("r3", ("l1", "A", 2));

        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);
        Assert.Equal([("store-7", 2)], (await _h.StateAsync(order.OrderId)).Allocation.Select(a => (a.LocationId, a.Quantity)));

        var other = _h.Order("r4", ("l1", "A", 60));
        await _h.PlaceAsync(other);
        Assert.Equal(ExceptionKinds.InsufficientStock, Assert.Single((await _h.StateAsync(other.OrderId)).OpenExceptions).Kind);
        Assert.Equal(0, await _h.ReservedAsync("east", "A"));
    }

    private sealed class SimulatedCrash : Exception;

    /// <summary>The real stock port with hooks around its writes, each firing once.</summary>
    private sealed class InterceptingStock(IStockAllocator inner) : IStockAllocator
    {
        public Func<Task>? BeforeReserve { get; set; }

        public Func<Task>? AfterReserve { get; set; }

        public Func<Task>? AfterRelease { get; set; }

        public Task<IReadOnlyList<StockLevel>> GetAvailabilityAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken) =>
            inner.GetAvailabilityAsync(skus, cancellationToken);

        public async Task<StockReservationResult> ReserveAsync(string reservationId, IReadOnlyList<AllocationLine> plan, CancellationToken cancellationToken)
        {
            await FireAsync(BeforeReserve, () => BeforeReserve = null);
            var result = await inner.ReserveAsync(reservationId, plan, cancellationToken);
            await FireAsync(AfterReserve, () => AfterReserve = null);
            return result;
        }

        public async Task ReleaseAsync(string reservationId, CancellationToken cancellationToken)
        {
            await inner.ReleaseAsync(reservationId, cancellationToken);
            await FireAsync(AfterRelease, () => AfterRelease = null);
        }

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
}

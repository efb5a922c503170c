using OrderOps.Core.Inventory;
using OrderOps.Core.Lifecycle;
using OrderOps.Core.Lifecycle.Orchestration;
using OrderOps.Core.Ports;
using S = OrderOps.Core.Lifecycle.LifecycleStates;

namespace OrderOps.Lifecycle.Tests;

/// <summary>
/// Orders waiting in insufficient-stock are retried when stock arrives (issue 12, item 7), oldest first, one at a time,
/// so the stock goes to whoever waited longest; an order that allocates has its exception closed by
/// <c>system:stock-arrived</c>, one still short keeps waiting in the same exception.
/// </summary>
public sealed class StockArrivalTests : IAsyncLifetime
{
    private LifecycleHarness _h = null!;

    public async Task InitializeAsync()
    {
        _h = await LifecycleHarness.StartAsync();
        await _h.SeedAsync("east", "A", 0);
        await _h.SeedAsync("east", "B", 0);
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    private Task<MovementOutcome> ReceiveAsync(string sku, int quantity, string movementId) => _h.Ledger.RecordMovementAsync(
        new StockMovement { MovementId = movementId, Sku = sku, Location = "east", Type = MovementType.Receipt, Quantity = quantity }, default);

    private async Task<LifecycleException> WaitingAsync(string orderId) =>
        Assert.Single((await _h.StateAsync(orderId)).OpenExceptions, e => e.Kind == ExceptionKinds.InsufficientStock);

    [Fact]
    public async Task A_receipt_allocates_the_oldest_waiting_order_first_and_closes_its_exception()
    {
        var older = _h.Order("sa1", ("l1", "A", 3));
        var newer = _h.Order("sa2", ("l1", "A", 1));
        var otherSku = _h.Order("sa3", ("l1", "B", 1));
        foreach (var order in new[] { older, newer, otherSku })
        {
            Assert.Equal(S.Validated, (await _h.PlaceAsync(order)).State);
        }

        var newerWaiting = await WaitingAsync(newer.OrderId);
        var otherEvents = (await _h.EventsAsync(otherSku.OrderId)).Count;
        var olderWaiting = await WaitingAsync(older.OrderId);

        // 3 units of A: enough for the older order (3) or the newer one (1), not both.
        await ReceiveAsync("A", 3, "receipt-1");
        var asked = await new StockArrivalRetry(_h.Exceptions).RetryAsync(_h.Client, ["A"], "movement receipt-1", default);

        Assert.Equal(2, asked);
        Assert.Equal(S.Released, (await _h.RecordAsync(older.OrderId)).Status);
        var closed = await _h.Exceptions.GetAsync(olderWaiting.ExceptionId, default);
        Assert.Equal((Resolutions.Retry, "system:stock-arrived", "stock arrived"), (closed!.Resolution, closed.ResolvedBy, closed.ResolutionReason));
        Assert.Equal(3, await _h.ReservedAsync("east", "A"));

        // The newer order is still short: it waits in the same exception, not a new one.
        Assert.Equal(S.Validated, (await _h.RecordAsync(newer.OrderId)).Status);
        Assert.Equal(newerWaiting.ExceptionId, (await WaitingAsync(newer.OrderId)).ExceptionId);

        // An order waiting for another SKU was not asked.
        Assert.Equal(otherEvents, (await _h.EventsAsync(otherSku.OrderId)).Count);
        Assert.Equal(S.Validated, (await _h.RecordAsync(otherSku.OrderId)).Status);

        // The next receipt serves the newer order.
        await ReceiveAsync("A", 1, "receipt-2");
        Assert.Equal(1, await new StockArrivalRetry(_h.Exceptions).RetryAsync(_h.Client, ["A"], "movement receipt-2", default));
        Assert.Equal(S.Released, (await _h.RecordAsync(newer.OrderId)).Status);
        Assert.Empty((await _h.StateAsync(newer.OrderId)).OpenExceptions);
    }

    [Fact]
    public async Task An_order_whose_stock_was_taken_between_planning_and_reserving_is_retried_when_stock_arrives()
    {
        InterceptingStock racing = null!;
        await using var h = await LifecycleHarness.StartAsync(stockSeam: stock => racing = new InterceptingStock(stock));
        await h.SeedAsync("east", "A", 2);
        var order = h.Order("sa5", ("l1", "A", 2));

        // The routing plan saw 2 available; another order holds them by the time the ledger is asked.
        racing.BeforeReserve = () => h.Ledger.ReserveAsync(new ReservationRequest { OrderId = "elsewhere", Lines = [new ReservationLine("A", 2)] }, default);
        Assert.Equal(S.Validated, (await h.PlaceAsync(order)).State);
        Assert.Equal(ExceptionKinds.InsufficientStock, Assert.Single((await h.StateAsync(order.OrderId)).OpenExceptions).Kind);

        await h.Ledger.RecordMovementAsync(new StockMovement { MovementId = "receipt-5", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 2 }, default);

        Assert.Equal(1, await new StockArrivalRetry(h.Exceptions).RetryAsync(h.Client, ["A"], "movement receipt-5", default));
        Assert.Equal(S.Released, (await h.RecordAsync(order.OrderId)).Status);
    }

    [Fact]
    public async Task A_stock_arrival_for_an_order_no_longer_waiting_changes_nothing_and_says_so()
    {
        var order = _h.Order("sa4", ("l1", "A", 1));
        await ReceiveAsync("A", 1, "receipt-0");
        Assert.Equal(S.Released, (await _h.PlaceAsync(order)).State);

        var outcome = await _h.SendAsync(new LifecycleMessage
        {
            Type = LifecycleMessageTypes.StockArrived, OrderId = order.OrderId, Key = "stock-arrived:late", Actor = "system:stock-arrived", Cause = "movement late",
        });

        Assert.False(outcome.Applied);
        Assert.Equal("The order is not waiting for stock.", outcome.Note);
        Assert.Equal(1, await _h.ReservedAsync("east", "A"));
    }
}

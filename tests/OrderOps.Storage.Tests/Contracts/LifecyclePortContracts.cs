using OrderOps.Core.Ports;

namespace OrderOps.Storage.Tests.Contracts;

/// <summary>
/// The lifecycle's stock on each backend's inventory ledger: reservations atomic and idempotent by id, a released id
/// never reserved again, shipments idempotent by shipment id, never negative.
/// </summary>
public abstract class StockAllocatorContract : IAsyncLifetime
{
    private ILifecycleStorageBackend _backend = null!;

    public async Task InitializeAsync()
    {
        _backend = await CreateBackendAsync();
        await _backend.SetOnHandAsync("east", "A", 5);
        await _backend.SetOnHandAsync("west", "A", 2);
        await _backend.SetOnHandAsync("west", "B", 3);
    }

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<ILifecycleStorageBackend> CreateBackendAsync();

    [ContractFact]
    public async Task Availability_is_on_hand_minus_reserved_per_location()
    {
        await _backend.Stock.ReserveAsync("o1", [new("east", "A", 2)], default);

        var levels = await _backend.Stock.GetAvailabilityAsync(["A", "B", "unknown"], default);

        Assert.Equal([new("east", "A", 3), new("west", "A", 2), new("west", "B", 3)], levels);
    }

    [ContractFact]
    public async Task Reserving_is_all_or_nothing()
    {
        var result = await _backend.Stock.ReserveAsync("o1", [new("west", "A", 1), new("west", "B", 4)], default);

        Assert.Equal(StockReservationStatus.Short, result.Status);
        Assert.Contains(result.Shortages, s => s.StartsWith("B:", StringComparison.Ordinal));
        Assert.All(await _backend.GetStockAsync(), s => Assert.Equal(0, s.Reserved));
        Assert.Null(await _backend.Stock.GetReservationAsync("o1", default));
    }

    [ContractFact]
    public async Task Reserving_twice_for_one_order_holds_the_first_reservation_only()
    {
        await _backend.Stock.ReserveAsync("o1", [new("east", "A", 2)], default);
        var again = await _backend.Stock.ReserveAsync("o1", [new("east", "A", 4)], default);

        Assert.True(again.Reserved);
        Assert.Equal([new("east", "A", 2)], again.Lines);
        Assert.Equal(2, (await _backend.GetStockAsync()).Single(s => s.LocationId == "east").Reserved);
    }

    [ContractFact]
    public async Task Releasing_frees_what_is_held_once_and_only_a_new_reservation_id_can_hold_again()
    {
        await _backend.Stock.ReserveAsync("o1", [new("east", "A", 2), new("west", "B", 1)], default);

        await _backend.Stock.ReleaseAsync("o1", default);
        await _backend.Stock.ReleaseAsync("o1", default);

        Assert.All(await _backend.GetStockAsync(), s => Assert.Equal(0, s.Reserved));
        Assert.Equal(new StockReservation(true, []), await _backend.Stock.GetReservationAsync("o1", default));
        Assert.Equal(StockReservationStatus.Released, (await _backend.Stock.ReserveAsync("o1", [new("east", "A", 5)], default)).Status);
        Assert.All(await _backend.GetStockAsync(), s => Assert.Equal(0, s.Reserved));
        Assert.True((await _backend.Stock.ReserveAsync("o1~2", [new("east", "A", 5)], default)).Reserved);
        Assert.Equal(5, (await _backend.GetStockAsync()).Single(s => s.LocationId == "east" && s.Sku == "A").Reserved);
    }

    [ContractFact]
    public async Task A_shipment_consumes_reserved_stock_once_and_never_more_than_reserved()
    {
        await _backend.Stock.ReserveAsync("o1", [new("east", "A", 3)], default);

        await _backend.Stock.RecordShipmentAsync("o1", "s1", "east", [new("A", 2)], default);
        await _backend.Stock.RecordShipmentAsync("o1", "s1", "east", [new("A", 2)], default);
        await _backend.Stock.RecordShipmentAsync("o1", "s2", "east", [new("A", 9)], default);

        var east = (await _backend.GetStockAsync()).Single(s => s.LocationId == "east");
        Assert.Equal((2, 0), (east.OnHand, east.Reserved));
        Assert.Empty((await _backend.Stock.GetReservationAsync("o1", default))!.Lines);
    }

    [ContractFact]
    public async Task Releasing_after_a_partial_shipment_frees_only_the_unshipped_rest()
    {
        await _backend.Stock.ReserveAsync("o1", [new("east", "A", 3)], default);
        await _backend.Stock.RecordShipmentAsync("o1", "s1", "east", [new("A", 1)], default);

        Assert.Equal([new("east", "A", 2)], (await _backend.Stock.GetReservationAsync("o1", default))!.Lines);
        await _backend.Stock.ReleaseAsync("o1", default);

        var east = (await _backend.GetStockAsync()).Single(s => s.LocationId == "east");
        Assert.Equal((4, 0), (east.OnHand, east.Reserved));
    }

    [ContractFact]
    public async Task Concurrent_reservations_never_oversell()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => _backend.Stock.ReserveAsync($"o{i}", [new("east", "A", 1)], default)));

        Assert.Equal(5, results.Count(r => r.Reserved));
        Assert.Equal(5, (await _backend.GetStockAsync()).Single(s => s.LocationId == "east").Reserved);
    }
}

/// <summary>The exception queue: upsert by id, open ones listed newest first, resolution kept.</summary>
public abstract class LifecycleExceptionStoreContract : IAsyncLifetime
{
    private IExceptionStorageBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await CreateBackendAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    protected abstract Task<IExceptionStorageBackend> CreateBackendAsync();

    [ContractFact]
    public async Task Exceptions_are_listed_newest_first_and_resolved_ones_leave_the_open_list()
    {
        var now = _backend.Time.GetUtcNow();
        var first = Sample("o1|insufficient-stock|1", "shopify", now);
        var second = Sample("o2|validation-failed|1", "amazon", now.AddMinutes(1));
        await _backend.Exceptions.UpsertAsync(first, default);
        await _backend.Exceptions.UpsertAsync(second, default);

        Assert.Equal([second.ExceptionId, first.ExceptionId], (await _backend.Exceptions.ListAsync(true, null, 10, default)).Select(e => e.ExceptionId));
        Assert.Equal([first.ExceptionId], (await _backend.Exceptions.ListAsync(true, "shopify", 10, default)).Select(e => e.ExceptionId));

        await _backend.Exceptions.UpsertAsync(first with { ResolvedAt = now.AddMinutes(2), Resolution = "retry", ResolvedBy = "operator:ann" }, default);

        Assert.Equal([second.ExceptionId], (await _backend.Exceptions.ListAsync(true, null, 10, default)).Select(e => e.ExceptionId));
        var stored = await _backend.Exceptions.GetAsync(first.ExceptionId, default);
        Assert.Equal(("retry", "operator:ann"), (stored!.Resolution, stored.ResolvedBy));
        Assert.Equal(first.Options, stored.Options);
        Assert.Equal(2, (await _backend.Exceptions.ListAsync(false, null, 10, default)).Count);
    }

    private static LifecycleException Sample(string id, string channel, DateTimeOffset at) => new()
    {
        ExceptionId = id,
        OrderId = id.Split('|')[0],
        Channel = channel,
        Kind = id.Split('|')[1],
        Description = "what happened",
        State = "validated",
        Options = ["retry", "cancel"],
        RecommendedAction = "retry",
        RaisedAt = at,
        Context = "{\"shortages\":[\"A@east\"]}",
    };
}

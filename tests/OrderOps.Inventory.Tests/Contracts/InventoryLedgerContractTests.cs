using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.Contracts;

/// <summary>
/// What every <see cref="IInventoryLedger"/> backend must do. Subclass per backend and supply <see cref="Ledger"/> (a
/// fresh, empty ledger per test); a subclass marked with a precondition (e.g. <c>[NeedsAzureServices]</c>) is skipped
/// with its reason when the precondition does not hold.
/// </summary>
public abstract partial class InventoryLedgerContractTests
{
    protected static readonly CancellationToken None = CancellationToken.None;

    protected abstract IInventoryLedger Ledger { get; }

    protected static StockMovement Movement(string id, string sku, string location, MovementType type, int quantity, string? to = null, string? order = null) =>
        new() { MovementId = id, Sku = sku, Location = location, Type = type, Quantity = quantity, ToLocation = to, OrderId = order };

    protected async Task ReceiveAsync(string sku, string location, int quantity) =>
        await Ledger.RecordMovementAsync(Movement($"rcv-{sku}-{location}-{Guid.NewGuid():N}", sku, location, MovementType.Receipt, quantity), None);

    protected async Task<StockBalance> BalanceAsync(string sku, string location) =>
        (await Ledger.GetBalancesAsync([sku], None)).SingleOrDefault(b => b.Location == location) ?? new StockBalance(sku, location, 0, 0);

    [ContractFact]
    public async Task Receipt_raises_on_hand_and_available()
    {
        await ReceiveAsync("A", "east", 10);
        var balance = await BalanceAsync("A", "east");
        Assert.Equal((10, 0, 10), (balance.OnHand, balance.Allocated, balance.Available));
    }

    [ContractFact]
    public async Task Same_movement_id_is_recorded_once_and_a_reused_id_with_other_content_is_refused()
    {
        var receipt = Movement("m-1", "A", "east", MovementType.Receipt, 5);
        Assert.Equal(MovementOutcome.Recorded, await Ledger.RecordMovementAsync(receipt, None));
        Assert.Equal(MovementOutcome.Duplicate, await Ledger.RecordMovementAsync(receipt, None));
        await Assert.ThrowsAsync<MovementConflictException>(() => Ledger.RecordMovementAsync(receipt with { Quantity = 6 }, None));
        Assert.Equal(5, (await BalanceAsync("A", "east")).OnHand);
    }

    [ContractFact]
    public async Task A_movement_id_reused_for_another_sku_is_refused_and_a_refused_movement_frees_its_id()
    {
        await Ledger.RecordMovementAsync(Movement("m-1", "A", "east", MovementType.Receipt, 5), None);
        await Assert.ThrowsAsync<MovementConflictException>(() => Ledger.RecordMovementAsync(Movement("m-1", "B", "east", MovementType.Receipt, 5), None));
        Assert.Empty(await Ledger.GetBalancesAsync(["B"], None));

        await Assert.ThrowsAsync<InsufficientStockException>(() => Ledger.RecordMovementAsync(Movement("m-2", "A", "east", MovementType.Adjustment, -6), None));
        Assert.Equal(MovementOutcome.Recorded, await Ledger.RecordMovementAsync(Movement("m-2", "B", "east", MovementType.Receipt, 1), None));
        Assert.Equal(1, (await BalanceAsync("B", "east")).OnHand);
    }

    [ContractFact]
    public async Task Skus_are_listed_in_order_a_page_at_a_time()
    {
        var skus = Enumerable.Range(0, 40).Select(i => $"SKU-{(i * 7) % 40:D2}").ToList();
        await Task.WhenAll(skus.Select(sku => ReceiveAsync(sku, "east", 1)));
        var listed = new List<string>();
        string? after = null;
        while ((await Ledger.ListSkusAsync(after, 15, None)) is { Count: > 0 } page)
        {
            listed.AddRange(page);
            after = page[^1];
        }

        Assert.Equal(skus.Order(StringComparer.Ordinal), listed);
        Assert.Equal(["SKU-38", "SKU-39"], await Ledger.ListSkusAsync("SKU-37", 10, None));
    }

    [ContractFact]
    public async Task Adjustment_cannot_take_on_hand_below_zero()
    {
        await ReceiveAsync("A", "east", 3);
        await Assert.ThrowsAsync<InsufficientStockException>(() => Ledger.RecordMovementAsync(Movement("adj", "A", "east", MovementType.Adjustment, -4), None));
        await Ledger.RecordMovementAsync(Movement("adj2", "A", "east", MovementType.Adjustment, -3), None);
        Assert.Equal(0, (await BalanceAsync("A", "east")).OnHand);
    }

    [ContractFact]
    public async Task Transfer_moves_only_unallocated_units()
    {
        await ReceiveAsync("A", "east", 10);
        Assert.Equal(ReservationStatus.Reserved, (await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 4)] }, None)).Status);
        await Assert.ThrowsAsync<InsufficientStockException>(() => Ledger.RecordMovementAsync(Movement("t1", "A", "east", MovementType.Transfer, 7, to: "west"), None));
        await Ledger.RecordMovementAsync(Movement("t2", "A", "east", MovementType.Transfer, 6, to: "west"), None);
        Assert.Equal(new StockBalance("A", "east", 4, 4), await BalanceAsync("A", "east"));
        Assert.Equal(new StockBalance("A", "west", 6, 0), await BalanceAsync("A", "west"));
    }

    [ContractFact]
    public async Task Lines_sharing_a_sku_are_reserved_together_from_one_location_when_possible()
    {
        await ReceiveAsync("A", "east", 2);
        await ReceiveAsync("A", "west", 5);
        await ReceiveAsync("B", "west", 1);
        var result = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 2), new("B", 1), new("A", 1)] }, None);
        Assert.Equal(ReservationStatus.Reserved, result.Status);
        Assert.Equal([new("A", "west", 3), new("B", "west", 1)], result.Allocations.OrderBy(a => a.Sku).ToList());
        Assert.Equal(3, (await BalanceAsync("A", "west")).Allocated);
    }

    [ContractFact]
    public async Task A_sku_is_split_across_locations_only_when_no_single_location_has_enough()
    {
        await ReceiveAsync("A", "east", 2);
        await ReceiveAsync("A", "west", 2);
        var result = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 3)], Locations = ["east", "west"] }, None);
        Assert.Equal([new("A", "east", 2), new("A", "west", 1)], result.Allocations);
    }

    [ContractFact]
    public async Task Reservation_is_all_or_nothing()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("B", "east", 1);
        var result = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 5), new("B", 2)] }, None);
        Assert.Equal(ReservationStatus.Insufficient, result.Status);
        Assert.Equal([new SkuQuantity("B", 1)], result.Shortages);
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
        Assert.Null(await Ledger.GetReservationAsync("o1", None));

        // Nothing was held, so the order may try again once stock arrives.
        await ReceiveAsync("B", "east", 1);
        Assert.Equal(ReservationStatus.Reserved, (await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 5), new("B", 2)] }, None)).Status);
    }

    [ContractFact]
    public async Task A_callers_own_allocation_is_held_exactly_even_where_the_ledger_would_plan_otherwise()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("A", "west", 5);
        await ReceiveAsync("B", "east", 5);
        var result = await Ledger.ReserveAsync(new ReservationRequest
        {
            OrderId = "o1",
            Lines = [new("A", 3), new("B", 1)],
            Allocations = [new("A", "west", 2), new("A", "east", 1), new("B", "east", 1)],
        }, None);
        Assert.Equal(ReservationStatus.Reserved, result.Status);
        Assert.Equal([new("A", "east", 1), new("A", "west", 2), new("B", "east", 1)], result.Allocations.OrderBy(a => a.Sku).ThenBy(a => a.Location).ToList());
        Assert.Equal(2, (await BalanceAsync("A", "west")).Allocated);
        Assert.Equal(1, (await BalanceAsync("A", "east")).Allocated);
    }

    [ContractFact]
    public async Task A_callers_allocation_beyond_what_its_locations_have_holds_nothing()
    {
        await ReceiveAsync("A", "east", 1);
        await ReceiveAsync("A", "west", 10);
        var result = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 2)], Allocations = [new("A", "east", 2)] }, None);
        Assert.Equal(ReservationStatus.Insufficient, result.Status);
        Assert.Equal([new SkuQuantity("A", 1)], result.Shortages);
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
        Assert.Equal(0, (await BalanceAsync("A", "west")).Allocated);
        Assert.Null(await Ledger.GetReservationAsync("o1", None));
    }

    [ContractFact]
    public async Task A_callers_allocation_that_does_not_add_up_to_the_lines_is_refused()
    {
        await ReceiveAsync("A", "east", 10);
        await Assert.ThrowsAsync<ArgumentException>(() => Ledger.ReserveAsync(
            new ReservationRequest { OrderId = "o1", Lines = [new("A", 2)], Allocations = [new("A", "east", 1)] }, None));
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
    }

    [ContractFact]
    public async Task Reserving_twice_for_one_order_returns_the_same_allocation_and_holds_once()
    {
        await ReceiveAsync("A", "east", 10);
        var request = new ReservationRequest { OrderId = "o1", Lines = [new("A", 3)] };
        var first = await Ledger.ReserveAsync(request, None);
        var second = await Ledger.ReserveAsync(request, None);
        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.Allocations, second.Allocations);
        Assert.Equal(3, (await BalanceAsync("A", "east")).Allocated);
    }

    [ContractFact]
    public async Task Releasing_twice_is_harmless_and_a_released_order_is_not_reserved_again()
    {
        await ReceiveAsync("A", "east", 10);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 3)] }, None);
        Assert.Equal([new LocationAllocation("A", "east", 3)], await Ledger.ReleaseAsync("o1", None));
        Assert.Empty(await Ledger.ReleaseAsync("o1", None));
        Assert.Empty(await Ledger.ReleaseAsync("never-reserved", None));
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
        var again = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 3)] }, None);
        Assert.Equal(ReservationStatus.Released, again.Status);
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
    }

    [ContractFact]
    public async Task Releasing_an_order_never_reserved_makes_a_later_reservation_for_it_hold_nothing()
    {
        await ReceiveAsync("A", "east", 10);
        Assert.Empty(await Ledger.ReleaseAsync("cancelled-first", None));
        var late = await Ledger.ReserveAsync(new ReservationRequest { OrderId = "cancelled-first", Lines = [new("A", 3)] }, None);
        Assert.Equal(ReservationStatus.Released, late.Status);
        Assert.Empty(late.Allocations);
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
        Assert.Equal(ReservationStatus.Released, (await Ledger.GetReservationAsync("cancelled-first", None))!.Status);
    }

    [ContractFact]
    public async Task Shipping_takes_held_units_out_of_on_hand_once_per_shipment_id()
    {
        await ReceiveAsync("A", "east", 10);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 4)] }, None);
        var partial = new ShipmentRequest("o1", "s1", [new("A", "east", 1)]);
        Assert.Single(await Ledger.ShipAsync(partial, None));
        Assert.Empty(await Ledger.ShipAsync(partial, None));
        Assert.Equal(new StockBalance("A", "east", 9, 3), await BalanceAsync("A", "east"));
        await Assert.ThrowsAsync<ReservationMismatchException>(() => Ledger.ShipAsync(new ShipmentRequest("o1", "s2", [new("A", "east", 4)]), None));
        Assert.Equal([new LocationAllocation("A", "east", 3)], await Ledger.ShipAsync(new ShipmentRequest("o1", "s3"), None));
        Assert.Equal(new StockBalance("A", "east", 6, 0), await BalanceAsync("A", "east"));
        Assert.Empty(await Ledger.ReleaseAsync("o1", None));
    }

    [ContractFact]
    public async Task A_reservation_moves_between_locations_only_if_the_destination_has_the_units()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("A", "west", 2);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 3)], Locations = ["east"] }, None);
        await Assert.ThrowsAsync<InsufficientStockException>(() => Ledger.MoveReservationAsync(new ReservationMove("mv1", "o1", "A", "east", "west", 3), None));
        Assert.Equal(3, (await BalanceAsync("A", "east")).Allocated);
        var moved = await Ledger.MoveReservationAsync(new ReservationMove("mv2", "o1", "A", "east", "west", 2), None);
        Assert.Equal([new("A", "east", 1), new("A", "west", 2)], moved.Allocations);
        await Ledger.MoveReservationAsync(new ReservationMove("mv2", "o1", "A", "east", "west", 2), None);
        Assert.Equal(new StockBalance("A", "east", 5, 1), await BalanceAsync("A", "east"));
        Assert.Equal(new StockBalance("A", "west", 2, 2), await BalanceAsync("A", "west"));
        await Assert.ThrowsAsync<ReservationMismatchException>(() => Ledger.MoveReservationAsync(new ReservationMove("mv3", "o1", "A", "east", "west", 2), None));
    }

    [ContractFact]
    public async Task Every_balance_change_is_in_the_change_log_in_commit_order()
    {
        var start = (await Ledger.ReadChangesAsync(0, 10_000, None)) is { Count: > 0 } existing ? existing[^1].Position : 0;
        await ReceiveAsync("A", "east", 5);
        await Ledger.RecordMovementAsync(Movement("t", "A", "east", MovementType.Transfer, 2, to: "west"), None);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 1)], Locations = ["west"] }, None);
        var changes = await Ledger.ReadChangesAsync(start, 100, None);
        Assert.Equal(
            [("east", 5, 0), ("east", 3, 0), ("west", 2, 0), ("west", 2, 1)],
            changes.Select(c => (c.Location, c.OnHand, c.Allocated)).ToList());
        Assert.True(changes.Zip(changes.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.Equal(changes.Skip(2).ToList(), await Ledger.ReadChangesAsync(changes[1].Position, 100, None));
    }

    [ContractFact]
    public async Task Pruning_forgets_only_old_entries_up_to_the_position()
    {
        await ReceiveAsync("A", "east", 1);
        await ReceiveAsync("A", "east", 1);
        var changes = await Ledger.ReadChangesAsync(0, 100, None);
        Assert.Equal(0, await Ledger.PruneChangesAsync(changes[^1].Position, DateTimeOffset.UtcNow.AddHours(-1), None));
        Assert.Equal(1, await Ledger.PruneChangesAsync(changes[0].Position, DateTimeOffset.UtcNow.AddMinutes(1), None));
        Assert.Equal([changes[1]], await Ledger.ReadChangesAsync(0, 100, None));
        Assert.Equal(2, (await BalanceAsync("A", "east")).OnHand);
    }

    [ContractFact]
    public async Task A_long_change_log_reads_back_whole_a_page_at_a_time_and_prunes_up_to_a_position()
    {
        var start = (await Ledger.ReadChangesAsync(0, 100_000, None)) is { Count: > 0 } existing ? existing[^1].Position : 0;
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async s =>
        {
            for (var i = 0; i < 25; i++)
            {
                await ReceiveAsync($"LOG-{s}", "east", 1);
            }
        }));

        var all = await Ledger.ReadChangesAsync(start, 100_000, None);
        Assert.Equal(250, all.Count);
        Assert.True(all.Zip(all.Skip(1)).All(p => p.First.Position < p.Second.Position));
        Assert.All(Enumerable.Range(0, 10), s => Assert.Equal(Enumerable.Range(1, 25), all.Where(c => c.Sku == $"LOG-{s}").Select(c => c.OnHand)));
        var paged = new List<InventoryChange>();
        var position = start;
        while ((await Ledger.ReadChangesAsync(position, 40, None)) is { Count: > 0 } page)
        {
            paged.AddRange(page);
            position = page[^1].Position;
        }

        Assert.Equal(all, paged);
        Assert.Equal(160, await Ledger.PruneChangesAsync(all[159].Position, DateTimeOffset.UtcNow.AddMinutes(1), None));
        Assert.Equal(all.Skip(160), await Ledger.ReadChangesAsync(0, 100_000, None));
    }

    [ContractFact]
    public async Task A_thousand_concurrent_reservations_against_100_units_in_3_locations_reserve_exactly_100()
    {
        await ReceiveAsync("HOT", "east", 40);
        await ReceiveAsync("HOT", "west", 35);
        await ReceiveAsync("HOT", "store", 25);
        var results = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() =>
            Ledger.ReserveAsync(new ReservationRequest { OrderId = $"order-{i}", Lines = [new("HOT", 1)] }, None))));

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(900, results.Count(r => r.Status == ReservationStatus.Insufficient));
        await AssertConsistentAsync("HOT", results);
    }

    [ContractFact]
    public async Task Concurrent_multi_line_orders_and_reservation_moves_never_over_allocate()
    {
        await ReceiveAsync("S", "east", 30);
        await ReceiveAsync("S", "west", 30);
        await ReceiveAsync("S", "store", 30);
        var random = new Random(7);
        var work = Enumerable.Range(0, 400).Select(i =>
        {
            var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new ReservationLine("S", random.Next(1, 3))).ToList();
            return Task.Run(async () =>
            {
                var result = await Ledger.ReserveAsync(new ReservationRequest { OrderId = $"o{i}", Lines = lines }, None);
                if (result.Status == ReservationStatus.Reserved && i % 3 == 0)
                {
                    var from = result.Allocations[0];
                    var to = new[] { "east", "west", "store" }.First(l => l != from.Location);
                    try
                    {
                        await Ledger.MoveReservationAsync(new ReservationMove($"mv{i}", $"o{i}", "S", from.Location, to, 1), None);
                    }
                    catch (InsufficientStockException)
                    {
                        // The destination was sold out meanwhile: the order keeps its units where they were.
                    }
                }

                return result;
            });
        });
        var results = await Task.WhenAll(work);
        var reservedUnits = 0;
        foreach (var result in results.Where(r => r.Status == ReservationStatus.Reserved))
        {
            reservedUnits += (await Ledger.GetReservationAsync(result.OrderId, None))!.Allocations.Sum(a => a.Quantity);
        }

        Assert.InRange(reservedUnits, 1, 90);
        await AssertConsistentAsync("S", results);
    }

    [ContractFact]
    public async Task Concurrent_reserves_and_releases_of_one_order_hold_its_units_at_most_once()
    {
        await ReceiveAsync("A", "east", 10);
        var request = new ReservationRequest { OrderId = "dup", Lines = [new("A", 3)] };
        var reserves = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Ledger.ReserveAsync(request, None))));
        Assert.Single(reserves, r => !r.AlreadyExisted);
        Assert.All(reserves, r => Assert.Equal([new LocationAllocation("A", "east", 3)], r.Allocations));
        Assert.Equal(3, (await BalanceAsync("A", "east")).Allocated);

        var releases = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Ledger.ReleaseAsync("dup", None))));
        Assert.Single(releases, r => r.Count > 0);
        Assert.Equal(0, (await BalanceAsync("A", "east")).Allocated);
    }

    [ContractFact]
    public async Task Balances_equal_the_sum_of_movements()
    {
        await ReceiveAsync("A", "east", 10);
        await Ledger.RecordMovementAsync(Movement("adj", "A", "east", MovementType.Adjustment, -1), None);
        await Ledger.RecordMovementAsync(Movement("ret", "A", "west", MovementType.Return, 2), None);
        await Ledger.RecordMovementAsync(Movement("t", "A", "east", MovementType.Transfer, 3, to: "west"), None);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 5)] }, None);
        await Ledger.ShipAsync(new ShipmentRequest("o1", "s1"), None);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o2", Lines = [new("A", 2)] }, None);
        await Ledger.ReleaseAsync("o2", None);
        await Ledger.RecordMovementAsync(Movement("alloc", "A", "east", MovementType.Allocation, 1, order: "o3"), None);
        await AssertConsistentAsync("A", []);
    }

    /// <summary>Replays the SKU's movements and checks they add up to the stored balances, and that nothing is over-allocated.</summary>
    protected async Task AssertConsistentAsync(string sku, IReadOnlyList<ReservationResult> reservations)
    {
        var derived = new Dictionary<string, (int OnHand, int Allocated)>();
        void Add(string location, int onHand, int allocated)
        {
            var current = derived.GetValueOrDefault(location);
            derived[location] = (current.OnHand + onHand, current.Allocated + allocated);
        }

        foreach (var m in await Ledger.GetMovementsAsync(sku, 0, 1_000_000, None))
        {
            switch (m.Type)
            {
                case MovementType.Receipt or MovementType.Return or MovementType.Adjustment: Add(m.Location, m.Quantity, 0); break;
                case MovementType.Transfer: Add(m.Location, -m.Quantity, 0); Add(m.ToLocation!, m.Quantity, 0); break;
                case MovementType.Allocation: Add(m.Location, 0, m.Quantity); break;
                case MovementType.Release: Add(m.Location, 0, -m.Quantity); break;
                case MovementType.Shipment: Add(m.Location, -m.Quantity, -m.Quantity); break;
            }
        }

        var balances = await Ledger.GetBalancesAsync([sku], None);
        Assert.Equal(derived.OrderBy(d => d.Key).Select(d => (d.Key, d.Value.OnHand, d.Value.Allocated)).ToList(),
            balances.OrderBy(b => b.Location).Select(b => (b.Location, b.OnHand, b.Allocated)).ToList());
        Assert.All(balances, b => Assert.InRange(b.Allocated, 0, b.OnHand));

        var held = new Dictionary<string, int>();
        foreach (var reservation in reservations.Where(r => r.Status == ReservationStatus.Reserved))
        {
            foreach (var a in (await Ledger.GetReservationAsync(reservation.OrderId, None))!.Allocations.Where(a => a.Sku == sku))
            {
                held[a.Location] = held.GetValueOrDefault(a.Location) + a.Quantity;
            }
        }

        if (reservations.Count > 0)
        {
            Assert.All(balances, b => Assert.Equal(b.Allocated, held.GetValueOrDefault(b.Location)));
        }
    }
}

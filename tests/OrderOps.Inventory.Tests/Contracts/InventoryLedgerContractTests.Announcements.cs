using OrderOps.Core.Inventory;
using OrderOps.Core.Inventory.FanOut;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.Contracts;

/// <summary>
/// The fan-out's wake-up: every commit that changes balances puts one <see cref="InventoryChangedMessage"/> naming exactly
/// the SKUs it touched on <see cref="QueueNames.InventoryChanges"/>, and a call that changes nothing puts none. Both
/// ledgers send before the call returns, so "none" is checked right after the call, not after a wait.
/// </summary>
public abstract partial class InventoryLedgerContractTests
{
    /// <summary>The messages the ledger put on <see cref="QueueNames.InventoryChanges"/> since the last call, oldest first.</summary>
    protected abstract Task<IReadOnlyList<InventoryChangedMessage>> TakeAnnouncedChangesAsync();

    private async Task<IReadOnlyList<string>> OneAnnouncementAsync()
    {
        var message = Assert.Single(await TakeAnnouncedChangesAsync());
        return message.Skus;
    }

    [ContractFact]
    public async Task A_stock_movement_announces_its_sku_once_and_a_repeat_or_refusal_announces_nothing()
    {
        var receipt = Movement("m-1", "A", "east", MovementType.Receipt, 5);
        await Ledger.RecordMovementAsync(receipt, None);
        Assert.Equal(["A"], await OneAnnouncementAsync());

        await Ledger.RecordMovementAsync(receipt, None);
        await Assert.ThrowsAsync<InsufficientStockException>(() => Ledger.RecordMovementAsync(Movement("m-2", "A", "east", MovementType.Adjustment, -6), None));
        Assert.Empty(await TakeAnnouncedChangesAsync());

        await Ledger.RecordMovementAsync(Movement("m-3", "A", "east", MovementType.Transfer, 2, to: "west"), None);
        Assert.Equal(["A"], await OneAnnouncementAsync());
    }

    [ContractFact]
    public async Task Reserve_ship_and_release_each_announce_exactly_the_skus_they_touched()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("B", "east", 5);
        await ReceiveAsync("C", "east", 5);
        await TakeAnnouncedChangesAsync();

        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("B", 1), new("A", 2)] }, None);
        Assert.Equal(["A", "B"], await OneAnnouncementAsync());

        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("B", 1), new("A", 2)] }, None);
        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o2", Lines = [new("C", 9)] }, None);
        Assert.Empty(await TakeAnnouncedChangesAsync());

        await Ledger.ShipAsync(new ShipmentRequest("o1", "s1", [new("A", "east", 2)]), None);
        Assert.Equal(["A"], await OneAnnouncementAsync());

        await Ledger.ReleaseAsync("o1", None);
        Assert.Equal(["B"], await OneAnnouncementAsync());

        await Ledger.ReleaseAsync("o1", None);
        Assert.Empty(await TakeAnnouncedChangesAsync());
    }

    [ContractFact]
    public async Task Giving_reserved_units_back_is_announced_as_released_and_nothing_else_is()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("A", "west", 5);
        await ReceiveAsync("B", "east", 5);
        Assert.All(await TakeAnnouncedChangesAsync(), m => Assert.Null(m.Released));

        await Ledger.ReserveAsync(new ReservationRequest { OrderId = "o1", Lines = [new("A", 2), new("B", 2)] }, None);
        await Ledger.ShipAsync(new ShipmentRequest("o1", "s1", [new("B", "east", 1)]), None);
        Assert.All(await TakeAnnouncedChangesAsync(), m => Assert.Null(m.Released));

        // The order's lifecycle gives its reservation back (a cancel): what it still held is available again.
        await Ledger.ReleaseAsync("o1", None);
        var released = Assert.Single(await TakeAnnouncedChangesAsync());
        Assert.Equal(["A", "B"], released.Skus);
        Assert.Equal(["A", "B"], released.Released);

        // A reservation moved away frees units where it was; a release movement from the API gives them back too.
        await Ledger.RecordMovementAsync(Movement("alloc-2", "A", "east", MovementType.Allocation, 2, order: "o2"), None);
        await TakeAnnouncedChangesAsync();
        await Ledger.MoveReservationAsync(new ReservationMove("mv-2", "o2", "A", "east", "west", 1), None);
        Assert.Equal(["A"], Assert.Single(await TakeAnnouncedChangesAsync()).Released);
        await Ledger.RecordMovementAsync(Movement("rel-2", "A", "west", MovementType.Release, 1, order: "o2"), None);
        Assert.Equal(["A"], Assert.Single(await TakeAnnouncedChangesAsync()).Released);
    }

    [ContractFact]
    public async Task Order_movements_and_reservation_moves_announce_their_sku()
    {
        await ReceiveAsync("A", "east", 5);
        await ReceiveAsync("A", "west", 5);
        await TakeAnnouncedChangesAsync();

        await Ledger.RecordMovementAsync(Movement("alloc-1", "A", "east", MovementType.Allocation, 2, order: "o1"), None);
        Assert.Equal(["A"], await OneAnnouncementAsync());

        await Ledger.MoveReservationAsync(new ReservationMove("mv-1", "o1", "A", "east", "west", 1), None);
        Assert.Equal(["A"], await OneAnnouncementAsync());

        await Ledger.RecordMovementAsync(Movement("ship-1", "A", "west", MovementType.Shipment, 1, order: "o1"), None);
        Assert.Equal(["A"], await OneAnnouncementAsync());
    }
}

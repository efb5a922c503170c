using System.Text.Json;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Time.Testing;
using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Testing.Azure;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>
/// What the Cosmos DB ledger's design promises beyond the contract: an order operation killed halfway (the process
/// dies at a chosen request, <see cref="KillSwitch"/>) holds no units for ever — the order's next call, on another
/// ledger instance once the intent's lease and clock-skew allowance have passed, finishes or undoes it — and a driver
/// that merely stalled cannot write after its intent was taken over. After each, the balances equal the sum of the
/// movements and the units the orders hold, and no unconfirmed step is left in a SKU document.
/// </summary>
[NeedsAzureServices]
public sealed class AzureInventoryLedgerCrashTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private static readonly ReservationRequest TwoSkus = new() { OrderId = "o1", Lines = [new("A", 2), new("B", 3)] };
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly CosmosInventoryLedgerOptions _options = new();
    private readonly List<CosmosClient> _clients = [];
    private AzureInventoryBackend _backend = null!;
    private CosmosInventoryLedger _ledger = null!;

    public async Task InitializeAsync()
    {
        _backend = await AzureInventoryBackend.CreateAsync();
        _ledger = _backend.CreateLedger(_time, _options);
        foreach (var sku in new[] { "A", "B" })
        {
            await _ledger.RecordMovementAsync(new StockMovement { MovementId = $"rcv-{sku}", Sku = sku, Location = "east", Type = MovementType.Receipt, Quantity = 5 }, None);
        }
    }

    public async Task DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _backend.DisposeAsync();
    }

    [ContractFact]
    public async Task A_reservation_killed_after_its_first_sku_step_is_undone_by_the_orders_next_call_which_then_reserves()
    {
        var dying = DyingLedger(new KillSwitch(CosmosRequests.WriteTo(_backend.Options.InventoryContainer), occurrence: 2));
        await Assert.ThrowsAsync<ProcessKilledException>(() => dying.ReserveAsync(TwoSkus, None));

        // Exactly one SKU holds units for an order that has no reservation: the half-applied saga.
        var halfApplied = Assert.Single(await _ledger.GetBalancesAsync(["A", "B"], None), b => b.Allocated > 0);
        Assert.Null(await _ledger.GetReservationAsync("o1", None));

        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        var result = await _ledger.ReserveAsync(TwoSkus, None);

        Assert.Equal((ReservationStatus.Reserved, false), (result.Status, result.AlreadyExisted));
        await AssertConsistentAsync(("o1", [new("A", "east", 2), new("B", "east", 3)]));
        // The crashed instance's change-log entry was committed with its step and is appended late, not lost:
        // received, held by the crashed attempt, given back by the recovery, held by the new attempt.
        var changes = await _ledger.ReadChangesAsync(0, 100, None);
        var held = halfApplied.Allocated;
        Assert.Equal([0, held, 0, held], changes.Where(c => c.Sku == halfApplied.Sku).Select(c => c.Allocated).ToList());
    }

    [ContractFact]
    public async Task A_reservation_killed_after_all_its_steps_but_before_its_commit_is_finished_by_the_next_call()
    {
        var commit = CosmosRequests.WriteTo(_backend.Options.InventoryMetaContainer);
        var dying = DyingLedger(new KillSwitch(r => commit(r) && r.Method == HttpMethod.Put && r.RequestUri.OriginalString.EndsWith("/docs/order", StringComparison.Ordinal)));
        await Assert.ThrowsAsync<ProcessKilledException>(() => dying.ReserveAsync(TwoSkus, None));
        Assert.Null(await _ledger.GetReservationAsync("o1", None));

        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        var result = await _ledger.ReserveAsync(TwoSkus, None);

        Assert.Equal((ReservationStatus.Reserved, true), (result.Status, result.AlreadyExisted));
        await AssertConsistentAsync(("o1", [new("A", "east", 2), new("B", "east", 3)]));
    }

    [ContractFact]
    public async Task Steps_a_crash_left_unconfirmed_after_the_commit_are_confirmed_by_the_repair()
    {
        // Writes 1 and 2 are the steps; the third inventory write is the first confirmation. The commit went through,
        // so the dying instance still answered Reserved (a confirmation that fails is left to the repair).
        var kill = new KillSwitch(CosmosRequests.WriteTo(_backend.Options.InventoryContainer), occurrence: 3);
        Assert.Equal(ReservationStatus.Reserved, (await DyingLedger(kill).ReserveAsync(TwoSkus, None)).Status);
        Assert.True(kill.Dead);

        Assert.Equal(ReservationStatus.Reserved, (await _ledger.GetReservationAsync("o1", None))!.Status);
        Assert.Equal((1, 1), (await PendingStepsAsync("A"), await PendingStepsAsync("B")));
        Assert.Equal(0, await _ledger.RepairAsync("A", None));

        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _ledger.RepairAsync("A", None));
        Assert.Equal(1, await _ledger.RepairAsync("B", None));

        await AssertConsistentAsync(("o1", [new("A", "east", 2), new("B", "east", 3)]));
        Assert.Contains(await _ledger.GetMovementsAsync("A", 0, 100, None), m => m.MovementId == "ledger:reserve:o1:A:east");
    }

    [ContractFact]
    public async Task Steps_a_crash_left_unconfirmed_are_repaired_in_the_background_when_their_sku_is_next_written()
    {
        var kill = new KillSwitch(CosmosRequests.WriteTo(_backend.Options.InventoryContainer), occurrence: 3);
        await DyingLedger(kill).ReserveAsync(TwoSkus, None);
        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));

        await _ledger.RecordMovementAsync(new StockMovement { MovementId = "rcv-A-2", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 1 }, None);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await PendingStepsAsync("A") > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal((0, 1), (await PendingStepsAsync("A"), await PendingStepsAsync("B")));
    }

    [ContractFact]
    public async Task A_release_killed_after_its_first_sku_step_is_finished_by_the_next_call()
    {
        await _ledger.ReserveAsync(TwoSkus, None);
        var dying = DyingLedger(new KillSwitch(CosmosRequests.WriteTo(_backend.Options.InventoryContainer), occurrence: 2));
        await Assert.ThrowsAsync<ProcessKilledException>(() => dying.ReleaseAsync("o1", None));
        Assert.Equal(1, (await _ledger.GetBalancesAsync(["A", "B"], None)).Count(b => b.Allocated > 0));

        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        await _ledger.ReleaseAsync("o1", None);

        Assert.Equal(ReservationStatus.Released, (await _ledger.GetReservationAsync("o1", None))!.Status);
        Assert.All(await _ledger.GetBalancesAsync(["A", "B"], None), b => Assert.Equal(0, b.Allocated));
        await AssertConsistentAsync(("o1", []));
    }

    [ContractFact]
    public async Task A_stalled_drivers_late_step_is_refused_after_its_intent_was_taken_over()
    {
        // Enough of B for the stalled step to fit beside the new reservation, so only the lease can stop it.
        await _ledger.RecordMovementAsync(new StockMovement { MovementId = "rcv-B-2", Sku = "B", Location = "east", Type = MovementType.Receipt, Quantity = 5 }, None);
        var gate = new RequestGate(CosmosRequests.WriteTo(_backend.Options.InventoryContainer, partitionKey: "B"));
        var stalledReserve = DyingLedger(gate).ReserveAsync(TwoSkus, None);
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // Its lease runs out while its write to B is on the way; another instance takes the order over and reserves it.
        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        Assert.Equal(ReservationStatus.Reserved, (await _ledger.ReserveAsync(TwoSkus, None)).Status);
        gate.Open();

        // Its write loses the If-Match race; on the fresh read its lease has run out, so it does not try again.
        await Assert.ThrowsAsync<IntentLeaseExpiredException>(() => stalledReserve);
        await AssertConsistentAsync(("o1", [new("A", "east", 2), new("B", "east", 3)]));
    }

    [ContractFact]
    public async Task The_recovery_fences_every_sku_of_the_intent_so_a_stalled_write_cannot_land_where_nothing_else_wrote()
    {
        var gate = new RequestGate(CosmosRequests.WriteTo(_backend.Options.InventoryContainer, partitionKey: "B"));
        var stalledReserve = DyingLedger(gate).ReserveAsync(TwoSkus, None);
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        // The next call for the order is a release: it undoes the abandoned reservation and writes nothing else to B.
        _time.Advance(_options.RecoverAfter + TimeSpan.FromSeconds(1));
        Assert.Empty(await _ledger.ReleaseAsync("o1", None));
        gate.Open();

        // The stalled write was checked against its lease before it stalled; only the fence makes it fail now.
        await Assert.ThrowsAsync<IntentLeaseExpiredException>(() => stalledReserve);
        // The release found nothing reserved once the attempt was undone, so it recorded the order as released.
        Assert.Equal(ReservationStatus.Released, (await _ledger.GetReservationAsync("o1", None))!.Status);
        await AssertConsistentAsync(("o1", []));
    }

    /// <summary>A second ledger instance (its own identity and writers) whose Cosmos DB requests go through <paramref name="handler"/>.</summary>
    private CosmosInventoryLedger DyingLedger(RequestHandler handler)
    {
        var client = AzureInventoryBackend.CreateClient(handler);
        _clients.Add(client);
        return _backend.CreateLedger(_time, _options with { InstanceId = "dying" }, client);
    }

    private async Task<int> PendingStepsAsync(string sku)
    {
        using var response = await _backend.InventoryContainer.ReadItemStreamAsync("stock", new PartitionKey(sku));
        using var document = await JsonDocument.ParseAsync(response.Content);
        return document.RootElement.GetProperty("steps").GetArrayLength();
    }

    /// <summary>Per SKU: balances = sum of movements; allocated = what the orders hold; no step left unresolved.</summary>
    private async Task AssertConsistentAsync(params (string OrderId, LocationAllocation[] Held)[] orders)
    {
        foreach (var (orderId, held) in orders)
        {
            Assert.Equal(held.OrderBy(h => h.Sku).ToList(), (await _ledger.GetReservationAsync(orderId, None))?.Allocations ?? []);
        }

        foreach (var sku in new[] { "A", "B" })
        {
            var derived = new Dictionary<string, (int OnHand, int Allocated)>();
            foreach (var m in await _ledger.GetMovementsAsync(sku, 0, 1000, None))
            {
                var (onHand, allocated) = m.Type switch
                {
                    MovementType.Receipt => (m.Quantity, 0),
                    MovementType.Allocation => (0, m.Quantity),
                    MovementType.Release => (0, -m.Quantity),
                    MovementType.Shipment => (-m.Quantity, -m.Quantity),
                    _ => throw new InvalidOperationException($"Unexpected {m.Type} movement."),
                };
                var current = derived.GetValueOrDefault(m.Location);
                derived[m.Location] = (current.OnHand + onHand, current.Allocated + allocated);
            }

            var balance = Assert.Single(await _ledger.GetBalancesAsync([sku], None));
            Assert.Equal(derived["east"], (balance.OnHand, balance.Allocated));
            Assert.Equal(orders.SelectMany(o => o.Held).Where(h => h.Sku == sku).Sum(h => h.Quantity), balance.Allocated);
            Assert.Equal(0, await PendingStepsAsync(sku));
        }
    }
}

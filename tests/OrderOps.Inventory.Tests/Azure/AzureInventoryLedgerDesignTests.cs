using OrderOps.Core.Inventory;
using OrderOps.Storage.Azure.Inventory;
using OrderOps.Testing.Azure;

namespace OrderOps.Inventory.Tests.Azure;

/// <summary>
/// What the Cosmos DB ledger's design adds beyond the contract: movements leave the SKU document for documents of their
/// own without losing idempotency or order, and a Function app's ledger keeps no change log (its trigger reads the
/// real change feed).
/// </summary>
[NeedsAzureServices]
public sealed class AzureInventoryLedgerDesignTests : IAsyncLifetime
{
    private static readonly CancellationToken None = CancellationToken.None;
    private AzureInventoryBackend _backend = null!;

    public async Task InitializeAsync() => _backend = await AzureInventoryBackend.CreateAsync();

    public async Task DisposeAsync() => await _backend.DisposeAsync();

    [ContractFact]
    public async Task Movements_copied_out_of_the_sku_document_are_still_recognised_and_read_back_in_order()
    {
        var ledger = _backend.CreateLedger(options: new CosmosInventoryLedgerOptions { OutboxFlushThreshold = 3 });
        var receipts = Enumerable.Range(1, 10)
            .Select(i => new StockMovement { MovementId = $"r{i}", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = i })
            .ToList();
        foreach (var receipt in receipts)
        {
            await ledger.RecordMovementAsync(receipt, None);
        }

        // r1 was copied into its own document long ago: repeating it must not count it twice.
        Assert.Equal(MovementOutcome.Duplicate, await ledger.RecordMovementAsync(receipts[0], None));
        Assert.Equal(55, Assert.Single(await ledger.GetBalancesAsync(["A"], None)).OnHand);

        var movements = await ledger.GetMovementsAsync("A", 0, 100, None);
        Assert.Equal(receipts.Select(r => r.MovementId), movements.Select(m => m.MovementId));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), movements.Select(m => m.Sequence));
        Assert.Equal(["r6", "r7"], (await ledger.GetMovementsAsync("A", 5, 2, None)).Select(m => m.MovementId));
    }

    [ContractFact]
    public async Task A_function_apps_ledger_keeps_no_change_log_and_says_where_the_changes_are()
    {
        var ledger = _backend.CreateLedger(options: new CosmosInventoryLedgerOptions { ChangeLog = false });
        await ledger.RecordMovementAsync(new StockMovement { MovementId = "r1", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 1 }, None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ledger.ReadChangesAsync(0, 10, None));
        Assert.Contains("change feed", error.Message, StringComparison.Ordinal);
        Assert.Empty(await _backend.CreateLedger().ReadChangesAsync(0, 10, None));
    }

    [ContractFact]
    public async Task Two_instances_reserving_one_sku_at_once_never_over_allocate()
    {
        // Two ledger instances stand for two app instances: separate write queues, so only the If-Match keeps them apart.
        var (first, second) = (_backend.CreateLedger(), _backend.CreateLedger());
        await first.RecordMovementAsync(new StockMovement { MovementId = "r-east", Sku = "HOT", Location = "east", Type = MovementType.Receipt, Quantity = 30 }, None);
        await second.RecordMovementAsync(new StockMovement { MovementId = "r-west", Sku = "HOT", Location = "west", Type = MovementType.Receipt, Quantity = 20 }, None);

        var results = await Task.WhenAll(Enumerable.Range(0, 120).Select(i => Task.Run(() =>
            (i % 2 == 0 ? first : second).ReserveAsync(new ReservationRequest { OrderId = $"o{i}", Lines = [new("HOT", 1)] }, None))));

        Assert.Equal(50, results.Count(r => r.Status == ReservationStatus.Reserved));
        var balances = await first.GetBalancesAsync(["HOT"], None);
        Assert.Equal([("east", 30, 30), ("west", 20, 20)], balances.OrderBy(b => b.Location).Select(b => (b.Location, b.OnHand, b.Allocated)));
        var movements = await second.GetMovementsAsync("HOT", 0, 1000, None);
        Assert.Equal(50, movements.Count(m => m.Type == MovementType.Allocation));
    }

    [ContractFact]
    public async Task Two_instances_reserving_multi_sku_orders_at_once_hold_exactly_what_their_orders_hold()
    {
        var ledgers = new[] { _backend.CreateLedger(), _backend.CreateLedger() };
        foreach (var sku in new[] { "A", "B" })
        {
            await ledgers[0].RecordMovementAsync(new StockMovement { MovementId = $"r-{sku}", Sku = sku, Location = "east", Type = MovementType.Receipt, Quantity = 20 }, None);
        }

        // Orders needing both SKUs in different proportions: some steps succeed on one SKU and are undone on the other.
        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(() => ledgers[i % 2].ReserveAsync(
            new ReservationRequest { OrderId = $"o{i}", Lines = [new("A", 1 + (i % 3)), new("B", 1 + ((i + 1) % 3))] }, None))));

        Assert.Contains(results, r => r.Status == ReservationStatus.Reserved);
        Assert.Contains(results, r => r.Status == ReservationStatus.Insufficient);
        foreach (var sku in new[] { "A", "B" })
        {
            var balance = Assert.Single(await ledgers[1].GetBalancesAsync([sku], None));
            var held = 0;
            foreach (var reserved in results.Where(r => r.Status == ReservationStatus.Reserved))
            {
                held += (await ledgers[0].GetReservationAsync(reserved.OrderId, None))!.Allocations.Where(a => a.Sku == sku).Sum(a => a.Quantity);
            }

            var movements = await ledgers[0].GetMovementsAsync(sku, 0, 1000, None);
            var allocatedByMovements = movements.Sum(m => m.Type switch { MovementType.Allocation => m.Quantity, MovementType.Release => -m.Quantity, _ => 0 });
            Assert.Equal((20, held, held), (balance.OnHand, balance.Allocated, allocatedByMovements));
            Assert.InRange(balance.Allocated, 1, 20);
        }
    }

    [ContractFact]
    public async Task Two_instances_writing_one_sku_at_once_lose_no_movement_and_log_every_change_exactly_once()
    {
        // One receipt at a time per instance: many small commits, each racing the other instance's.
        var ledgers = new[] { _backend.CreateLedger(), _backend.CreateLedger() };
        await Task.WhenAll(ledgers.Select((ledger, n) => Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await ledger.RecordMovementAsync(new StockMovement { MovementId = $"r{n}-{i}", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 1 }, None);
            }
        })));

        Assert.Equal(60, Assert.Single(await ledgers[0].GetBalancesAsync(["A"], None)).OnHand);
        Assert.Equal(60, (await ledgers[1].GetMovementsAsync("A", 0, 1000, None)).Count);
        // Each instance appends its own commits, so across instances the log is ordered per instance only; but every
        // balance the SKU went through is there once, none twice, none missing.
        var changes = await ledgers[0].ReadChangesAsync(0, 1000, None);
        Assert.Equal(Enumerable.Range(1, 60), changes.Select(c => c.OnHand).Order());
    }
}

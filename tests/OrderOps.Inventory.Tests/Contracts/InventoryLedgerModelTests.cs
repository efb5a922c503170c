using OrderOps.Core.Inventory;
using OrderOps.Core.Ports;

namespace OrderOps.Inventory.Tests.Contracts;

/// <summary>
/// Random operation sequences run against the ledger and against a plain in-memory model of the rules; after
/// every step both must agree on whether it was allowed and on every balance. Subclass per backend.
/// </summary>
public abstract class InventoryLedgerModelTests
{
    private static readonly string[] Skus = ["A", "B"];
    private static readonly string[] Locations = ["east", "west", "store"];

    /// <summary>A fresh, empty ledger (each seed gets its own).</summary>
    protected abstract Task<IInventoryLedger> CreateLedgerAsync();

    [ContractTheory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Random_operations_agree_with_the_model(int seed)
    {
        var ledger = await CreateLedgerAsync();
        var random = new Random(seed);
        var onHand = new Dictionary<(string, string), int>();
        var held = new Dictionary<string, Dictionary<(string Sku, string Location), int>>();
        var released = new HashSet<string>();
        int Avail(string sku, string location) => onHand.GetValueOrDefault((sku, location)) - held.Values.Sum(h => h.GetValueOrDefault((sku, location)));
        var none = CancellationToken.None;

        for (var step = 0; step < 250; step++)
        {
            var sku = Skus[random.Next(Skus.Length)];
            var location = Locations[random.Next(Locations.Length)];
            var id = $"s{seed}-{step}";
            var kind = random.Next(7);
            bool expected;
            bool actual;
            switch (kind)
            {
                case 0:
                    var quantity = random.Next(1, 6);
                    await ledger.RecordMovementAsync(new StockMovement { MovementId = id, Sku = sku, Location = location, Type = MovementType.Receipt, Quantity = quantity }, none);
                    onHand[(sku, location)] = onHand.GetValueOrDefault((sku, location)) + quantity;
                    expected = actual = true;
                    break;
                case 1:
                    var delta = random.Next(-4, 4) is var d && d >= 0 ? d + 1 : d;
                    expected = onHand.GetValueOrDefault((sku, location)) + delta >= 0;
                    actual = await Succeeds(() => ledger.RecordMovementAsync(new StockMovement { MovementId = id, Sku = sku, Location = location, Type = MovementType.Adjustment, Quantity = delta }, none));
                    if (expected)
                    {
                        onHand[(sku, location)] = onHand.GetValueOrDefault((sku, location)) + delta;
                    }

                    break;
                case 2:
                    var to = Locations.First(l => l != location);
                    var moved = random.Next(1, 4);
                    expected = Avail(sku, location) >= moved;
                    actual = await Succeeds(() => ledger.RecordMovementAsync(new StockMovement { MovementId = id, Sku = sku, Location = location, Type = MovementType.Transfer, Quantity = moved, ToLocation = to }, none));
                    if (expected)
                    {
                        onHand[(sku, location)] -= moved;
                        onHand[(sku, to)] = onHand.GetValueOrDefault((sku, to)) + moved;
                    }

                    break;
                case 3:
                    var lines = Enumerable.Range(0, random.Next(1, 4)).Select(_ => new ReservationLine(Skus[random.Next(Skus.Length)], random.Next(1, 3))).ToList();
                    var request = new ReservationRequest { OrderId = id, Lines = lines, Locations = Locations };
                    var available = new Dictionary<(string, string), int>();
                    foreach (var s in Skus)
                    {
                        foreach (var l in Locations)
                        {
                            available[(s, l)] = Avail(s, l);
                        }
                    }

                    var plan = AllocationPlanner.Plan(request.Totals(), available, Locations);
                    var result = await ledger.ReserveAsync(request, none);
                    expected = plan.IsComplete;
                    actual = result.Status == ReservationStatus.Reserved;
                    if (expected)
                    {
                        Assert.Equal(plan.Allocations, result.Allocations);
                        held[id] = plan.Allocations.ToDictionary(a => (a.Sku, a.Location), a => a.Quantity);
                    }

                    break;
                case 4 when held.Count > 0:
                    var order = held.Keys.ElementAt(random.Next(held.Count));
                    var releasedNow = await ledger.ReleaseAsync(order, none);
                    Assert.Equal(held[order].Values.Sum(), releasedNow.Sum(r => r.Quantity));
                    held.Remove(order);
                    released.Add(order);
                    expected = actual = true;
                    break;
                case 5 when held.Count > 0:
                    var shipping = held.Keys.ElementAt(random.Next(held.Count));
                    var shipped = await ledger.ShipAsync(new ShipmentRequest(shipping, id), none);
                    foreach (var line in shipped)
                    {
                        onHand[(line.Sku, line.Location)] -= line.Quantity;
                    }

                    Assert.Equal(held[shipping].Values.Sum(), shipped.Sum(s => s.Quantity));
                    held.Remove(shipping);
                    expected = actual = true;
                    break;
                case 6 when held.Count > 0:
                    var owner = held.Keys.ElementAt(random.Next(held.Count));
                    var (from, units) = held[owner].First(h => h.Value > 0);
                    var target = Locations.First(l => l != from.Location);
                    expected = Avail(from.Sku, target) >= 1;
                    actual = await Succeeds(() => ledger.MoveReservationAsync(new ReservationMove(id, owner, from.Sku, from.Location, target, 1), none));
                    if (expected)
                    {
                        held[owner][from] = units - 1;
                        held[owner][(from.Sku, target)] = held[owner].GetValueOrDefault((from.Sku, target)) + 1;
                        if (held[owner][from] == 0)
                        {
                            held[owner].Remove(from);
                        }
                    }

                    break;
                default:
                    continue;
            }

            Assert.True(expected == actual, $"seed {seed} step {step} kind {kind}: model says {expected}, ledger says {actual}");
            var balances = await ledger.GetBalancesAsync(Skus, none);
            foreach (var balance in balances)
            {
                var heldHere = held.Values.Sum(h => h.GetValueOrDefault((balance.Sku, balance.Location)));
                Assert.True(
                    (balance.OnHand, balance.Allocated) == (onHand.GetValueOrDefault((balance.Sku, balance.Location)), heldHere),
                    $"seed {seed} step {step}: {balance.Sku}@{balance.Location} is {balance.OnHand}/{balance.Allocated}, model {onHand.GetValueOrDefault((balance.Sku, balance.Location))}/{heldHere}");
            }
        }
    }

    private static async Task<bool> Succeeds(Func<Task> operation)
    {
        try
        {
            await operation();
            return true;
        }
        catch (InsufficientStockException)
        {
            return false;
        }
    }
}

using FsCheck;
using FsCheck.Xunit;
using OrderOps.Core.Inventory;

namespace OrderOps.Inventory.Tests.Core;

public sealed class AllocationPlannerTests
{
    private static readonly string[] Locations = ["east", "west", "store"];
    private static readonly string[] Skus = ["A", "B", "C"];

    [Property(MaxTest = 500)]
    public bool A_plan_never_takes_more_than_available_and_covers_every_unit_or_nothing(NonNegativeInt[] stock, PositiveInt[] wanted)
    {
        var available = new Dictionary<(string, string), int>();
        for (var i = 0; i < stock.Length && i < 9; i++)
        {
            available[(Skus[i % 3], Locations[i / 3])] = stock[i].Get % 20;
        }

        var totals = wanted.Take(3).Select((w, i) => new SkuQuantity(Skus[i], (w.Get % 25) + 1)).ToList();
        var plan = AllocationPlanner.Plan(totals, available, Locations);

        var taken = plan.Allocations.GroupBy(a => (a.Sku, a.Location)).ToDictionary(g => g.Key, g => g.Sum(a => a.Quantity));
        var withinStock = taken.All(t => t.Value <= available.GetValueOrDefault(t.Key));
        var positive = plan.Allocations.All(a => a.Quantity > 0);
        var feasible = totals.All(t => Locations.Sum(l => available.GetValueOrDefault((t.Sku, l))) >= t.Quantity);
        var complete = totals.All(t => plan.Allocations.Where(a => a.Sku == t.Sku).Sum(a => a.Quantity) == t.Quantity);
        return withinStock && positive && (feasible ? plan.IsComplete && complete : !plan.IsComplete && plan.Allocations.Count == 0);
    }

    [Fact]
    public void One_location_that_can_ship_everything_wins_over_preference_order_per_sku()
    {
        var available = new Dictionary<(string, string), int> { [("A", "east")] = 5, [("A", "west")] = 5, [("B", "west")] = 1 };
        var plan = AllocationPlanner.Plan([new("A", 2), new("B", 1)], available, ["east", "west"]);
        Assert.All(plan.Allocations, a => Assert.Equal("west", a.Location));
    }

    [Fact]
    public void Over_allocated_locations_count_as_zero()
    {
        var available = new Dictionary<(string, string), int> { [("A", "east")] = -3, [("A", "west")] = 2 };
        var plan = AllocationPlanner.Plan([new("A", 2)], available, ["east", "west"]);
        Assert.Equal([new LocationAllocation("A", "west", 2)], plan.Allocations);
    }
}

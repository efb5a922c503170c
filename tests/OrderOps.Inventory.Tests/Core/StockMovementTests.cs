using OrderOps.Core.Inventory;

namespace OrderOps.Inventory.Tests.Core;

public sealed class StockMovementTests
{
    [Theory]
    [InlineData(MovementType.Receipt, 5, true)]
    [InlineData(MovementType.Return, 1, true)]
    [InlineData(MovementType.Transfer, 2, true)]
    [InlineData(MovementType.Release, 2, true)]
    [InlineData(MovementType.Adjustment, 3, true)]
    [InlineData(MovementType.Adjustment, -3, false)]
    [InlineData(MovementType.Allocation, 2, false)]
    [InlineData(MovementType.Shipment, 2, false)]
    public void Only_movements_that_can_make_units_available_are_worth_retrying_waiting_orders_for(MovementType type, int quantity, bool expected)
    {
        var movement = new StockMovement { MovementId = "m", Sku = "SKU", Location = "east", Type = type, Quantity = quantity, ToLocation = type == MovementType.Transfer ? "west" : null };

        Assert.Equal(expected, movement.CanBringStock());
    }
}

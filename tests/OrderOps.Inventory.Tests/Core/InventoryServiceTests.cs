using OrderOps.Core.Inventory;
using OrderOps.Inventory.Tests.Embedded;
using OrderOps.Storage.Embedded.Inventory;

namespace OrderOps.Inventory.Tests.Core;

public sealed class InventoryServiceTests : IDisposable
{
    private readonly TempDatabase _database = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Refuses_unconfigured_locations_and_describes_a_sku_per_location_and_channel()
    {
        var options = new InventoryOptions { Locations = ["east", "west"] };
        options.Channels["shopify"] = new ChannelInventoryOptions { Locations = ["east"], Buffer = new StockBuffer { Absolute = 2 } };
        var ledger = new SqliteInventoryLedger(_database.Database, TimeProvider.System);
        var service = new InventoryService(ledger, new SqliteInventoryPublicationStore(_database.Database), options);

        var refused = await service.RecordMovementAsync(new StockMovement { MovementId = "m0", Sku = "A", Location = "mars", Type = MovementType.Receipt, Quantity = 1 }, CancellationToken.None);
        Assert.Null(refused.Outcome);
        Assert.Contains(refused.Errors, e => e.Contains("mars", StringComparison.Ordinal));

        Assert.Equal(MovementOutcome.Recorded, (await service.RecordMovementAsync(new StockMovement { MovementId = "m1", Sku = "A", Location = "east", Type = MovementType.Receipt, Quantity = 10 }, CancellationToken.None)).Outcome);
        await service.RecordMovementAsync(new StockMovement { MovementId = "m2", Sku = "A", Location = "west", Type = MovementType.Receipt, Quantity = 4 }, CancellationToken.None);

        var view = await service.DescribeAsync("A", CancellationToken.None);
        Assert.Equal([new("east", 10, 0, 10), new("west", 4, 0, 4)], view.Locations);
        var shopify = Assert.Single(view.Channels);
        Assert.Equal(8, shopify.AvailableToSell);
        Assert.Null(shopify.PublishedQuantity);
        Assert.Contains("10 available at [east]", shopify.Computation, StringComparison.Ordinal);
    }
}

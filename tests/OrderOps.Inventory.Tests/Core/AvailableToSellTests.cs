using FsCheck;
using FsCheck.Xunit;
using OrderOps.Core.Inventory;

namespace OrderOps.Inventory.Tests.Core;

public sealed class AvailableToSellTests
{
    private static ChannelInventoryOptions Channel(decimal percent = 0, int absolute = 0) => new()
    {
        Locations = ["east", "west"],
        Buffer = new StockBuffer { Percent = percent, Absolute = absolute },
    };

    [Property(MaxTest = 500)]
    public bool Never_negative_and_never_more_than_pooled_available(int east, int west, int store, NonNegativeInt percent, NonNegativeInt absolute)
    {
        var balances = new[]
        {
            new StockBalance("A", "east", Math.Abs(east % 1000), Math.Abs(east % 7)),
            new StockBalance("A", "west", Math.Abs(west % 1000), Math.Abs(west % 1100)),
            new StockBalance("A", "store", Math.Abs(store % 1000), 0),
        };
        var ats = AvailableToSellCalculator.Compute("shopify", "A", Channel(percent.Get % 101, absolute.Get % 50), balances);
        var pooled = balances.Where(b => b.Location != "store").Sum(b => Math.Max(0, b.Available));
        return ats.Quantity >= 0 && ats.Quantity <= pooled && ats.PooledAvailable == pooled;
    }

    [Fact]
    public void Pools_serving_locations_subtracts_percent_rounded_up_then_absolute()
    {
        var balances = new[] { new StockBalance("A", "east", 30, 5), new StockBalance("A", "west", 12, 0), new StockBalance("A", "store", 100, 0) };
        var ats = AvailableToSellCalculator.Compute("shopify", "A", Channel(10, 2), balances);
        Assert.Equal(37, ats.PooledAvailable);
        Assert.Equal(6, ats.BufferUnits); // ceil(3.7) + 2
        Assert.Equal(31, ats.Quantity);
        Assert.Contains("= 31", ats.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sku_override_replaces_the_channel_buffer()
    {
        var options = Channel(50);
        options.SkuBuffers["A"] = new StockBuffer { Absolute = 1 };
        var balances = new[] { new StockBalance("A", "east", 10, 0), new StockBalance("B", "east", 10, 0) };
        Assert.Equal(9, AvailableToSellCalculator.Compute("shopify", "A", options, balances).Quantity);
        Assert.Equal(5, AvailableToSellCalculator.Compute("shopify", "B", options, balances).Quantity);
    }

    [Fact]
    public void An_over_allocated_location_does_not_eat_into_another_one()
    {
        var balances = new[] { new StockBalance("A", "east", 2, 5), new StockBalance("A", "west", 4, 0) };
        Assert.Equal(4, AvailableToSellCalculator.Compute("shopify", "A", Channel(), balances).Quantity);
    }

    [Fact]
    public void Options_validation_names_unknown_locations_and_bad_buffers()
    {
        var options = new InventoryOptions { Locations = ["east"] };
        options.Channels["shopify"] = new ChannelInventoryOptions { Locations = ["east", "mars"], Buffer = new StockBuffer { Percent = 120 } };
        var errors = options.Validate();
        Assert.Contains(errors, e => e.Contains("mars", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("Percent", StringComparison.Ordinal));
    }
}

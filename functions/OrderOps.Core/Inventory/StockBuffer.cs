namespace OrderOps.Core.Inventory;

/// <summary>
/// Units held back from a channel so that stock sold elsewhere in the seconds before a push lands does not
/// oversell it. Percent is taken first (rounded up: hold back at least the share asked for), then Absolute.
/// </summary>
public sealed class StockBuffer
{
    /// <summary>Share of the pooled available held back, 0–100.</summary>
    public decimal Percent { get; set; }

    /// <summary>Units held back after the percentage.</summary>
    public int Absolute { get; set; }

    public static StockBuffer None { get; } = new();
}

/// <summary>The published quantity for one channel and SKU, with how it was computed (shown by GET /api/inventory/{sku}).</summary>
public sealed record AvailableToSell(
    string Channel,
    string Sku,
    int Quantity,
    int PooledAvailable,
    IReadOnlyList<string> Locations,
    decimal BufferPercent,
    int BufferAbsolute,
    int BufferUnits,
    bool SkuOverride)
{
    public string Explanation =>
        $"max(0, {PooledAvailable} available at [{string.Join(", ", Locations)}] − {BufferUnits} buffer " +
        $"({BufferPercent}% rounded up + {BufferAbsolute}{(SkuOverride ? ", SKU override" : string.Empty)})) = {Quantity}";
}

public static class AvailableToSellCalculator
{
    /// <summary>
    /// Pools what is available at the channel's locations (a location that is over-allocated after a count
    /// correction contributes zero, not a negative), subtracts the buffer, and never goes below zero.
    /// </summary>
    public static AvailableToSell Compute(string channel, string sku, ChannelInventoryOptions channelOptions, IEnumerable<StockBalance> balances)
    {
        ArgumentNullException.ThrowIfNull(channelOptions);
        ArgumentNullException.ThrowIfNull(balances);
        var serving = channelOptions.Locations;
        var pooled = 0;
        foreach (var balance in balances)
        {
            if (balance.Sku == sku && serving.Contains(balance.Location))
            {
                pooled = checked(pooled + Math.Max(0, balance.Available));
            }
        }

        var skuOverride = channelOptions.SkuBuffers.TryGetValue(sku, out var overridden);
        var buffer = skuOverride ? overridden! : channelOptions.Buffer ?? StockBuffer.None;
        var bufferUnits = BufferUnits(pooled, buffer);
        return new AvailableToSell(channel, sku, Math.Max(0, pooled - bufferUnits), pooled, serving, buffer.Percent, buffer.Absolute, bufferUnits, skuOverride);
    }

    public static int BufferUnits(int pooled, StockBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var percent = Math.Clamp(buffer.Percent, 0m, 100m);
        var byPercent = (int)Math.Ceiling(pooled * percent / 100m);
        return checked(byPercent + Math.Max(0, buffer.Absolute));
    }
}

namespace OrderOps.Core.Inventory;

/// <summary>
/// Bound from the <c>Inventory</c> configuration section. Example:
/// <code>
/// "Inventory": {
///   "Locations": [ "dc-east", "dc-west", "store-nyc" ],
///   "Channels": {
///     "shopify": { "Locations": [ "dc-east", "store-nyc" ], "Buffer": { "Percent": 10, "Absolute": 1 },
///                  "SkuBuffers": { "HOODIE-L": { "Absolute": 5 } } },
///     "amazon":  { "Locations": [ "dc-east", "dc-west" ], "MaxPushesPerSecond": 5 }
///   },
///   "FanOut": { "CoalesceWindow": "00:00:00.200" }
/// }
/// </code>
/// </summary>
public sealed class InventoryOptions
{
    public const string SectionName = "Inventory";

    /// <summary>Every stock location the ledger accepts, most preferred first for reservations.</summary>
    public List<string> Locations { get; set; } = [];

    /// <summary>Channel name (as in <c>Channels</c>: shopify, amazon, edi) → what it sells from.</summary>
    public Dictionary<string, ChannelInventoryOptions> Channels { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public InventoryFanOutOptions FanOut { get; set; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Locations.Count == 0)
        {
            errors.Add("Inventory:Locations must name at least one location.");
        }

        if (Locations.Distinct(StringComparer.Ordinal).Count() != Locations.Count)
        {
            errors.Add("Inventory:Locations has duplicates.");
        }

        foreach (var (name, channel) in Channels)
        {
            if (channel.Locations.Count == 0)
            {
                errors.Add($"Inventory:Channels:{name}:Locations must name at least one location.");
            }

            errors.AddRange(channel.Locations.Where(l => !Locations.Contains(l))
                .Select(l => $"Inventory:Channels:{name}:Locations names '{l}', which is not in Inventory:Locations."));
            foreach (var (sku, buffer) in channel.SkuBuffers.Prepend(new KeyValuePair<string, StockBuffer>("(channel)", channel.Buffer ?? StockBuffer.None)))
            {
                if (buffer.Percent is < 0 or > 100 || buffer.Absolute < 0)
                {
                    errors.Add($"Inventory:Channels:{name} buffer for {sku}: Percent must be 0–100 and Absolute ≥ 0.");
                }
            }

            if (channel.MaxPushesPerSecond is <= 0)
            {
                errors.Add($"Inventory:Channels:{name}:MaxPushesPerSecond must be positive when set.");
            }
        }

        return errors;
    }
}

public sealed class ChannelInventoryOptions
{
    /// <summary>Pushes are made only for enabled channels; the ledger keeps computing for all of them.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Locations whose available stock is pooled into what this channel may sell.</summary>
    public List<string> Locations { get; set; } = [];

    public StockBuffer? Buffer { get; set; }

    /// <summary>Per-SKU buffers replacing <see cref="Buffer"/> for that SKU.</summary>
    public Dictionary<string, StockBuffer> SkuBuffers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Pushes per second the account's channel-sync orchestration allows itself towards the channel, across every
    /// instance of the app: batches of <see cref="Burst"/> pushes, one batch per <c>Burst / MaxPushesPerSecond</c>.
    /// Null takes the publisher's documented rate (Amazon's 5 patchListingsItem requests per second per seller), or
    /// leaves rate limiting to a publisher that has none (Shopify's adapter follows Shopify's throttle status itself).
    /// </summary>
    public double? MaxPushesPerSecond { get; set; }

    public int Burst { get; set; } = 1;

    /// <summary>Pushes in flight at once towards the channel.</summary>
    public int MaxConcurrency { get; set; } = 4;
}

public sealed class InventoryFanOutOptions
{
    /// <summary>Minimum time between two pushes of one SKU to one channel: a burst becomes one push per window, carrying the latest value.</summary>
    public TimeSpan CoalesceWindow { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Change-log entries read per planning round.</summary>
    public int BatchSize { get; set; } = 2000;

    /// <summary>Pending pushes taken per round of an account whose pushes are not paced (<c>MaxPushesPerSecond</c> unset).</summary>
    public int DispatchBatchSize { get; set; } = 500;

    /// <summary>
    /// How long an account's channel-sync orchestration with nothing due waits before it looks again unsignalled: the
    /// safety net for a signal lost between a planning round's commit and its raise (the fan-out normally signals it).
    /// </summary>
    public TimeSpan IdleRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>First retry delay of a failed push; doubles per attempt up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Consecutive failures after which a push is parked.</summary>
    public int AttemptsBeforeParking { get; set; } = 6;

    /// <summary>How long a parked push waits before it is tried again (with the value true at that time).</summary>
    public TimeSpan ParkedRetryInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A push leased by a round that neither succeeded nor failed in this time is taken again (crash safety).</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Name of the checkpoint holding the last change-log position planned.</summary>
    public string CheckpointName { get; set; } = "inventory-fanout";

    public TimeSpan BackoffAfter(int attempts)
    {
        var exponent = Math.Clamp(attempts - 1, 0, 30);
        var ticks = InitialBackoff.Ticks * Math.Pow(2, exponent);
        return ticks >= MaxBackoff.Ticks ? MaxBackoff : TimeSpan.FromTicks((long)ticks);
    }
}

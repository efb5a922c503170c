namespace OrderOps.Storage.Azure.Inventory;

/// <summary>Tuning of <see cref="CosmosInventoryLedger"/>; the defaults suit production.</summary>
public sealed record CosmosInventoryLedgerOptions
{
    /// <summary>
    /// Keep the change log that <c>ReadChangesAsync</c> reads (the standalone change-feed pump needs it). A Function app
    /// turns it off: there the Cosmos DB trigger reads the container's real change feed, and the log's single head
    /// document would only be a point of contention between scaled-out instances.
    /// </summary>
    public bool ChangeLog { get; init; } = true;

    /// <summary>How long the driver of an order intent may keep applying its steps (measured on its own monotonic clock).</summary>
    public TimeSpan IntentLease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far apart the clocks of two instances may be; another caller takes an intent over only after lease plus this.</summary>
    public TimeSpan ClockSkewAllowance { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long change-log entries of another instance may wait before this one presumes it crashed and appends them.</summary>
    public TimeSpan ChangeLogGrace { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Committed movements kept inside the SKU document before they are copied into their own documents.</summary>
    public int OutboxFlushThreshold { get; init; } = 20;

    /// <summary>How many times a multi-SKU reservation re-plans after losing a race for stock before it reports Insufficient.</summary>
    public int MaxPlanRounds { get; init; } = 5;

    /// <summary>Identifies this ledger instance in the documents it writes (one per process).</summary>
    public string InstanceId { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>When an intent in flight counts as abandoned and may be finished or undone by another caller.</summary>
    public TimeSpan RecoverAfter => IntentLease + ClockSkewAllowance;
}

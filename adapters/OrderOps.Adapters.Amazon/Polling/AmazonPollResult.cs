namespace OrderOps.Adapters.Amazon.Polling;

/// <summary>What one <see cref="AmazonOrderPoller.PollAsync"/> run did.</summary>
public sealed record AmazonPollResult
{
    /// <summary>True when another run was still in progress, so this one did nothing.</summary>
    public bool Skipped { get; init; }

    public IReadOnlyList<MarketplacePollResult> Marketplaces { get; init; } = [];

    public int OrdersQueued => Marketplaces.Sum(m => m.OrdersQueued);

    public bool Succeeded => !Skipped && Marketplaces.All(m => m.Error is null);

    public static AmazonPollResult SkippedRun { get; } = new() { Skipped = true };
}

/// <summary>The outcome for one seller account + marketplace.</summary>
public sealed record MarketplacePollResult
{
    public required string SellerId { get; init; }

    public required string MarketplaceId { get; init; }

    public int Pages { get; init; }

    /// <summary>Orders archived and sent to the ingest queue by this run (an order seen twice counts once).</summary>
    public int OrdersQueued { get; init; }

    /// <summary>The watermark after the run; null when none has been written yet.</summary>
    public DateTimeOffset? Watermark { get; init; }

    /// <summary>Why this account + marketplace stopped early; its watermark and cursor still describe what was queued.</summary>
    public Exception? Error { get; init; }
}
